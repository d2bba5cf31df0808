//! Tasks on both databases: creation with its timeline entry and notification, the version check
//! on completion, access, and "my tasks" grouped on the school's clock.

use backend::both;
use backend::testing::{set_up, user};
use backend::{leads, stages, tasks, timeline};
use chrono::{Duration, Utc};
use domain::error::Invalid;
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::task::{TaskDraft, TaskKind};
use domain::user::Role;
use domain::AppError;

fn err(e: backend::Error) -> AppError {
    e.into()
}

both!(tasks_are_created_completed_and_grouped, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let lead = leads::create_lead(&db, &anna, LeadDraft { first_name: "Вера".into(), stage_id: Some(stage), ..LeadDraft::default() })
        .await
        .unwrap();
    // Moscow is UTC+3 all year: local times convert exactly.
    let local = |d: Duration| (Utc::now() + d + Duration::hours(3)).naive_utc();
    let draft = |title: &str, due: Duration| TaskDraft {
        title: title.into(),
        kind: TaskKind::Call,
        due_local: local(due),
        assignee_id: None,
        lead_id: Some(lead.id),
    };

    let overdue = tasks::create_task(&db, &anna, draft("Просроченная", -Duration::hours(2))).await.unwrap();
    assert!((overdue.due_at - (Utc::now() - Duration::hours(2))).num_seconds().abs() < 5, "due time read on the school's clock");
    let later = tasks::create_task(&db, &anna, draft("Через неделю", Duration::days(7))).await.unwrap();
    assert_eq!(
        err(tasks::create_task(&db, &anna, draft("  ", Duration::hours(1))).await.unwrap_err()),
        AppError::invalid("title", Invalid::Required)
    );
    // Boris may not put tasks on Anna's lead; a deputy may, and gives it to Anna, who is notified.
    assert_eq!(err(tasks::create_task(&db, &boris, draft("Чужой лид", Duration::hours(1))).await.unwrap_err()), AppError::Forbidden);
    let given = tasks::create_task(&db, &deputy, TaskDraft { assignee_id: Some(anna.id), ..draft("От заместителя", Duration::days(3)) })
        .await
        .unwrap();
    let notified: i64 = backend::with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'task_assigned' AND task_id = $2")
        .bind(anna.id).bind(given.id).fetch_one(pool).await).unwrap();
    assert_eq!(notified, 1);

    let mine = tasks::open_tasks(&db, &anna, anna.id).await.unwrap();
    assert_eq!(mine.overdue.iter().map(|t| t.task.id).collect::<Vec<_>>(), vec![overdue.id]);
    assert_eq!(mine.upcoming.iter().map(|t| t.task.id).collect::<Vec<_>>(), vec![given.id, later.id]);
    assert_eq!(mine.active(), 1 + mine.today.len());
    assert_eq!(err(tasks::open_tasks(&db, &boris, anna.id).await.unwrap_err()), AppError::Forbidden);
    assert_eq!(tasks::open_tasks(&db, &deputy, anna.id).await.unwrap().overdue.len(), 1);

    // Completing checks the version; the timeline records create, done and reopen.
    let done = tasks::set_done(&db, &anna, overdue.id, 1, true).await.unwrap();
    assert!(done.done_at.is_some());
    assert_eq!(err(tasks::set_done(&db, &anna, overdue.id, 1, false).await.unwrap_err()), AppError::Conflict { current_version: 2 });
    assert_eq!(err(tasks::set_done(&db, &boris, later.id, 1, true).await.unwrap_err()), AppError::Forbidden);
    tasks::set_done(&db, &anna, overdue.id, 2, false).await.unwrap();
    let kinds: Vec<&str> = timeline::list(&db, &anna, lead.id, &["task_created".into(), "task_done".into(), "task_reopened".into()], None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.kind())
        .collect();
    assert_eq!(kinds, vec!["task_reopened", "task_done", "task_created", "task_created", "task_created"]);
});
