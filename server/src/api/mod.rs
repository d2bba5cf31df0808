//! The integration API (`/api/v1`): bearer tokens with scopes, JSON errors with precise statuses,
//! a request budget per token and a body size limit; the OpenAPI document is generated from the
//! handlers' annotations.

mod leads;
mod types;

use crate::http::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::tokens::Caller;
use domain::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use types::ApiError;
use utoipa::OpenApi;

/// The largest request body the API reads.
pub const MAX_BODY: usize = 64 * 1024;
/// Requests per token per minute, unless `serve --api-requests-per-minute` says otherwise.
pub const REQUESTS_PER_MINUTE: u32 = 120;

#[derive(OpenApi)]
#[openapi(
    info(title = "Voronka API", version = "1", description = "Leads from web forms and bots, calls from telephony, read access to leads. \
        Authenticate with `Authorization: Bearer vrk_…` (a token created by the owner or director with the scopes it needs)."),
    paths(leads::create, leads::list, leads::one, leads::log_call),
    components(schemas(ApiError, types::NewLead, types::LeadCreated, types::ApiLead, types::LeadPage, types::LeadTotal, types::NewCall, types::CallLogged)),
    modifiers(&Bearer)
)]
pub struct Doc;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/leads", post(leads::create).get(leads::list))
        .route("/api/v1/leads/{id}", get(leads::one))
        .route("/api/v1/calls", post(leads::log_call))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/docs", get(docs))
        .route("/api/v1/{*rest}", axum::routing::any(|| async { failure(StatusCode::NOT_FOUND, "not_found", "no such endpoint") }))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(Doc::openapi())
}

/// A readable page of the endpoints, from the same document.
async fn docs() -> Html<String> {
    let doc = Doc::openapi();
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut body = String::from(
        "<!doctype html><meta charset=utf-8><title>Voronka API</title><style>body{font:16px/1.5 system-ui;max-width:50rem;margin:2rem auto;padding:0 1rem}code{background:#f1f5f9;padding:0 .2rem}h2{margin-top:2rem}</style>",
    );
    body.push_str(&format!("<h1>{}</h1><p>{}</p>", escape(&doc.info.title), escape(doc.info.description.as_deref().unwrap_or_default())));
    body.push_str("<p>The machine-readable document: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a>.</p>");
    for (path, item) in &doc.paths.paths {
        for (method, op) in [("GET", &item.get), ("POST", &item.post)] {
            if let Some(op) = op {
                body.push_str(&format!("<h2><code>{method} {}</code></h2>", escape(path)));
                if let Some(s) = &op.summary {
                    body.push_str(&format!("<p><b>{}</b></p>", escape(s)));
                }
                if let Some(d) = &op.description {
                    body.push_str(&format!("<p>{}</p>", escape(d)));
                }
                let statuses: Vec<String> = op.responses.responses.keys().cloned().collect();
                body.push_str(&format!("<p>Statuses: {}</p>", escape(&statuses.join(", "))));
            }
        }
    }
    Html(body)
}

pub(crate) fn failure(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ApiError { code: code.into(), message: message.into(), field: None, reason: None })).into_response()
}

/// An `AppError` as the API answers it; storage details stay in the log.
pub(crate) struct Failure(pub AppError);

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure(e)
    }
}

impl From<backend::Error> for Failure {
    fn from(e: backend::Error) -> Self {
        Failure(e.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (field, reason) = match &self.0 {
            AppError::Validation { field, reason } => (Some(field.clone()), Some(reason.key().to_string())),
            _ => (None, None),
        };
        let message = match &self.0 {
            AppError::Validation { field, reason } => format!("{field}: {}", reason.key().replace('_', " ")),
            other => other.to_string(),
        };
        let mut response = (status, Json(ApiError { code: self.0.code().into(), message, field, reason })).into_response();
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// Requests per token in the current minute.
pub struct RateLimits {
    per_minute: u32,
    windows: Mutex<HashMap<domain::Id, (Instant, u32)>>,
}

impl RateLimits {
    pub fn new(per_minute: u32) -> RateLimits {
        RateLimits { per_minute, windows: Mutex::default() }
    }

    fn take(&self, token: domain::Id) -> Result<(), AppError> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let slot = windows.entry(token).or_insert((now, 0));
        let age = now.duration_since(slot.0).as_secs();
        if age >= 60 {
            *slot = (now, 0);
        }
        if slot.1 >= self.per_minute {
            return Err(AppError::RateLimited { retry_after_secs: 60 - age.min(59) });
        }
        slot.1 += 1;
        Ok(())
    }
}

/// The authenticated caller of an API request: a valid bearer token within its budget.
pub(crate) struct Authed(pub Caller);

impl FromRequestParts<AppState> for Authed {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let caller = backend::tokens::authenticate(&state.server.db, secret).await?;
        state.api_limits.take(caller.token_id)?;
        Ok(Authed(caller))
    }
}

/// JSON bodies with our error shape: 400 for malformed JSON or wrong types, 413 when too large,
/// 415 without a JSON content type.
pub(crate) struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(failure(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send Content-Type: application/json"))
            }
            Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(failure(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body is larger than 64 KB"))
            }
            Err(e) => Err(failure(StatusCode::BAD_REQUEST, "bad_request", &e.body_text())),
        }
    }
}
