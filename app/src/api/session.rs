//! Signing in and out, the one-time set-up and the interface language.

use domain::user::User;
use domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;
use serde::{Deserialize, Serialize};

/// What every page needs to know first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStatus {
    /// False until the one-time set-up has run.
    pub set_up: bool,
    pub user: Option<User>,
    pub school_name: Option<String>,
}

#[server(endpoint = "session_info", output = Postcard)]
pub async fn session_info() -> Result<SessionStatus, AppError> {
    use crate::server::{maybe_user, respond, state};
    respond(async {
        let state = state()?;
        let set_up = backend::settings::is_set_up(&state.db).await?;
        let user = if set_up { maybe_user().await? } else { None };
        let school_name = match &user {
            Some(_) => backend::settings::get_settings(&state.db).await?.map(|s| s.name),
            None => None,
        };
        Ok(SessionStatus { set_up, user, school_name })
    })
    .await
}

/// The login form posts `login` and `password`; answers with the user's interface language.
#[server(endpoint = "sign_in", output = Postcard)]
pub async fn sign_in(login: String, password: String) -> Result<domain::user::Lang, AppError> {
    use crate::server::{client_address, respond, sign_in_session, state};
    respond(async {
        let state = state()?;
        let address = client_address().await;
        let user = backend::users::sign_in(&state.db, &state.throttle, &login, &password, &address).await?;
        sign_in_session(&user).await?;
        tracing::info!(login = %user.login, "signed in");
        leptos_axum::redirect("/");
        Ok(user.lang)
    })
    .await
}

#[server(endpoint = "sign_out", output = Postcard)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{respond, sign_out_session};
    respond(async {
        sign_out_session().await?;
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The one-time set-up: creates the school and its owner, then signs the owner in.
#[server(endpoint = "set_up", output = Postcard)]
pub async fn set_up(
    school_name: String,
    owner_name: String,
    owner_login: String,
    owner_password: String,
    preset: String,
    /// Missing from older forms: the default zone then.
    timezone: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{respond, sign_in_session, state};
    use domain::error::Invalid;
    use domain::preset::StagePreset;
    use domain::settings::SetupForm;
    respond(async {
        let state = state()?;
        let preset = StagePreset::parse(&preset).ok_or_else(|| AppError::invalid("preset", Invalid::NotFound))?;
        let timezone = timezone.filter(|t| !t.trim().is_empty()).unwrap_or_else(domain::settings::default_timezone);
        let form = SetupForm { school_name, owner_login, owner_name, owner_password, preset, timezone };
        let lang = current_lang();
        let owner = backend::settings::set_up(&state.db, form, lang).await?;
        sign_in_session(&owner).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// The language the page was shown in (the locale cookie), so set-up keeps it for the owner.
#[cfg(feature = "ssr")]
fn current_lang() -> domain::user::Lang {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            let cookies = parts.headers.get(axum::http::header::COOKIE)?.to_str().ok()?.to_string();
            use crate::components::header::LOCALE_COOKIE;
            cookies.split(';').find_map(|c| c.trim().strip_prefix(LOCALE_COOKIE)?.strip_prefix('=').and_then(domain::user::Lang::parse))
        })
        .unwrap_or_default()
}

/// Saves the signed-in user's interface language.
#[server(endpoint = "set_language", output = Postcard)]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::server::{current_user, respond, set_locale_cookie, state};
    use domain::error::Invalid;
    use domain::user::Lang;
    respond(async {
        let lang = Lang::parse(&lang).ok_or_else(|| AppError::invalid("lang", Invalid::NotFound))?;
        let user = current_user().await?;
        backend::users::set_language(&state()?.db, user.id, lang).await?;
        set_locale_cookie(lang);
        Ok(())
    })
    .await
}
