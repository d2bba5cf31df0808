//! The import's HTTP side: the templates, a preview of an uploaded file, and background runs with
//! progress and cancellation. Uploads are the raw file as the request body (up to the import's
//! 20 MB limit), its name in the `x-file-name` header.

use crate::http::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::import::{ImportOutcome, ImportProgress, ImportRefusal};
use domain::import::{ImportJob, ImportPreview, ImportTotals};
use domain::user::User;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tower_sessions::Session;

/// Running and finished imports of this process, by job number.
#[derive(Default)]
pub struct ImportJobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

struct Job {
    user_id: domain::Id,
    progress: ImportProgress,
    result: Mutex<Option<Result<ImportOutcome, String>>>,
}

async fn user(state: &AppState, session: &Session) -> Result<User, StatusCode> {
    let id = app::server::session_user_id(session).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::UNAUTHORIZED)?;
    let user = backend::users::get_user(&state.server.db, id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    user.filter(|u| u.active).ok_or(StatusCode::UNAUTHORIZED)
}

fn status_of(e: backend::Error) -> StatusCode {
    let e: domain::AppError = e.into();
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn file_name(headers: &HeaderMap) -> String {
    let raw = headers.get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("upload");
    url::form_urlencoded::parse(format!("n={raw}").as_bytes()).next().map(|(_, v)| v.to_string()).unwrap_or_default()
}

pub async fn preview(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportPreview>, StatusCode> {
    let user = user(&state, &session).await?;
    let name = file_name(&headers);
    let answer = match backend::import::preview(&state.server.db, &user, &name, &body).await.map_err(status_of)? {
        Ok(report) => {
            let already: std::collections::HashSet<usize> = report.already.iter().copied().collect();
            let rows = report.rows.into_iter().filter(|r| !r.issues.is_empty() && !already.contains(&r.line)).take(500).collect();
            ImportPreview { totals: report.totals, rows, problem: None }
        }
        Err(problem) => ImportPreview { totals: ImportTotals::default(), rows: Vec::new(), problem: Some(problem) },
    };
    Ok(Json(answer))
}

/// Starts the import in the background; answers its job number.
pub async fn start(State(state): State<AppState>, session: Session, headers: HeaderMap, body: Bytes) -> Result<Json<u64>, StatusCode> {
    let user = user(&state, &session).await?;
    let name = file_name(&headers);
    let run_rules = headers.get("x-run-rules").and_then(|v| v.to_str().ok()) != Some("0");
    let jobs = state.imports.clone();
    let number = jobs.next.fetch_add(1, Ordering::Relaxed) + 1;
    let job = Arc::new(Job { user_id: user.id, progress: ImportProgress::default(), result: Mutex::new(None) });
    jobs.jobs.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.insert(number, job.clone());
    let db = state.server.db.clone();
    tokio::spawn(async move {
        let result = match backend::import::run(&db, &user, &name, &body, run_rules, &job.progress).await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(ImportRefusal::Cancelled)) => Err("cancelled".to_string()),
            Ok(Err(ImportRefusal::RowErrors(n))) => Err(format!("row_errors:{n}")),
            Ok(Err(ImportRefusal::File(_))) => Err("file".to_string()),
            Err(e) => Err(domain::AppError::from(e).code().to_string()),
        };
        if let Ok(mut slot) = job.result.lock() {
            *slot = Some(result);
        }
    });
    Ok(Json(number))
}

fn job_of(state: &AppState, user: &User, number: u64) -> Result<Arc<Job>, StatusCode> {
    let jobs = state.imports.jobs.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    jobs.get(&number).filter(|j| j.user_id == user.id).cloned().ok_or(StatusCode::NOT_FOUND)
}

pub async fn job(State(state): State<AppState>, session: Session, Path(number): Path<u64>) -> Result<Json<ImportJob>, StatusCode> {
    let user = user(&state, &session).await?;
    let job = job_of(&state, &user, number)?;
    let result = job.result.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.clone();
    let outcome = result.as_ref().and_then(|r| r.as_ref().ok().cloned());
    Ok(Json(ImportJob {
        done: job.progress.done.load(Ordering::Relaxed),
        total: job.progress.total.load(Ordering::Relaxed),
        finished: result.is_some(),
        imported: outcome.as_ref().map(|o| o.imported),
        already: outcome.as_ref().map(|o| o.already),
        error: result.and_then(|r| r.err()),
    }))
}

pub async fn cancel(State(state): State<AppState>, session: Session, Path(number): Path<u64>) -> Result<StatusCode, StatusCode> {
    let user = user(&state, &session).await?;
    job_of(&state, &user, number)?.progress.cancel.store(true, Ordering::Relaxed);
    Ok(StatusCode::NO_CONTENT)
}

/// The empty template: the header row only.
pub async fn template_csv() -> Response {
    let header = vec![backend::export::header_row()];
    (
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"voronka-template.csv\"")],
        backend::export::to_csv(&header),
    )
        .into_response()
}

pub async fn template_xlsx() -> Result<Response, StatusCode> {
    let header = vec![backend::export::header_row()];
    let bytes = backend::export::to_xlsx(&header).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"voronka-template.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}
