//! Settings on both databases: every settings door refuses those below its role; stages are
//! created, reordered and deleted without losing a lead; retired reasons keep their text for
//! history; dictionaries, tags, users and the school's settings change as the owner says.

use backend::both;
use backend::testing::{set_up, user, PASSWORD};
use backend::{configure, leads, moves, settings, staff, stages, tasks, timeline, users, with_pool, Db};
use domain::config::{DictionaryChange, SchoolForm, StageChange, StageDraft, UserChange};
use domain::dictionary::DictionaryKind;
use domain::error::Invalid;
use domain::lead::{LeadDraft, MoveLead};
use domain::preset::StagePreset;
use domain::settings::LeadVisibility;
use domain::stage::StageKind;
use domain::task::{TaskDraft, TaskKind};
use domain::timeline::TimelineEvent;
use domain::user::{Lang, NewUser, Role, User};
use domain::{AppError, Id};

fn err(e: backend::Error) -> AppError {
    e.into()
}

fn draft(name: &str) -> StageDraft {
    StageDraft { name: name.into(), color: "#336699".into(), kind: StageKind::Open, shown_on_board: true, enrolment: false }
}

fn school() -> SchoolForm {
    SchoolForm {
        name: "Автошкола «Север»".into(),
        timezone: "Asia/Novosibirsk".into(),
        lead_visibility: LeadVisibility::Own,
        first_contact_minutes: 30,
        calls_create_leads: true,
    }
}

async fn stage_ids(db: &Db) -> Vec<Id> {
    stages::list_stages(db).await.unwrap().into_iter().map(|s| s.id).collect()
}

both!(every_settings_door_checks_the_role, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let admin = user(&db, "admin", Role::Administrator).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let director = user(&db, "director", Role::Director).await;
    let stage = stage_ids(&db).await[0];
    let stage_changes = [
        StageChange::Create(draft("Новый")),
        StageChange::Update { id: stage, draft: draft("Переименован") },
        StageChange::Reorder(stage_ids(&db).await),
        StageChange::Delete { id: stage, move_to: None },
        StageChange::AddReason { stage_id: stage, name: "Причина".into() },
    ];
    let dictionary_changes = [
        DictionaryChange::Add { kind: DictionaryKind::Branch, name: "Филиал".into() },
        DictionaryChange::SetActive { kind: DictionaryKind::Category, id: 1, active: false },
        DictionaryChange::MergeTags { from: 1, into: 2 },
    ];
    let user_changes = [
        UserChange::SetRole { id: sales.id, role: Role::Owner },
        UserChange::SetActive { id: owner.id, active: false, reassign_to: None },
        UserChange::ResetPassword { id: owner.id, password: "new password 123".into() },
        UserChange::SetLanguage { id: owner.id, lang: Lang::En },
        UserChange::Create(NewUser {
            login: "intruder".into(),
            display_name: "X".into(),
            role: Role::Owner,
            password: PASSWORD.into(),
            lang: Lang::Ru,
        }),
    ];
    for outsider in [&sales, &admin] {
        for change in &stage_changes {
            assert_eq!(err(configure::change_stages(&db, outsider, change.clone()).await.unwrap_err()), AppError::Forbidden, "{change:?}");
        }
        for change in &dictionary_changes {
            assert_eq!(
                err(configure::change_dictionary(&db, outsider, change.clone()).await.unwrap_err()),
                AppError::Forbidden,
                "{change:?}"
            );
        }
    }
    // Users and the school are the owner's alone.
    for outsider in [&sales, &admin, &deputy, &director] {
        for change in &user_changes {
            assert_eq!(err(staff::change_user(&db, outsider, change.clone()).await.unwrap_err()), AppError::Forbidden, "{change:?}");
        }
        assert_eq!(err(staff::staff(&db, outsider).await.unwrap_err()), AppError::Forbidden);
        assert_eq!(err(settings::update_school(&db, outsider, school()).await.unwrap_err()), AppError::Forbidden);
    }
    // Nothing changed.
    assert_eq!(users::get_user(&db, sales.id).await.unwrap().unwrap().role, Role::Sales);
    assert_eq!(settings::settings_or_default(&db).await.unwrap().name, "Тестовая автошкола");
    // A deputy may configure; the owner may manage users and the school.
    configure::change_stages(&db, &deputy, StageChange::Create(draft("От заместителя"))).await.unwrap();
    let saved = settings::update_school(&db, &owner, school()).await.unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.timezone.as_str(), saved.lead_visibility),
        ("Автошкола «Север»", "Asia/Novosibirsk", LeadVisibility::Own)
    );
    let bad_zone = SchoolForm { timezone: "Mars/Olympus".into(), ..school() };
    assert_eq!(err(settings::update_school(&db, &owner, bad_zone).await.unwrap_err()), AppError::invalid("timezone", Invalid::Timezone));
});

