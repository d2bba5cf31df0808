//! `GET /export/leads.csv?…` and `/export/leads.xlsx?…`: the leads the query's filter shows the
//! signed-in user, in the import template's layout. Both are streamed: CSV as rows arrive from
//! the database, XLSX from a temporary file written row by row (a workbook is a zip, whose
//! directory comes last), so no export holds the whole list in memory.

use crate::http::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::filter::LeadFilter;
use futures_util::{stream, StreamExt};
use std::io::Seek;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use tower_sessions::Session;

type Rows = mpsc::Receiver<backend::Result<Vec<String>>>;

async fn rows(state: &AppState, session: &Session, query: Option<String>) -> Result<Rows, StatusCode> {
    let db = &state.server.db;
    let user_id =
        app::server::session_user_id(session).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::UNAUTHORIZED)?;
    let user = backend::users::get_user(db, user_id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let user = user.filter(|u| u.active).ok_or(StatusCode::UNAUTHORIZED)?;
    let (filter, _ignored) = LeadFilter::from_query(query.as_deref().unwrap_or_default());
    backend::export::export_rows(db, &user, &filter).await.map_err(|e| {
        let e: domain::AppError = e.into();
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    })
}

fn attachment(kind: &str, name: &str, body: Body) -> Response {
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], body)
        .into_response()
}

/// Rows taken per chunk of the CSV body.
const CSV_CHUNK_ROWS: usize = 500;

pub async fn csv(State(state): State<AppState>, session: Session, RawQuery(query): RawQuery) -> Result<Response, StatusCode> {
    let rows = rows(&state, &session, query).await?;
    let mut head = backend::export::CSV_BOM.to_vec();
    head.extend(backend::export::csv_chunk(&[backend::export::header_row()]));
    let body = stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) })
        .chain(stream::unfold(rows, |mut rows| async move {
            let mut batch = Vec::with_capacity(CSV_CHUNK_ROWS);
            while batch.len() < CSV_CHUNK_ROWS {
                match rows.recv().await {
                    Some(Ok(row)) => batch.push(row),
                    // The response has begun: a failure can only cut it short, and is logged.
                    Some(Err(e)) => {
                        tracing::error!(error = %e, "CSV export failed mid-way");
                        return Some((Err(std::io::Error::other("export failed")), rows));
                    }
                    None => break,
                }
            }
            (!batch.is_empty()).then(|| (Ok(Bytes::from(backend::export::csv_chunk(&batch))), rows))
        }))
        // The body may be polled once more after its end; `unfold` must not be.
        .fuse();
    Ok(attachment("text/csv; charset=utf-8", "leads.csv", Body::from_stream(body)))
}

pub async fn xlsx(State(state): State<AppState>, session: Session, RawQuery(query): RawQuery) -> Result<Response, StatusCode> {
    let rows = rows(&state, &session, query).await?;
    let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, String> {
        // Anonymous: gone once the response has been sent.
        let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
        backend::export::write_xlsx(rows, &mut file).map_err(|e| e.to_string())?;
        file.rewind().map_err(|e| e.to_string())?;
        Ok(file)
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map_err(|e| {
        tracing::error!(error = %e, "XLSX export failed");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    let body = stream::unfold(tokio::fs::File::from_std(file), |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    })
    .fuse();
    Ok(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "leads.xlsx", Body::from_stream(body)))
}
