//! Editing a lead, notes and the timeline, transfer, postpone, archive: versions, access and audit
//! entries, on both databases.

use backend::both;
use backend::testing::{set_up, user};
use backend::{actions, edits, leads, stages, timeline};
use chrono::{Duration, Utc};
use domain::error::Invalid;
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::timeline::TimelineEvent;
use domain::user::Role;
use domain::AppError;

fn err(e: backend::Error) -> AppError {
    e.into()
}

both!(edits_check_versions_and_write_each_changed_field, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let draft =
        LeadDraft { first_name: "Евгений".into(), phone: "+79001112233".into(), stage_id: Some(stage), ..LeadDraft::default() };
    let lead = leads::create_lead(&db, &anna, draft.clone()).await.unwrap();

    let edited =
        LeadDraft { surname: "Пётров".into(), phone: "8 (917) 123-45-78".into(), tags: vec!["#VIP".into()], ..draft.clone() };
    let saved = edits::update_lead(&db, &anna, lead.id, 1, edited.clone()).await.unwrap();
    assert_eq!(
        (saved.version, saved.surname.as_deref(), saved.phone.as_ref().map(|p| p.as_str())),
        (2, Some("Пётров"), Some("+79171234578"))
    );
    assert_eq!(saved.tags, vec!["vip"]);
    assert_ne!(saved.person_id, lead.person_id, "a new phone is another person");
    let entries = timeline::list(&db, &anna, lead.id, &["field_changed".into()], None).await.unwrap();
    let mut fields: Vec<(String, Option<String>, Option<String>)> = entries
        .into_iter()
        .map(|e| match e.event {
            TimelineEvent::FieldChanged { field, old, new } => (field, old, new),
            other => panic!("{other:?}"),
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("phone".into(), Some("+79001112233".into()), Some("+79171234578".into())),
            ("surname".into(), None, Some("Пётров".into())),
            ("tags".into(), None, Some("vip".into())),
        ]
    );
    // The search index follows the edit.
    let found = backend::search::quick(&db, &anna, "петров").await.unwrap().0;
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![lead.id]);
    assert!(backend::search::quick(&db, &anna, "9001112233").await.unwrap().0.is_empty(), "the old phone is forgotten");

    // A save from the old version is a conflict naming the current one; nothing is overwritten.
    let stale = LeadDraft { surname: "Сидоров".into(), ..draft.clone() };
    assert_eq!(err(edits::update_lead(&db, &anna, lead.id, 1, stale).await.unwrap_err()), AppError::Conflict { current_version: 2 });
    assert_eq!(leads::get_lead(&db, lead.id).await.unwrap().unwrap().surname.as_deref(), Some("Пётров"));
    // Validation names the field; another sales user may not edit; unknown references are refused.
    let bad = LeadDraft { phone: "12345".into(), ..edited.clone() };
    assert_eq!(err(edits::update_lead(&db, &anna, lead.id, 2, bad).await.unwrap_err()), AppError::invalid("phone", Invalid::Phone));
    assert_eq!(err(edits::update_lead(&db, &boris, lead.id, 2, edited.clone()).await.unwrap_err()), AppError::Forbidden);
    let unknown = LeadDraft { branch_id: Some(999_999), ..edited.clone() };
    assert_eq!(
        err(edits::update_lead(&db, &anna, lead.id, 2, unknown).await.unwrap_err()),
        AppError::invalid("branch_id", Invalid::NotFound)
    );
    // Saving what is already there changes nothing, not even the version.
    assert_eq!(edits::update_lead(&db, &anna, lead.id, 2, edited).await.unwrap().version, 2);
});

