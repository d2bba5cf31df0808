//! Automation rules on both databases: round robin stays fair and skips inactive users, each rule
//! fires exactly once on each path that creates or moves a lead, due times follow the school's
//! clock, notifications reach the right user only, and rule changes are guarded and audited.

use backend::both;
use backend::testing::{set_up, user};
use backend::{actions, automation, calls, leads, moves, notifications, stages, tasks, with_pool, Db};
use chrono::{Duration, Timelike, Utc};
use domain::automation::{Assign, Delay, DelayUnit, RuleAuditAction, RuleConfig, TaskTemplate};
use domain::lead::{LeadDraft, MoveLead};
use domain::notification::NotificationKind;
use domain::preset::StagePreset;
use domain::task::TaskKind;
use domain::user::{Role, User};
use domain::{AppError, Id};
use std::collections::HashMap;

fn template(title: &str, amount: u32, unit: DelayUnit) -> TaskTemplate {
    TaskTemplate { title: title.into(), kind: TaskKind::Call, delay: Delay { amount, unit } }
}

async fn lead(db: &Db, actor: &User, name: &str, stage: Id, branch: Option<Id>) -> domain::lead::Lead {
    let draft = LeadDraft { first_name: name.into(), stage_id: Some(stage), branch_id: branch, ..LeadDraft::default() };
    leads::create_lead(db, actor, draft).await.unwrap()
}

async fn exec(db: &Db, sql: &str, a: Id, b: Id) {
    with_pool!(db, pool => sqlx::query(sql).bind(a).bind(b).execute(pool).await.map(|_| ())).unwrap();
}

async fn count(db: &Db, sql: &str, a: Id) -> i64 {
    with_pool!(db, pool => sqlx::query_scalar(sql).bind(a).fetch_one(pool).await).unwrap()
}

async fn tasks_titled(db: &Db, lead_id: Id, title: &str) -> Vec<domain::task::Task> {
    let ids: Vec<Id> = with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM tasks WHERE lead_id = $1 AND title = $2 ORDER BY id")
        .bind(lead_id)
        .bind(title)
        .fetch_all(pool)
        .await)
    .unwrap();
    let mut found = Vec::new();
    for id in ids {
        found.push(tasks::get_task(db, id).await.unwrap().unwrap());
    }
    found
}

both!(round_robin_is_fair_and_skips_inactive_users, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let sales: Vec<User> = futures_join(&db, &["rr1", "rr2", "rr3", "rr4"]).await;
    // rr4 left the school.
    exec(&db, "UPDATE users SET active = FALSE WHERE id = $1 AND id <> $2", sales[3].id, 0).await;
    let admin = user(&db, "admin", Role::Administrator).await;
    automation::save_rule(&db, &owner, None, RuleConfig::LeadCreated { assign: Assign::RoundRobin, first_contact: None }).await.unwrap();

    let mut per_user: HashMap<Id, usize> = HashMap::new();
    for i in 0..10 {
        let created = lead(&db, &admin, &format!("Круг {i}"), stage, None).await;
        *per_user.entry(created.responsible_id.unwrap()).or_default() += 1;
    }
    let mut counts: Vec<usize> = sales[..3].iter().map(|u| per_user.get(&u.id).copied().unwrap_or(0)).collect();
    counts.sort();
    assert_eq!(counts, vec![3, 3, 4], "ten leads over three active users: {per_user:?}");
    assert!(!per_user.contains_key(&sales[3].id), "the inactive user gets nothing");
    assert!(!per_user.contains_key(&admin.id), "the creator is not a sales user");

    // With a branch: users of that branch and users without one; rr1 works in another branch.
    let branch: Id = with_pool!(&db, pool => sqlx::query_scalar("INSERT INTO branches (name, position) VALUES ('Север', 9) RETURNING id").fetch_one(pool).await).unwrap();
    let other: Id = with_pool!(&db, pool => sqlx::query_scalar("INSERT INTO branches (name, position) VALUES ('Юг', 10) RETURNING id").fetch_one(pool).await).unwrap();
    exec(&db, "UPDATE users SET branch_id = $2 WHERE id = $1", sales[0].id, other).await;
    exec(&db, "UPDATE users SET branch_id = $2 WHERE id = $1", sales[1].id, branch).await;
    let mut in_branch: HashMap<Id, usize> = HashMap::new();
    for i in 0..6 {
        let created = lead(&db, &admin, &format!("Север {i}"), stage, Some(branch)).await;
        *in_branch.entry(created.responsible_id.unwrap()).or_default() += 1;
    }
    assert_eq!(in_branch.get(&sales[1].id), Some(&3));
    assert_eq!(in_branch.get(&sales[2].id), Some(&3));
    assert_eq!(in_branch.len(), 2, "{in_branch:?}");

    // A lead created with a responsible keeps it; with the rule off, the creator is responsible.
    let chosen = leads::create_lead(
        &db,
        &admin,
        LeadDraft { first_name: "Выбран".into(), stage_id: Some(stage), responsible_id: Some(sales[2].id), ..LeadDraft::default() },
    )
    .await
    .unwrap();
    assert_eq!(chosen.responsible_id, Some(sales[2].id));
    let rule = automation::rules(&db).await.unwrap()[0].id;
    automation::set_active(&db, &owner, rule, false).await.unwrap();
    assert_eq!(lead(&db, &admin, "Без правила", stage, None).await.responsible_id, Some(admin.id));
});

