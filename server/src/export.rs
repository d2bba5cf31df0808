//! `GET /export/leads.csv?…` and `/export/leads.xlsx?…`: the leads the query's filter shows the
//! signed-in user, in the import template's layout.

use crate::http::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::filter::LeadFilter;
use tower_sessions::Session;

#[derive(Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
}

async fn export(state: AppState, session: Session, query: Option<String>, format: Format) -> Result<Response, StatusCode> {
    let db = state.server.db.clone();
    let user_id =
        app::server::session_user_id(&session).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::UNAUTHORIZED)?;
    let user = backend::users::get_user(&db, user_id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let user = user.filter(|u| u.active).ok_or(StatusCode::UNAUTHORIZED)?;
    let (filter, _ignored) = LeadFilter::from_query(query.as_deref().unwrap_or_default());
    let table = backend::export::export_table(&db, &user, &filter).await.map_err(|e| {
        let e: domain::AppError = e.into();
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    })?;
    let (bytes, kind, name) = match format {
        Format::Csv => (backend::export::to_csv(&table), "text/csv; charset=utf-8", "leads.csv"),
        Format::Xlsx => (
            backend::export::to_xlsx(&table).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "leads.xlsx",
        ),
    };
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response())
}

pub async fn csv(State(state): State<AppState>, session: Session, RawQuery(query): RawQuery) -> Result<Response, StatusCode> {
    export(state, session, query, Format::Csv).await
}

pub async fn xlsx(State(state): State<AppState>, session: Session, RawQuery(query): RawQuery) -> Result<Response, StatusCode> {
    export(state, session, query, Format::Xlsx).await
}