both!(stages_are_reordered_and_deleted_without_losing_leads, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let before = stage_ids(&db).await;
    configure::change_stages(&db, &owner, StageChange::Create(draft("Думает"))).await.unwrap();
    let thinking = *stage_ids(&db).await.last().unwrap();
    assert_eq!(stage_ids(&db).await.len(), before.len() + 1);
    assert_eq!(
        err(configure::change_stages(&db, &owner, StageChange::Create(draft("Думает"))).await.unwrap_err()),
        AppError::invalid("name", Invalid::Taken)
    );
    // Reordering: the new stage goes first; a reorder that drops a stage is refused.
    let mut order = vec![thinking];
    order.extend(&before);
    configure::change_stages(&db, &owner, StageChange::Reorder(order.clone())).await.unwrap();
    assert_eq!(stage_ids(&db).await, order);
    assert!(configure::change_stages(&db, &owner, StageChange::Reorder(before.clone())).await.is_err());

    // Three leads there (one archived): deleting needs somewhere to put them.
    let mut ids = Vec::new();
    for name in ["Первый", "Второй", "Третий"] {
        let lead = leads::create_lead(&db, &owner, LeadDraft { first_name: name.into(), stage_id: Some(thinking), ..LeadDraft::default() })
            .await
            .unwrap();
        ids.push(lead.id);
    }
    let archived = leads::get_lead(&db, ids[2]).await.unwrap().unwrap();
    backend::actions::set_archived(&db, &owner, archived.id, archived.version, true).await.unwrap();
    assert_eq!(
        err(configure::change_stages(&db, &owner, StageChange::Delete { id: thinking, move_to: None }).await.unwrap_err()),
        AppError::invalid("move_to", Invalid::NotEmpty)
    );
    assert_eq!(
        err(configure::change_stages(&db, &owner, StageChange::Delete { id: thinking, move_to: Some(thinking) }).await.unwrap_err()),
        AppError::invalid("move_to", Invalid::NotFound)
    );
    let target = before[0];
    configure::change_stages(&db, &owner, StageChange::Delete { id: thinking, move_to: Some(target) }).await.unwrap();
    assert_eq!(stage_ids(&db).await, before);
    for id in &ids {
        let lead = leads::get_lead(&db, *id).await.unwrap().expect("every lead is still there");
        assert_eq!(lead.stage_id, target);
        let moved = timeline::list(&db, &owner, *id, &["stage_changed".into()], None).await.unwrap();
        assert_eq!(moved[0].event, TimelineEvent::StageChanged { from: Some(thinking), to: target, reason: None });
    }
    // An empty stage goes without a target; the last stage stays.
    configure::change_stages(&db, &owner, StageChange::Create(draft("Пустой"))).await.unwrap();
    let empty = *stage_ids(&db).await.last().unwrap();
    configure::change_stages(&db, &owner, StageChange::Delete { id: empty, move_to: None }).await.unwrap();
    assert_eq!(stage_ids(&db).await, before);
});

both!(retired_reasons_keep_their_text_in_history, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let all = stages::list_stages(&db).await.unwrap();
    let (open, lost) = (all[0].id, all.iter().find(|s| s.kind == StageKind::Lost).unwrap().id);
    configure::change_stages(&db, &owner, StageChange::AddReason { stage_id: lost, name: "Дорого".into() }).await.unwrap();
    configure::change_stages(&db, &owner, StageChange::AddReason { stage_id: lost, name: "Далеко".into() }).await.unwrap();
    let reasons = |all: Vec<domain::stage::Stage>| all.into_iter().find(|s| s.id == lost).unwrap().reasons;
    let listed = reasons(stages::list_stages(&db).await.unwrap());
    let expensive = listed.iter().find(|r| r.name == "Дорого").unwrap().id;
    // Reorder: "Далеко" first.
    let mut order: Vec<Id> = listed.iter().map(|r| r.id).collect();
    order.retain(|id| *id != expensive);
    order.push(expensive);
    configure::change_stages(&db, &owner, StageChange::ReorderReasons { stage_id: lost, ids: order.clone() }).await.unwrap();
    assert_eq!(reasons(stages::list_stages(&db).await.unwrap()).iter().map(|r| r.id).collect::<Vec<_>>(), order);

    let lead = leads::create_lead(&db, &owner, LeadDraft { first_name: "Ушёл".into(), stage_id: Some(open), ..LeadDraft::default() })
        .await
        .unwrap();
    moves::move_lead(&db, &owner, MoveLead { lead_id: lead.id, to_stage: lost, reason: Some(expensive), expected_version: lead.version })
        .await
        .unwrap();
    configure::change_stages(&db, &owner, StageChange::RetireReason { id: expensive, retired: true }).await.unwrap();
    // No longer offered for new moves, still named for the old one.
    let stage = stages::list_stages(&db).await.unwrap().into_iter().find(|s| s.id == lost).unwrap();
    assert!(stage.check_reason(Some(expensive)).is_err());
    let retired = stage.reasons.iter().find(|r| r.id == expensive).unwrap();
    assert!(retired.retired);
    assert_eq!(retired.name, "Дорого");
    let entry = &timeline::list(&db, &owner, lead.id, &["stage_changed".into()], None).await.unwrap()[0];
    assert_eq!(entry.event, TimelineEvent::StageChanged { from: Some(open), to: lost, reason: Some(expensive) });
});