async fn futures_join(db: &Db, logins: &[&str]) -> Vec<User> {
    let mut users = Vec::new();
    for login in logins {
        users.push(user(db, login, Role::Sales).await);
    }
    users
}

both!(each_rule_fires_once_on_each_path, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let all = stages::list_stages(&db).await.unwrap();
    let (first, second) = (all[0].id, all[1].id);
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::LeadCreated {
            assign: Assign::Creator, first_contact: Some(template("Первый контакт", 15, DelayUnit::Minutes))
        },
    )
    .await
    .unwrap();
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::StageEntered { stage_id: second, task: template("Второй этап", 2, DelayUnit::Hours) },
    )
    .await
    .unwrap();

    // Created in the first stage: the first-contact task only, due in 15 minutes, for the creator.
    let before = Utc::now();
    let a = lead(&db, &anna, "Анна-лид", first, None).await;
    let first_contact = tasks_titled(&db, a.id, "Первый контакт").await;
    assert_eq!(first_contact.len(), 1);
    assert_eq!(first_contact[0].assignee_id, anna.id);
    assert_eq!(first_contact[0].author_id, None, "a rule's task has no author");
    let delay = first_contact[0].due_at - before;
    assert!(delay >= Duration::minutes(15) && delay < Duration::minutes(16), "{delay}");
    assert!(tasks_titled(&db, a.id, "Второй этап").await.is_empty());
    // The rule's task is on the timeline; nobody is notified of their own lead.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM timeline WHERE lead_id = $1 AND kind = 'task_created'", a.id).await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM notifications WHERE user_id = $1", anna.id).await, 0);

    // Moved into the second stage: its task once; moving to the same stage again adds nothing.
    let moved = moves::move_lead(&db, &anna, MoveLead { lead_id: a.id, to_stage: second, reason: None, expected_version: a.version })
        .await
        .unwrap();
    moves::move_lead(&db, &anna, MoveLead { lead_id: a.id, to_stage: second, reason: None, expected_version: moved.version })
        .await
        .unwrap();
    assert_eq!(tasks_titled(&db, a.id, "Второй этап").await.len(), 1);
    // Out and back in: the stage is entered again, so once more.
    let out = moves::move_lead(&db, &anna, MoveLead { lead_id: a.id, to_stage: first, reason: None, expected_version: moved.version })
        .await
        .unwrap();
    moves::move_lead(&db, &anna, MoveLead { lead_id: a.id, to_stage: second, reason: None, expected_version: out.version }).await.unwrap();
    assert_eq!(tasks_titled(&db, a.id, "Второй этап").await.len(), 2);

    // Created straight into the second stage: both rules, once each.
    let b = lead(&db, &anna, "Сразу второй", second, None).await;
    assert_eq!(tasks_titled(&db, b.id, "Первый контакт").await.len(), 1);
    assert_eq!(tasks_titled(&db, b.id, "Второй этап").await.len(), 1);

    // The call list's "reached" with a stage change goes through the same move.
    let c = lead(&db, &anna, "Звонок", first, None).await;
    calls::reached(
        &db,
        &anna,
        c.id,
        "Договорились",
        Some(MoveLead { lead_id: c.id, to_stage: second, reason: None, expected_version: c.version }),
    )
    .await
    .unwrap();
    assert_eq!(tasks_titled(&db, c.id, "Второй этап").await.len(), 1);

    // Without the rules (an import may switch them off): nothing.
    let quiet =
        leads::create_lead_with(&db, &anna, LeadDraft { first_name: "Тихо".into(), stage_id: Some(second), ..LeadDraft::default() }, false)
            .await
            .unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tasks WHERE lead_id = $1", quiet.id).await, 0);

    // A switched-off rule does nothing.
    let stage_rule = automation::rules(&db).await.unwrap().into_iter().find(|r| r.config.trigger() == "stage_entered").unwrap();
    automation::set_active(&db, &owner, stage_rule.id, false).await.unwrap();
    let d = lead(&db, &anna, "Выключено", second, None).await;
    assert!(tasks_titled(&db, d.id, "Второй этап").await.is_empty());
});

