//! The API's endpoints: lead intake, lead reads and the call log.

use super::types::{ApiError, ApiLead, CallLogged, LeadCreated, LeadPage, NewCall, NewLead, PageParams};
use super::{Authed, Body, Failure};
use crate::http::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::api::Scope;
use domain::dictionary::{Dictionaries, DictionaryEntry};
use domain::error::Invalid;
use domain::filter::LeadFilter;
use domain::lead::{Gender, Lead, LeadDraft};
use domain::search::fold;
use domain::{AppError, Id};

/// An id given directly, or a name matched as the school spells it.
fn pick(entries: &[DictionaryEntry], id: Option<Id>, name: Option<&str>, field: &str) -> Result<Option<Id>, AppError> {
    match (id, name.map(str::trim).filter(|n| !n.is_empty())) {
        (Some(id), _) => Ok(Some(id)),
        (None, Some(name)) => entries
            .iter()
            .find(|e| fold(&e.name) == fold(name))
            .map(|e| Some(e.id))
            .ok_or_else(|| AppError::invalid(field, Invalid::NotFound)),
        (None, None) => Ok(None),
    }
}

fn draft(input: NewLead, d: &Dictionaries) -> Result<LeadDraft, AppError> {
    let gender = match input.gender.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(g) => Some(Gender::parse(g).ok_or_else(|| AppError::invalid("gender", Invalid::NotFound))?),
    };
    Ok(LeadDraft {
        category_id: pick(&d.categories, input.category_id, input.category.as_deref(), "category")?,
        branch_id: pick(&d.branches, input.branch_id, input.branch.as_deref(), "branch")?,
        channel_id: pick(&d.channels, input.channel_id, input.channel.as_deref(), "channel")?,
        contact_source_id: pick(&d.contact_sources, input.contact_source_id, input.source.as_deref(), "source")?,
        first_name: input.first_name,
        patronymic: input.patronymic,
        surname: input.surname,
        phone: input.phone,
        extra_phone: input.extra_phone,
        email: input.email,
        gender,
        birth_date: input.birth_date,
        desired_start: input.desired_start,
        stage_id: input.stage_id,
        tags: input.tags,
        note: input.note,
        ..LeadDraft::default()
    })
}

/// Creates a lead: the app's validation, phone normalisation, duplicate matching (same phone and
/// category → created and marked a duplicate) and automation. Without a stage, the first.
#[utoipa::path(
    post,
    path = "/api/v1/leads",
    request_body = NewLead,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key create nothing and answer the first result")),
    responses(
        (status = 201, description = "Created", body = LeadCreated),
        (status = 200, description = "A retry with the same Idempotency-Key: the first result", body = LeadCreated),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, description = "The token lacks leads:write", body = ApiError),
        (status = 409, description = "The same Idempotency-Key is being processed", body = ApiError),
        (status = 413, body = ApiError), (status = 415, description = "Not sent as application/json", body = ApiError), (status = 422, description = "A field was refused; `field` names it", body = ApiError),
        (status = 429, body = ApiError)
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    Authed(caller): Authed,
    headers: HeaderMap,
    Body(input): Body<NewLead>,
) -> Result<impl IntoResponse, Failure> {
    caller.require(Scope::LeadsWrite)?;
    let db = &state.server.db;
    let dictionaries = backend::dictionaries::all(db).await?;
    let mut draft = draft(input, &dictionaries)?;
    if draft.stage_id.is_none() {
        draft.stage_id = backend::stages::list_stages(db).await?.first().map(|s| s.id);
    }
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let (created, replayed) = backend::intake::api_create(db, &caller, key, draft).await?;
    let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(LeadCreated { id: created.id, duplicate_of: created.duplicate_of, replayed })))
}

/// The names a lead's wire form shows, read once per request.
struct Names {
    dictionaries: Dictionaries,
    stages: Vec<domain::stage::Stage>,
}

impl Names {
    async fn load(state: &AppState) -> Result<Names, Failure> {
        let db = &state.server.db;
        Ok(Names { dictionaries: backend::dictionaries::all(db).await?, stages: backend::stages::list_stages(db).await? })
    }
}

