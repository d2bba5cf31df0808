//! Server-side context for server functions: the database, the login throttle and the session.
//! Every server function goes through [`respond`] so its error sets the right HTTP status.

use backend::auth::LoginThrottle;
use backend::Db;
use domain::user::User;
use domain::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;
use tower_sessions::Session;

/// What the server gives every server function through Leptos context.
#[derive(Clone)]
pub struct ServerState {
    pub db: Db,
    pub throttle: Arc<LoginThrottle>,
}

const USER_KEY: &str = "user_id";

pub fn state() -> Result<ServerState, AppError> {
    use_context::<ServerState>().ok_or_else(|| {
        // A page's resource that finishes after its request was answered (the sign-in gate
        // redirected meanwhile) runs under an owner whose request contexts are gone: its answer
        // is dropped, so that is not worth an error. Anything else is a wiring mistake.
        let path = use_context::<axum::http::request::Parts>().map(|p| p.uri.path().to_string());
        let owner = Owner::current().is_some();
        if path.is_none() && owner {
            tracing::debug!("ServerState gone: a resource outlived its request");
        } else {
            tracing::error!(?path, owner, "ServerState missing from context");
        }
        AppError::Internal
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = ?e, "no session layer");
        AppError::Internal
    })
}

/// The user id a session carries, if signed in.
pub async fn session_user_id(session: &Session) -> Result<Option<i64>, AppError> {
    session.get(USER_KEY).await.map_err(session_error)
}

/// The signed-in, active user, or `Unauthorized`.
pub async fn current_user() -> Result<User, AppError> {
    let session = session().await?;
    let id = session_user_id(&session).await?.ok_or(AppError::Unauthorized)?;
    let state = state()?;
    match backend::users::get_user(&state.db, id).await? {
        Some(user) if user.active => Ok(user),
        _ => {
            // The account was removed or deactivated: end the session.
            let _ = session.flush().await;
            Err(AppError::Unauthorized)
        }
    }
}

/// The user if signed in, `None` if not.
pub async fn maybe_user() -> Result<Option<User>, AppError> {
    match current_user().await {
        Ok(user) => Ok(Some(user)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Starts a fresh session for `user`: a new id (no fixation) and their interface language.
pub async fn sign_in_session(user: &User) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session.insert(USER_KEY, user.id).await.map_err(session_error)?;
    set_locale_cookie(user.lang);
    Ok(())
}

pub async fn sign_out_session() -> Result<(), AppError> {
    session().await?.flush().await.map_err(session_error)
}

/// Tells leptos_i18n which language to render in from now on.
pub fn set_locale_cookie(lang: domain::user::Lang) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        let cookie = crate::components::header::locale_cookie(lang.as_str());
        if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
            options.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store");
    AppError::Internal
}

/// Runs a server function body; on error, answers with the error's HTTP status.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(e.status()) {
                options.set_status(status);
            }
        }
    }
    result
}

/// The client's address as the server saw it (for throttling), or "unknown".
pub async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".into(),
    }
}
