//! The list, search, the filter bar's choices and call lists. Each function authenticates, reads
//! the URL query with the shared `LeadFilter`, and calls one backend service.

use domain::dictionary::DictionaryEntry;
use domain::filter::IgnoredParam;
use domain::list::{CallListState, ListCursor, ListPage, ListRow, ListView};
use domain::stage::Stage;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

/// A person the filter can pick as the responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub active: bool,
}

impl From<domain::user::User> for Person {
    fn from(u: domain::user::User) -> Person {
        Person { id: u.id, name: u.display_name, active: u.active }
    }
}

/// What the filter bar offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub stages: Vec<Stage>,
    pub branches: Vec<DictionaryEntry>,
    pub categories: Vec<DictionaryEntry>,
    pub channels: Vec<DictionaryEntry>,
    pub sources: Vec<DictionaryEntry>,
    pub tags: Vec<DictionaryEntry>,
    pub users: Vec<Person>,
}

#[cfg(feature = "ssr")]
pub(crate) async fn choices(db: &backend::Db) -> Result<FilterChoices, AppError> {
    let d = backend::dictionaries::all(db).await?;
    let users = backend::users::list_users(db).await?;
    Ok(FilterChoices {
        stages: backend::stages::list_stages(db).await?,
        branches: d.branches,
        categories: d.categories,
        channels: d.channels,
        sources: d.contact_sources,
        tags: d.tags,
        users: users.into_iter().map(Person::from).collect(),
    })
}

#[server(endpoint = "filter_options", output = Postcard)]
pub async fn filter_options() -> Result<FilterChoices, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        current_user().await?;
        choices(&state()?.db).await
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAnswer {
    pub page: ListPage,
    pub view: ListView,
    pub ignored: Vec<IgnoredParam>,
}

/// A page of the list for the URL query, after `after` (the first page without it).
#[server(endpoint = "load_list", input = Json, output = Postcard)]
pub async fn load_list(query: String, after: Option<ListCursor>) -> Result<ListAnswer, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::filter::LeadFilter;
    respond(async {
        let user = current_user().await?;
        let (filter, mut ignored) = LeadFilter::from_query(&query);
        let (view, bad_view) = ListView::from_query(&query);
        ignored.extend(bad_view);
        let page = backend::list::list_leads(&state()?.db, &user, &filter, &view, after.as_ref()).await?;
        Ok(ListAnswer { page, view, ignored })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchAnswer {
    pub rows: Vec<ListRow>,
    pub total: domain::count::Count,
}

/// The search box's answer as you type.
#[server(endpoint = "quick_search", input = Json, output = Postcard)]
pub async fn quick_search(q: String) -> Result<SearchAnswer, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let (rows, total) = backend::search::quick(&state()?.db, &user, &q).await?;
        Ok(SearchAnswer { rows, total })
    })
    .await
}

/// The call list's key: its filter and order, written canonically, so the same list in another
/// tab or on another day resumes at the same place.
#[cfg(feature = "ssr")]
fn call_list_key(query: &str) -> (domain::filter::LeadFilter, ListView, String) {
    let (filter, _) = domain::filter::LeadFilter::from_query(query);
    let (view, _) = ListView::from_query(query);
    let key = view.query(&filter);
    (filter, view, key)
}

/// Which call-list action to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallStep {
    /// Where the list stands.
    Current,
    /// The lead was handled or skipped: go on after it.
    Done(Id),
    Restart,
}

#[server(endpoint = "call_list", input = Json, output = Postcard)]
pub async fn call_list(query: String, step: CallStep) -> Result<CallListState, AppError> {
    use crate::server::{current_user, respond, state};
    use backend::calls::{self, CallList};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let (filter, view, key) = call_list_key(&query);
        let list = CallList { user: &user, filter: &filter, view: &view, key: &key };
        Ok(match step {
            CallStep::Current => calls::state(&db, &list).await?,
            CallStep::Done(lead_id) => calls::advance(&db, &list, lead_id).await?,
            CallStep::Restart => calls::restart(&db, &list).await?,
        })
    })
    .await
}

/// What "no answer" led to: the count, and the stage to propose after the third time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoAnswerView {
    pub unanswered: i64,
    /// When the call-back task falls due, on the school's clock.
    pub retry_due_local: chrono::NaiveDateTime,
    pub propose: Option<Stage>,
}

#[server(endpoint = "call_no_answer", input = Json, output = Postcard)]
pub async fn call_no_answer(lead_id: Id) -> Result<NoAnswerView, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let outcome = backend::calls::no_answer(&state()?.db, &user, lead_id).await?;
        Ok(NoAnswerView { unanswered: outcome.unanswered, retry_due_local: outcome.retry_due_local, propose: outcome.propose })
    })
    .await
}

/// "Reached": the note, and a stage change when one was chosen (with its reason and the version
/// the manager saw).
#[server(endpoint = "call_reached", input = Json, output = Postcard)]
pub async fn call_reached(
    lead_id: Id,
    note: String,
    to_stage: Option<Id>,
    reason: Option<Id>,
    expected_version: i64,
) -> Result<(), AppError> {
    use crate::server::{current_user, respond, state};
    use domain::lead::MoveLead;
    respond(async {
        let user = current_user().await?;
        let mv = to_stage.map(|to_stage| MoveLead { lead_id, to_stage, reason, expected_version });
        Ok(backend::calls::reached(&state()?.db, &user, lead_id, &note, mv).await?)
    })
    .await
}