fn api_lead(names: &Names, lead: Lead) -> ApiLead {
    let (d, stages) = (&names.dictionaries, &names.stages);
    let name = |entries: &[DictionaryEntry], id: Option<Id>| Dictionaries::name_of(entries, id).map(str::to_string);
    ApiLead {
        id: lead.id,
        stage: stages.iter().find(|s| s.id == lead.stage_id).map(|s| s.name.clone()).unwrap_or_default(),
        category: name(&d.categories, lead.category_id),
        branch: name(&d.branches, lead.branch_id),
        channel: name(&d.channels, Some(lead.channel_id)),
        phone: lead.phone.as_ref().map(|p| p.as_str().to_string()),
        extra_phone: lead.extra_phone.as_ref().map(|p| p.as_str().to_string()),
        first_name: lead.first_name,
        patronymic: lead.patronymic,
        surname: lead.surname,
        email: lead.email,
        stage_id: lead.stage_id,
        responsible_id: lead.responsible_id,
        tags: lead.tags,
        desired_start: lead.desired_start,
        archived: lead.archived,
        duplicate_of: lead.duplicate_of,
        created_at: lead.created_at,
        updated_at: lead.updated_at,
        version: lead.version,
    }
}

/// Leads the token's user may see, filtered like the app's list, in id order, a page at a time,
/// with how many there are in all.
#[utoipa::path(
    get,
    path = "/api/v1/leads",
    params(PageParams),
    responses(
        (status = 200, body = LeadPage), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 422, description = "A paging value out of range or not a number, or a filter that cannot be read (`field` names it)", body = ApiError), (status = 429, body = ApiError)
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(caller): Authed,
    RawQuery(query): RawQuery,
) -> Result<Json<LeadPage>, Failure> {
    caller.require(Scope::LeadsRead)?;
    let query = query.unwrap_or_default();
    let (filter, ignored) = LeadFilter::from_query(&query);
    // Refused, never dropped: a script that misspells a filter or sends `stage=abc` would
    // otherwise get every lead back as if it had asked for all of them.
    if let Some(unread) = ignored.into_iter().find(|p| !PageParams::KEYS.contains(&p.key.as_str())) {
        return Err(AppError::invalid(unread.key, unread.reason).into());
    }
    let page = PageParams::read(&query)?;
    let limit = page.limit.unwrap_or(50);
    if !(1..=backend::intake::MAX_PAGE).contains(&limit) {
        return Err(AppError::invalid("limit", Invalid::OutOfRange).into());
    }
    let page = backend::intake::api_list(&state.server.db, &caller.user, &filter, page.after, limit).await?;
    let names = Names::load(&state).await?;
    Ok(Json(LeadPage {
        leads: page.leads.into_iter().map(|lead| api_lead(&names, lead)).collect(),
        next: page.next,
        total: page.total.into(),
    }))
}

/// One lead the token's user may see.
#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}",
    params(("id" = i64, Path, description = "The lead's id")),
    responses((status = 200, body = ApiLead), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 429, body = ApiError))
)]
pub(crate) async fn one(State(state): State<AppState>, Authed(caller): Authed, Path(id): Path<String>) -> Result<Json<ApiLead>, Failure> {
    caller.require(Scope::LeadsRead)?;
    // Not a lead id at all: no such lead.
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let lead = backend::leads::lead_for(&state.server.db, &caller.user, id, false).await?;
    Ok(Json(api_lead(&Names::load(&state).await?, lead)))
}

/// Logs a call on every lead with the phone; an unknown number creates a lead in the first stage
/// when the school enables it (Settings → School).
#[utoipa::path(
    post,
    path = "/api/v1/calls",
    request_body = NewCall,
    responses(
        (status = 201, body = CallLogged), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, description = "The token lacks calls:write", body = ApiError), (status = 413, body = ApiError),
        (status = 415, description = "Not sent as application/json", body = ApiError),
        (status = 422, body = ApiError), (status = 429, body = ApiError)
    )
)]
pub(crate) async fn log_call(
    State(state): State<AppState>,
    Authed(caller): Authed,
    Body(call): Body<NewCall>,
) -> Result<impl IntoResponse, Failure> {
    caller.require(Scope::CallsWrite)?;
    let report = backend::intake::CallReport {
        phone: call.phone,
        direction: call.direction,
        started_at: call.started_at,
        duration_secs: call.duration_secs,
        recording_url: call.recording_url,
        user: call.user,
    };
    let logged = backend::intake::log_call(&state.server.db, &caller, &report).await?;
    Ok((StatusCode::CREATED, Json(CallLogged { lead_ids: logged.lead_ids, created_lead: logged.created_lead })))
}