both!(dictionaries_and_tags_change, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    configure::change_dictionary(&db, &deputy, DictionaryChange::Add { kind: DictionaryKind::Branch, name: "  Класс  на Ленина ".into() })
        .await
        .unwrap();
    let branches = backend::dictionaries::list(&db, DictionaryKind::Branch).await.unwrap();
    assert_eq!(branches.last().unwrap().name, "Класс на Ленина");
    assert_eq!(
        err(configure::change_dictionary(
            &db,
            &deputy,
            DictionaryChange::Add { kind: DictionaryKind::Branch, name: "Класс на Ленина".into() }
        )
        .await
        .unwrap_err()),
        AppError::invalid("name", Invalid::Taken)
    );
    // The first channel is the default for new leads: reorder and see it change.
    let channels = backend::dictionaries::list(&db, DictionaryKind::Channel).await.unwrap();
    let mut order: Vec<Id> = channels.iter().map(|c| c.id).collect();
    order.rotate_left(1);
    configure::change_dictionary(&db, &deputy, DictionaryChange::Reorder { kind: DictionaryKind::Channel, ids: order.clone() })
        .await
        .unwrap();
    let stage = stage_ids(&db).await[0];
    let lead = leads::create_lead(&db, &owner, LeadDraft { first_name: "Канал".into(), stage_id: Some(stage), ..LeadDraft::default() })
        .await
        .unwrap();
    assert_eq!(lead.channel_id, order[0]);
    // A disabled category stays on old leads.
    let category = backend::dictionaries::list(&db, DictionaryKind::Category).await.unwrap()[0].id;
    configure::change_dictionary(&db, &deputy, DictionaryChange::SetActive { kind: DictionaryKind::Category, id: category, active: false })
        .await
        .unwrap();
    assert!(!backend::dictionaries::list(&db, DictionaryKind::Category).await.unwrap()[0].active);

    // Tags: two leads, one tagged "студент" and one "студенты"; merge the second into the first.
    let tagged = |name: &str, tag: &str| LeadDraft {
        first_name: name.into(),
        stage_id: Some(stage),
        tags: vec![tag.into()],
        ..LeadDraft::default()
    };
    let a = leads::create_lead(&db, &owner, tagged("А", "студент")).await.unwrap();
    let b = leads::create_lead(&db, &owner, tagged("Б", "студенты")).await.unwrap();
    let tags = backend::dictionaries::list(&db, DictionaryKind::Tag).await.unwrap();
    let id_of = |name: &str| tags.iter().find(|t| t.name == name).unwrap().id;
    configure::change_dictionary(&db, &deputy, DictionaryChange::MergeTags { from: id_of("студенты"), into: id_of("студент") })
        .await
        .unwrap();
    for lead in [a.id, b.id] {
        assert_eq!(leads::get_lead(&db, lead).await.unwrap().unwrap().tags, vec!["студент".to_string()]);
    }
    assert!(backend::dictionaries::list(&db, DictionaryKind::Tag).await.unwrap().iter().all(|t| t.name != "студенты"));
    configure::change_dictionary(
        &db,
        &deputy,
        DictionaryChange::Rename { kind: DictionaryKind::Tag, id: id_of("студент"), name: "ученик".into() },
    )
    .await
    .unwrap();
    assert_eq!(leads::get_lead(&db, a.id).await.unwrap().unwrap().tags, vec!["ученик".to_string()]);
});

