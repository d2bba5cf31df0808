//! Training groups, enrolment and the reports. Each function authenticates and calls one backend
//! service, which checks the rules again.

use crate::api::list::FilterChoices;
use domain::group::{EnrolmentDraft, EnrolmentOptions, GroupDraft, GroupRow};
use domain::lead::Lead;
use domain::report::Reports;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

/// The groups page: every group, and the categories and branches its form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsPage {
    pub groups: Vec<GroupRow>,
    pub categories: Vec<domain::dictionary::DictionaryEntry>,
    pub branches: Vec<domain::dictionary::DictionaryEntry>,
    pub today: chrono::NaiveDate,
    pub my_role: domain::user::Role,
}

#[server(endpoint = "load_groups", output = Postcard)]
pub async fn load_groups() -> Result<GroupsPage, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let groups = backend::groups::list_groups(&db, &user).await?;
        let d = backend::dictionaries::all(&db).await?;
        let tz = backend::settings::school_tz(&backend::settings::settings_or_default(&db).await?.timezone);
        let today = chrono::Utc::now().with_timezone(&tz).date_naive();
        Ok(GroupsPage { groups, categories: d.categories, branches: d.branches, today, my_role: user.role })
    })
    .await
}

#[server(endpoint = "save_group", input = Json, output = Postcard)]
pub async fn save_group(draft: GroupDraft) -> Result<Id, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::groups::save_group(&state()?.db, &user, &draft).await?)
    })
    .await
}

#[server(endpoint = "enrolment_options", output = Postcard)]
pub async fn load_enrolment_options(lead_id: Id) -> Result<EnrolmentOptions, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::enrolment::options(&state()?.db, &user, lead_id).await?)
    })
    .await
}

#[server(endpoint = "enrol_lead", input = Json, output = Postcard)]
pub async fn enrol_lead(draft: EnrolmentDraft) -> Result<Lead, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::enrolment::enrol(&state()?.db, &user, &draft).await?)
    })
    .await
}

#[server(endpoint = "cancel_enrolment", input = Json, output = Postcard)]
pub async fn cancel_enrolment(contract_id: Id, reason: String) -> Result<(), AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::enrolment::cancel(&state()?.db, &user, contract_id, &reason).await?)
    })
    .await
}

/// The reports page: the reports for the query's filter, and the choices its filter offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub reports: Reports,
    pub choices: FilterChoices,
}

/// `query` is the page's URL query (`from`, `to`, `branch`, `channel`, `responsible`).
#[server(endpoint = "load_reports", output = Postcard)]
pub async fn load_reports(query: String) -> Result<ReportsPage, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let filter = report_filter(&db, &query).await?;
        let reports = backend::reports::reports(&db, &user, &filter).await?;
        Ok(ReportsPage { reports, choices: crate::api::list::choices(&db).await? })
    })
    .await
}

/// The filter a report query asks for, its defaults on the school's calendar.
#[cfg(feature = "ssr")]
pub async fn report_filter(db: &backend::Db, query: &str) -> Result<domain::report::ReportFilter, AppError> {
    let tz = backend::settings::school_tz(&backend::settings::settings_or_default(db).await?.timezone);
    Ok(domain::report::ReportFilter::from_query(query, chrono::Utc::now().with_timezone(&tz).date_naive()))
}
