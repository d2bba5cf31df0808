//! The top bar: school, navigation, the user, language and sign-out.

use crate::api::session::{set_language, SignOut};
use crate::components::pulse::{NotificationsBell, TaskBadge};
use crate::components::search::SearchBox;
use crate::i18n::*;
use domain::user::{Role, User};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

pub fn locale_of(lang: domain::user::Lang) -> Locale {
    match lang {
        domain::user::Lang::Ru => Locale::ru,
        domain::user::Lang::En => Locale::en,
    }
}

/// The cookie the server renders pages in the language of (leptos_i18n's name for it).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The `Set-Cookie` / `document.cookie` value that keeps `locale` ("ru", "en") for a year.
pub fn locale_cookie(locale: &str) -> String {
    format!("{LOCALE_COOKIE}={locale}; Path=/; SameSite=Lax; Max-Age=31536000")
}

/// Writes the locale cookie at once, so a reload straight after a switch renders in the new
/// language even before `set_language` has answered (the server writes the same cookie then).
fn remember_locale(locale: Locale) {
    use wasm_bindgen::JsCast;
    if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = html.set_cookie(&locale_cookie(locale.as_str()));
    }
}

pub fn role_name(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Owner => t_string!(i18n, role.owner),
        Role::Director => t_string!(i18n, role.director),
        Role::Deputy => t_string!(i18n, role.deputy),
        Role::Administrator => t_string!(i18n, role.administrator),
        Role::Sales => t_string!(i18n, role.sales),
    }
    .to_string()
}

#[component]
pub fn AppHeader(user: User, school_name: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<SignOut>::new();
    let switch_language = move |_| {
        let next = match i18n.get_locale() {
            Locale::ru => Locale::en,
            Locale::en => Locale::ru,
        };
        i18n.set_locale(next);
        remember_locale(next);
        spawn_local(async move {
            // Saved for the next sign-in; the page has already switched.
            let _ = set_language(next.as_str().to_string()).await;
        });
    };
    let role = user.role;
    let display_name = user.display_name.clone();
    let school_title = school_name.clone();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"▼"</span>
                <span class="brand-name">{t!(i18n, app.name)}</span>
            </A>
            <span class="school" title=school_title>
                {school_name}
            </span>
            <nav class="topnav" aria-label=move || t_string!(i18n, nav.main)>
                <A href="/">{t!(i18n, nav.board)}</A>
                <A href="/leads">{t!(i18n, nav.list)}</A>
                <TaskBadge />
                {user
                    .role
                    .is_deputy_or_above()
                    .then(|| {
                        view! {
                            <A href="/reports" attr:data-testid="reports-link" attr:title=move || t_string!(i18n, nav.reports)>
                                <span class="wide-only">{t!(i18n, nav.reports)}</span>
                                <svg class="icon narrow-only" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d="M4 20V10h3v10zm6.5 0V4h3v16zM17 20v-7h3v7z" />
                                </svg>
                                <span class="visually-hidden narrow-only">{t!(i18n, nav.reports)}</span>
                            </A>
                            <A href="/settings" attr:data-testid="settings-link" attr:title=move || t_string!(i18n, nav.settings)>
                                <span class="wide-only">{t!(i18n, nav.settings)}</span>
                                <svg class="icon narrow-only" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d="M19.4 13a7.5 7.5 0 0 0 0-2l2-1.6-2-3.4-2.4 1a7 7 0 0 0-1.7-1L15 3.5h-4l-.3 2.5a7 7 0 0 0-1.7 1l-2.4-1-2 3.4 2 1.6a7.5 7.5 0 0 0 0 2l-2 1.6 2 3.4 2.4-1a7 7 0 0 0 1.7 1l.3 2.5h4l.3-2.5a7 7 0 0 0 1.7-1l2.4 1 2-3.4zM12 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z" />
                                </svg>
                                <span class="visually-hidden narrow-only">{t!(i18n, nav.settings)}</span>
                            </A>
                        }
                    })}
            </nav>
            <NotificationsBell />
            <SearchBox />
            <span class="user" title=move || format!("{} · {}", display_name, role_name(i18n, role))>
                <span class="avatar" aria-hidden="true">{user.initials()}</span>
                <span class="user-name">{user.display_name.clone()}</span>
            </span>
            <button
                type="button"
                class="link-button"
                data-testid="switch-language"
                aria-label=move || t_string!(i18n, nav.switch_language)
                on:click=switch_language
            >
                <span class="wide-only">{t!(i18n, nav.switch_language)}</span>
                <span class="narrow-only">{t!(i18n, nav.switch_language_short)}</span>
            </button>
            <ActionForm action=sign_out attr:class="inline-form">
                <button type="submit" class="link-button">
                    {t!(i18n, nav.logout)}
                </button>
            </ActionForm>
        </header>
    }
}