both!(due_times_follow_the_school_clock, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    with_pool!(&db, pool => sqlx::query("UPDATE school_settings SET timezone = 'Asia/Yekaterinburg'").execute(pool).await.map(|_| ()))
        .unwrap();
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::StageEntered { stage_id: stage, task: template("Через два дня", 2, DelayUnit::Days) },
    )
    .await
    .unwrap();
    let created = lead(&db, &owner, "Часовой пояс", stage, None).await;
    let task = &tasks_titled(&db, created.id, "Через два дня").await[0];
    let tz = chrono_tz::Asia::Yekaterinburg;
    let made = created.created_at.with_timezone(&tz);
    let due = task.due_at.with_timezone(&tz);
    assert_eq!(due.date_naive(), made.date_naive() + chrono::Days::new(2));
    assert_eq!((due.hour(), due.minute()), (made.hour(), made.minute()));
    // "My tasks" shows it on the school's clock.
    let mine = tasks::open_tasks(&db, &owner, owner.id).await.unwrap();
    let item = mine.upcoming.iter().find(|i| i.task.id == task.id).unwrap();
    assert_eq!(item.due_local, due.naive_local());
    assert_eq!(item.lead_name.as_deref(), Some("Часовой пояс"));
});

both!(notifications_reach_the_right_user_only, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let vera = user(&db, "vera", Role::Sales).await;
    let gleb = user(&db, "gleb", Role::Sales).await;
    let admin = user(&db, "admin", Role::Administrator).await;
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::LeadCreated {
            assign: Assign::User { user_id: vera.id },
            first_contact: Some(template("Позвонить", 0, DelayUnit::Minutes)),
        },
    )
    .await
    .unwrap();
    let created = lead(&db, &admin, "Для Веры", stage, None).await;
    assert_eq!(created.responsible_id, Some(vera.id));
    let kinds = |list: Vec<domain::notification::NotificationView>| list.into_iter().map(|n| n.notification.kind).collect::<Vec<_>>();
    // Vera: the lead passed to her, the task given to her, and (it is due at once) "task due".
    let mut vera_kinds = kinds(notifications::list(&db, &vera).await.unwrap());
    vera_kinds.sort_by_key(|k| k.as_str());
    assert_eq!(vera_kinds, vec![NotificationKind::LeadTransferred, NotificationKind::TaskAssigned, NotificationKind::TaskDue]);
    // Asking again files no second "task due".
    assert_eq!(notifications::list(&db, &vera).await.unwrap().len(), 3);
    assert!(notifications::list(&db, &gleb).await.unwrap().is_empty());
    assert!(notifications::list(&db, &admin).await.unwrap().is_empty());

    let pulse = tasks::pulse(&db, &vera).await.unwrap();
    assert_eq!((pulse.active_tasks, pulse.unread_notifications), (1, 3));
    // Gleb cannot mark Vera's notifications read; Vera can.
    let ids: Vec<Id> = notifications::list(&db, &vera).await.unwrap().iter().map(|n| n.notification.id).collect();
    assert_eq!(notifications::mark_read(&db, &gleb, Some(&ids)).await.unwrap(), 0);
    assert_eq!(notifications::mark_read(&db, &vera, Some(&ids[..1])).await.unwrap(), 1);
    assert_eq!(tasks::pulse(&db, &vera).await.unwrap().unread_notifications, 2);
    assert_eq!(notifications::mark_read(&db, &vera, None).await.unwrap(), 2);
    assert_eq!(tasks::pulse(&db, &vera).await.unwrap().unread_notifications, 0);

    // A transfer tells the new responsible only.
    let fresh = leads::get_lead(&db, created.id).await.unwrap().unwrap();
    actions::transfer(&db, &owner, created.id, fresh.version, gleb.id).await.unwrap();
    assert_eq!(kinds(notifications::list(&db, &gleb).await.unwrap()), vec![NotificationKind::LeadTransferred]);
    assert_eq!(tasks::pulse(&db, &vera).await.unwrap().unread_notifications, 0);
});

