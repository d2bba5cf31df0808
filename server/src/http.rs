//! The HTTP server: the Leptos app and its server functions, `/health`, sessions and guards.

use crate::cli::ServeArgs;
use crate::guard::same_origin_only;
use crate::sessions::SessionStoreDb;
use app::server::ServerState;
use app::{shell, App};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::auth::LoginThrottle;
use backend::Db;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub server: ServerState,
    pub imports: Arc<crate::import_http::ImportJobs>,
    pub api_limits: Arc<crate::api::RateLimits>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Everything but the listener, so tests can drive the router directly.
pub fn router(db: Db, args: &ServeArgs) -> Router {
    let leptos_options =
        LeptosOptions::builder().output_name("voronka").site_root(args.site_root.clone()).site_pkg_dir("pkg").site_addr(args.addr).build();
    let server = ServerState { db: db.clone(), throttle: Arc::new(LoginThrottle::default()) };
    let state = AppState {
        leptos_options,
        server: server.clone(),
        imports: Arc::default(),
        api_limits: Arc::new(crate::api::RateLimits::new(args.api_requests_per_minute)),
    };
    let idle = args.session_idle();
    // Saved on every request so the idle clock restarts with each one; the store skips the
    // writes that would change nothing but a few minutes of expiry.
    let sessions = SessionManagerLayer::new(SessionStoreDb::new(&db, idle))
        .with_name("voronka_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(args.secure_cookie)
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(idle));
    let routes = generate_route_list(App);
    Router::new()
        .merge(crate::api::routes())
        .route("/health", get(health))
        .route("/events", get(crate::live::events))
        .route("/export/leads.csv", get(crate::export::csv))
        .route("/export/leads.xlsx", get(crate::export::xlsx))
        .route("/reports/export.xlsx", get(crate::reports_http::xlsx))
        .route("/import/template.csv", get(crate::import_http::template_csv))
        .route("/import/template.xlsx", get(crate::import_http::template_xlsx))
        .route("/import/preview", post(crate::import_http::preview).layer(upload_limit()))
        .route("/import/start", post(crate::import_http::start).layer(upload_limit()))
        .route("/import/jobs/{number}", get(crate::import_http::job))
        .route("/import/jobs/{number}/cancel", post(crate::import_http::cancel))
        .leptos_routes_with_context(&state, routes, move || provide_context(server.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(axum::middleware::from_fn(same_origin_only))
        .layer(sessions)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Leptos answers 500 to a server function that failed before our code ran (its arguments did not
/// decode); the error it carries knows its own status (`AppError::BadRequest` → 400), so the
/// answer says it. Only 500s on `/api/` are looked at; the REST API's JSON errors do not decode
/// as an `AppError` and pass unchanged.
async fn server_fn_status(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) = serde_json::from_slice::<domain::AppError>(&bytes).ok().and_then(|e| StatusCode::from_u16(e.status()).ok()) {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Uploads up to the import's limit (axum's default is 2 MB); larger bodies get 413.
fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(domain::import::MAX_FILE_BYTES + 1024)
}

/// `/health`: 200 with the database status, or 503 when the database does not answer.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let db = &state.server.db;
    match db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "database": { "kind": db.backend_name(), "status": "ok" } }))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "error", "database": { "kind": db.backend_name(), "status": "unreachable" } })),
            )
        }
    }
}

/// Refreshes SQLite's planner statistics every few hours while the server runs (see
/// `Db::optimize`); the first run was at start-up, after the migrations.
fn spawn_optimizer(db: Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3 * 3600));
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = db.optimize().await {
                tracing::warn!(error = %e, "planner statistics not refreshed");
            }
        }
    });
}

pub async fn serve(db: Db, args: ServeArgs) -> Result<(), String> {
    SessionStoreDb::new(&db, args.session_idle()).spawn_cleanup();
    db.events.spawn_listener(&db.pool);
    spawn_optimizer(db.clone());
    let app = router(db.clone(), &args);
    let listener = tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    println!("Voronka is serving http://{} ({} database)", args.addr, db.backend_name());
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight, close the database.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