both!(the_owner_manages_staff_and_hands_over_a_leavers_work, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stage_ids(&db).await[0];
    let new =
        NewUser {
            login: "Leaver".into(), display_name: "Уходящий".into(), role: Role::Sales, password: PASSWORD.into(), lang: Lang::Ru
        };
    staff::change_user(&db, &owner, UserChange::Create(new)).await.unwrap();
    let leaver: User = users::list_users(&db).await.unwrap().into_iter().find(|u| u.login == "leaver").unwrap();
    let heir = user(&db, "heir", Role::Sales).await;
    let lead = leads::create_lead(&db, &leaver, LeadDraft { first_name: "Клиент".into(), stage_id: Some(stage), ..LeadDraft::default() })
        .await
        .unwrap();
    let archived =
        leads::create_lead(&db, &leaver, LeadDraft { first_name: "Архив".into(), stage_id: Some(stage), ..LeadDraft::default() })
            .await
            .unwrap();
    backend::actions::set_archived(&db, &owner, archived.id, archived.version, true).await.unwrap();
    let due_local = (chrono::Utc::now() + chrono::Duration::days(2)).naive_utc();
    let task = tasks::create_task(
        &db,
        &leaver,
        TaskDraft { title: "Позвонить".into(), kind: TaskKind::Call, due_local, assignee_id: None, lead_id: Some(lead.id) },
    )
    .await
    .unwrap();
    let listed = staff::staff(&db, &owner).await.unwrap();
    let row = listed.iter().find(|m| m.user.id == leaver.id).unwrap();
    assert_eq!((row.leads, row.open_tasks), (1, 1));

    // Nobody switches themselves off, and the last owner stays an owner.
    assert_eq!(
        err(staff::change_user(&db, &owner, UserChange::SetActive { id: owner.id, active: false, reassign_to: None }).await.unwrap_err()),
        AppError::invalid("active", Invalid::Protected)
    );
    assert_eq!(
        err(staff::change_user(&db, &owner, UserChange::SetRole { id: owner.id, role: Role::Sales }).await.unwrap_err()),
        AppError::invalid("role", Invalid::Protected)
    );
    staff::change_user(&db, &owner, UserChange::SetActive { id: leaver.id, active: false, reassign_to: Some(heir.id) }).await.unwrap();
    let lead = leads::get_lead(&db, lead.id).await.unwrap().unwrap();
    assert_eq!(lead.responsible_id, Some(heir.id));
    // An archived lead changes hands too (restored, it has a working owner), but the count the
    // heir reads names only live leads, as the list it links to shows.
    assert_eq!(leads::get_lead(&db, archived.id).await.unwrap().unwrap().responsible_id, Some(heir.id));
    assert_eq!(tasks::get_task(&db, task.id).await.unwrap().unwrap().assignee_id, heir.id);
    let handed = timeline::list(&db, &owner, lead.id, &["transferred".into()], None).await.unwrap();
    assert_eq!(handed[0].event, TimelineEvent::Transferred { from: Some(leaver.id), to: Some(heir.id) });
    // The heir hears of it once, with whose work and how much, not once a lead.
    let told: Vec<_> = backend::notifications::list(&db, &heir).await.unwrap().into_iter().map(|n| n.notification).collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].kind, domain::notification::NotificationKind::LeadsHandedOver);
    assert_eq!(
        told[0].handed_over,
        Some(domain::notification::HandOver { from_user_id: leaver.id, from_name: leaver.display_name.clone(), leads: 1, tasks: 1 })
    );
    // The leaver can no longer sign in, nor be made responsible.
    let throttle = backend::auth::LoginThrottle::default();
    assert_eq!(err(users::sign_in(&db, &throttle, "leaver", PASSWORD, "1.2.3.4").await.unwrap_err()), AppError::BadCredentials);
    let refused = leads::create_lead(
        &db,
        &owner,
        LeadDraft { first_name: "Ещё".into(), stage_id: Some(stage), responsible_id: Some(leaver.id), ..LeadDraft::default() },
    )
    .await;
    assert_eq!(err(refused.unwrap_err()), AppError::invalid("responsible_id", Invalid::Inactive));

    // Password reset, language and role.
    staff::change_user(&db, &owner, UserChange::ResetPassword { id: heir.id, password: "short".into() }).await.unwrap_err();
    staff::change_user(&db, &owner, UserChange::ResetPassword { id: heir.id, password: "a brand new secret".into() }).await.unwrap();
    assert!(users::sign_in(&db, &throttle, "heir", "a brand new secret", "1.2.3.4").await.is_ok());
    staff::change_user(&db, &owner, UserChange::SetLanguage { id: heir.id, lang: Lang::En }).await.unwrap();
    staff::change_user(&db, &owner, UserChange::SetRole { id: heir.id, role: Role::Deputy }).await.unwrap();
    let heir = users::get_user(&db, heir.id).await.unwrap().unwrap();
    assert_eq!((heir.lang, heir.role), (Lang::En, Role::Deputy));
    let branch: Id = with_pool!(&db, pool => sqlx::query_scalar("INSERT INTO branches (name, position) VALUES ('Центр', 5) RETURNING id").fetch_one(pool).await).unwrap();
    staff::change_user(&db, &owner, UserChange::SetBranch { id: heir.id, branch_id: Some(branch) }).await.unwrap();
    assert_eq!(staff::staff(&db, &owner).await.unwrap().iter().find(|m| m.user.id == heir.id).unwrap().branch_id, Some(branch));
});