both!(tasks_falling_due_soon_are_listed_for_reminders, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::StageEntered { stage_id: stage, task: template("Через минуту", 1, DelayUnit::Minutes) },
    )
    .await
    .unwrap();
    automation::save_rule(
        &db,
        &owner,
        None,
        RuleConfig::StageEntered { stage_id: stage, task: template("Через час", 1, DelayUnit::Hours) },
    )
    .await
    .unwrap();
    let created = lead(&db, &owner, "Скоро", stage, None).await;
    let pulse = tasks::pulse(&db, &owner).await.unwrap();
    assert_eq!(pulse.due_soon.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), vec!["Через минуту"]);
    assert_eq!(pulse.due_soon[0].lead_id, Some(created.id));
    assert_eq!(pulse.unread_notifications, 0, "nothing is due yet");
});

both!(rules_are_guarded_checked_and_audited, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let admin = user(&db, "admin", Role::Administrator).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let config = RuleConfig::StageEntered { stage_id: stage, task: template("Задача", 1, DelayUnit::Days) };
    for outsider in [&sales, &admin] {
        let refused: AppError = automation::save_rule(&db, outsider, None, config.clone()).await.unwrap_err().into();
        assert_eq!(refused, AppError::Forbidden);
        assert_eq!(AppError::from(automation::audit(&db, outsider).await.unwrap_err()), AppError::Forbidden);
    }
    let bad_stage = RuleConfig::StageEntered { stage_id: 9999, task: template("Задача", 1, DelayUnit::Days) };
    assert_eq!(
        AppError::from(automation::save_rule(&db, &deputy, None, bad_stage).await.unwrap_err()),
        AppError::invalid("stage_id", domain::error::Invalid::NotFound)
    );
    let rule = automation::save_rule(&db, &deputy, None, config).await.unwrap();
    for outsider in [&sales, &admin] {
        assert_eq!(AppError::from(automation::set_active(&db, outsider, rule.id, false).await.unwrap_err()), AppError::Forbidden);
        assert_eq!(AppError::from(automation::delete_rule(&db, outsider, rule.id).await.unwrap_err()), AppError::Forbidden);
    }
    let changed = RuleConfig::StageEntered { stage_id: stage, task: template("Задача поновее", 3, DelayUnit::Hours) };
    automation::save_rule(&db, &deputy, Some(rule.id), changed.clone()).await.unwrap();
    automation::set_active(&db, &owner, rule.id, false).await.unwrap();
    automation::delete_rule(&db, &owner, rule.id).await.unwrap();
    // The school keeps one "on lead created" rule: saving a second changes the first.
    let created = RuleConfig::LeadCreated { assign: Assign::RoundRobin, first_contact: None };
    let one = automation::save_rule(&db, &owner, None, created.clone()).await.unwrap();
    let two =
        automation::save_rule(&db, &owner, None, RuleConfig::LeadCreated { assign: Assign::Creator, first_contact: None }).await.unwrap();
    assert_eq!(one.id, two.id);
    assert_eq!(automation::rules(&db).await.unwrap().len(), 1);

    let audit = automation::audit(&db, &deputy).await.unwrap();
    let actions: Vec<RuleAuditAction> = audit.iter().map(|a| a.action).collect();
    use RuleAuditAction::*;
    assert_eq!(actions, vec![Changed, Created, Deleted, Disabled, Changed, Created]);
    let change = &audit[4];
    assert_eq!((change.user_id, change.after.as_ref()), (Some(deputy.id), Some(&changed)));
    assert_eq!(audit[2].after, None);
    assert_eq!(audit[0].before, Some(created));
});