both!(notes_belong_to_their_author_and_system_entries_to_nobody, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let lead = leads::create_lead(&db, &anna, LeadDraft { first_name: "Ольга".into(), stage_id: Some(stage), ..LeadDraft::default() })
        .await
        .unwrap();
    let note = timeline::add_note(&db, &anna, lead.id, "  Перезвонить после обеда ").await.unwrap();
    let deputys = timeline::add_note(&db, &deputy, lead.id, "Проверить документы").await.unwrap();
    assert_eq!(err(timeline::add_note(&db, &anna, lead.id, "   ").await.unwrap_err()), AppError::invalid("note", Invalid::Required));

    // Only the author edits or deletes a note, whatever their role.
    assert_eq!(err(timeline::edit_note(&db, &owner, note, "чужая").await.unwrap_err()), AppError::Forbidden);
    assert_eq!(err(timeline::delete_note(&db, &anna, deputys).await.unwrap_err()), AppError::Forbidden);
    timeline::edit_note(&db, &anna, note, "Перезвонить в 15:00").await.unwrap();
    let all = timeline::list(&db, &anna, lead.id, &[], None).await.unwrap();
    let edited = all.iter().find(|e| e.id == note).unwrap();
    assert_eq!(edited.event, TimelineEvent::Note { text: "Перезвонить в 15:00".into() });
    assert!(edited.edited_at.is_some());
    // The "created" entry is part of the audit log: not even its author may touch it.
    let created = all.iter().find(|e| e.event == TimelineEvent::Created).unwrap().id;
    assert_eq!(err(timeline::edit_note(&db, &anna, created, "x").await.unwrap_err()), AppError::Forbidden);
    assert_eq!(err(timeline::delete_note(&db, &anna, created).await.unwrap_err()), AppError::Forbidden);
    timeline::delete_note(&db, &deputy, deputys).await.unwrap();
    let notes = timeline::list(&db, &anna, lead.id, &["note".into()], None).await.unwrap();
    assert_eq!(notes.iter().map(|e| e.id).collect::<Vec<_>>(), vec![note]);
    assert_eq!(err(timeline::edit_note(&db, &anna, 999_999, "x").await.unwrap_err()), AppError::NotFound);

    // Newest first, in pages.
    for i in 0..35 {
        timeline::add_note(&db, &anna, lead.id, &format!("Заметка {i}")).await.unwrap();
    }
    let first = timeline::list(&db, &anna, lead.id, &[], None).await.unwrap();
    assert_eq!(first.len() as i64, timeline::PAGE);
    assert_eq!(first[0].event, TimelineEvent::Note { text: "Заметка 34".into() });
    let last = first.last().unwrap();
    let cursor = timeline::TimelineCursor { created_at: last.created_at, id: last.id };
    let second = timeline::list(&db, &anna, lead.id, &[], Some(cursor)).await.unwrap();
    assert_eq!(first.len() + second.len(), 35 + 2, "35 notes, the first note and the created entry");
    assert!(second.iter().all(|e| first.iter().all(|f| f.id != e.id)));
});

both!(transfer_postpone_archive_and_restore, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let gone = user(&db, "gone", Role::Sales).await;
    backend::with_pool!(&db, pool => sqlx::query("UPDATE users SET active = FALSE WHERE id = $1").bind(gone.id).execute(pool).await.map(|_| ())).unwrap();
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let lead = leads::create_lead(&db, &anna, LeadDraft { first_name: "Пётр".into(), stage_id: Some(stage), ..LeadDraft::default() })
        .await
        .unwrap();

    assert_eq!(
        err(actions::transfer(&db, &anna, lead.id, 1, gone.id).await.unwrap_err()),
        AppError::invalid("responsible_id", Invalid::Inactive)
    );
    let moved = actions::transfer(&db, &anna, lead.id, 1, boris.id).await.unwrap();
    assert_eq!((moved.responsible_id, moved.version), (Some(boris.id), 2));
    let notified: i64 = backend::with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'lead_transferred' AND lead_id = $2")
        .bind(boris.id).bind(lead.id).fetch_one(pool).await).unwrap();
    assert_eq!(notified, 1);
    // Anna no longer is responsible: she may not act on it any more; Boris may.
    assert_eq!(err(actions::set_archived(&db, &anna, lead.id, 2, true).await.unwrap_err()), AppError::Forbidden);

    let until = Utc::now() + Duration::days(3);
    assert_eq!(
        err(actions::postpone(&db, &boris, lead.id, 2, Some(Utc::now() - Duration::hours(1))).await.unwrap_err()),
        AppError::invalid("postponed_until", Invalid::OutOfRange)
    );
    let postponed = actions::postpone(&db, &boris, lead.id, 2, Some(until)).await.unwrap();
    assert!(postponed.postponed_until.is_some());
    assert_eq!(err(actions::set_archived(&db, &boris, lead.id, 2, true).await.unwrap_err()), AppError::Conflict { current_version: 3 });
    let archived = actions::set_archived(&db, &boris, lead.id, 3, true).await.unwrap();
    assert!(archived.archived);
    let board = backend::board::load_board(&db, &boris, &Default::default()).await.unwrap();
    assert!(board.columns.iter().all(|c| c.cards.iter().all(|card| card.id != lead.id)), "archived leads leave the board");
    assert_eq!(backend::search::quick(&db, &boris, "пётр").await.unwrap().0.len(), 1, "and stay searchable");
    let restored = actions::set_archived(&db, &boris, lead.id, 4, false).await.unwrap();
    assert!(!restored.archived);

    let kinds: Vec<&'static str> = timeline::list(&db, &boris, lead.id, &[], None).await.unwrap().iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, vec!["restored", "archived", "postponed", "transferred", "created"]);
});

