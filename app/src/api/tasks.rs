//! Tasks, the navigation's pulse (task badge, unread notifications, reminders) and the
//! notifications panel.

use crate::api::list::Person;
use domain::notification::NotificationView;
use domain::task::{Pulse, Task, TaskDraft, TaskGroups};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

/// "My tasks" (or someone else's, for deputy and above).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksPage {
    pub groups: TaskGroups,
    pub whose: Id,
    pub me: Id,
    /// Whom the reader may show tasks of and give standalone tasks to: everyone active for deputy
    /// and above, else only themselves.
    pub people: Vec<Person>,
    pub now: chrono::DateTime<chrono::Utc>,
    /// Now on the school's clock, for the task form's first suggestion.
    pub now_local: chrono::NaiveDateTime,
}

/// Active users, for the assignee and "whose tasks" choices.
#[cfg(feature = "ssr")]
async fn active_people(db: &backend::Db) -> Result<Vec<Person>, AppError> {
    Ok(backend::users::list_users(db).await?.into_iter().filter(|u| u.active).map(Person::from).collect())
}

#[server(endpoint = "my_tasks", input = Json, output = Postcard)]
pub async fn my_tasks(whose: Option<Id>) -> Result<TasksPage, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let whose = whose.unwrap_or(user.id);
        let groups = backend::tasks::open_tasks(&db, &user, whose).await?;
        let people = if user.role.is_deputy_or_above() { active_people(&db).await? } else { vec![Person::from(user.clone())] };
        let tz = backend::settings::school_tz(&backend::settings::settings_or_default(&db).await?.timezone);
        let now = chrono::Utc::now();
        Ok(TasksPage { groups, whose, me: user.id, people, now, now_local: now.with_timezone(&tz).naive_local() })
    })
    .await
}

/// Creates a task (`task_id` empty) or changes one over the version it was opened at.
#[server(endpoint = "save_task", input = Json, output = Postcard)]
pub async fn save_task(task_id: Option<Id>, expected_version: i64, draft: TaskDraft) -> Result<Task, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        Ok(match task_id {
            None => backend::tasks::create_task(&db, &user, draft).await?,
            Some(id) => backend::tasks::update_task(&db, &user, id, expected_version, draft).await?,
        })
    })
    .await
}

#[server(endpoint = "set_task_done", input = Json, output = Postcard)]
pub async fn set_task_done(task_id: Id, expected_version: i64, done: bool) -> Result<Task, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::tasks::set_done(&state()?.db, &user, task_id, expected_version, done).await?)
    })
    .await
}

/// What the navigation polls: the task badge, unread notifications and tasks falling due soon.
#[server(endpoint = "pulse", output = Postcard)]
pub async fn load_pulse() -> Result<Pulse, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::tasks::pulse(&state()?.db, &user).await?)
    })
    .await
}

#[server(endpoint = "notifications", output = Postcard)]
pub async fn notifications() -> Result<Vec<NotificationView>, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::notifications::list(&state()?.db, &user).await?)
    })
    .await
}

/// Marks these notifications of mine read, or all of them with `None`.
#[server(endpoint = "mark_notifications_read", input = Json, output = Postcard)]
pub async fn mark_notifications_read(ids: Option<Vec<Id>>) -> Result<u64, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::notifications::mark_read(&state()?.db, &user, ids.as_deref()).await?)
    })
    .await
}