both!(persons_link_leads_by_phone_and_duplicates_are_marked, |db| async move {
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let stages = stages::list_stages(&db).await.unwrap();
    let first = stages[0].id;
    let d = backend::dictionaries::all(&db).await.unwrap();
    let (cat_b, cat_a) = (d.categories.iter().find(|c| c.name == "B").unwrap().id, d.categories.iter().find(|c| c.name == "A").unwrap().id);
    let mk = |category: i64, phone: &str| LeadDraft {
        first_name: "Ирина".into(),
        phone: phone.into(),
        category_id: Some(category),
        stage_id: Some(first),
        ..LeadDraft::default()
    };
    let b = leads::create_lead(&db, &anna, mk(cat_b, "+7 (912) 000-11-22")).await.unwrap();
    // One lead per licence category (seed 000): another category is another lead of the same person.
    let a = leads::create_lead(&db, &anna, mk(cat_a, "89120001122")).await.unwrap();
    assert_eq!(a.person_id, b.person_id);
    let phone = domain::phone::Phone::parse("912 000 11 22").unwrap();
    let matches = leads::phone_matches(&db, &anna, &phone).await.unwrap();
    assert_eq!(matches.iter().map(|l| l.id).collect::<Vec<_>>(), vec![b.id, a.id]);
    assert_eq!(leads::person_leads(&db, &anna, &a).await.unwrap().iter().map(|l| l.id).collect::<Vec<_>>(), vec![b.id]);

    // Same phone, same category: a duplicate. Marking it links both and moves it to "Дубль".
    let again = leads::create_lead(&db, &anna, mk(cat_b, "+79120001122")).await.unwrap();
    assert_eq!(
        err(actions::mark_duplicate(&db, &anna, again.id, 1, again.id).await.unwrap_err()),
        AppError::invalid("duplicate_of", Invalid::NotFound)
    );
    let marked = actions::mark_duplicate(&db, &anna, again.id, 1, b.id).await.unwrap();
    let dubl = stages.iter().find(|s| s.name == "Дубль").unwrap().id;
    assert_eq!((marked.duplicate_of, marked.stage_id, marked.version), (Some(b.id), dubl, 2));
    let on_original = timeline::list(&db, &owner, b.id, &["duplicate_found".into()], None).await.unwrap();
    assert_eq!(on_original.len(), 1);
    let on_duplicate: Vec<&str> =
        timeline::list(&db, &owner, again.id, &[], None).await.unwrap().into_iter().map(|e| e.event.kind()).collect();
    assert!(on_duplicate.contains(&"marked_duplicate") && on_duplicate.contains(&"stage_changed"), "{on_duplicate:?}");
});

both!(leads_are_read_together_in_the_order_asked_with_their_own_tags, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mk = |name: &str, phone: &str, tags: &[&str]| LeadDraft {
        first_name: name.into(),
        phone: phone.into(),
        stage_id: Some(stage),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..LeadDraft::default()
    };
    let first = leads::create_lead(&db, &anna, mk("Ольга", "+79001110001", &["vip", "вечер"])).await.unwrap();
    let second = leads::create_lead(&db, &anna, mk("Пётр", "+79001110002", &[])).await.unwrap();
    let third = leads::create_lead(&db, &anna, mk("Зоя", "+79001110003", &["вечер"])).await.unwrap();

    let read = leads::get_leads(&db, &[third.id, 999_999, first.id, second.id]).await.unwrap();
    let shown: Vec<(i64, &str, Vec<String>)> = read.iter().map(|l| (l.id, l.first_name.as_str(), l.tags.clone())).collect();
    assert_eq!(
        shown,
        vec![
            (third.id, "Зоя", vec!["вечер".to_string()]),
            (first.id, "Ольга", vec!["vip".to_string(), "вечер".to_string()]),
            (second.id, "Пётр", vec![]),
        ],
        "in the order asked, an unknown id left out, each lead with only its own tags"
    );
    assert_eq!(read[1], leads::get_lead(&db, first.id).await.unwrap().unwrap(), "the batch reads what a single read does");
    assert!(leads::get_leads(&db, &[]).await.unwrap().is_empty());
});
