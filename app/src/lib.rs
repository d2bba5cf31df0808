#![recursion_limit = "256"]
//! Voronka's user interface and server functions. The same code renders on the server (`ssr`)
//! and hydrates in the browser (`hydrate`); server-only parts are behind `ssr`.

/// Translations from `locales/{ru,en}.json`, checked at compile time. The macro is deprecated in
/// favour of a build.rs generator that would pull ICU's data exporter into every build; the macro
/// generates the same module.
mod locales {
    #![expect(deprecated)]
    leptos_i18n::load_locales!();
}
pub use locales::i18n;

pub mod api;
pub mod components;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
pub mod wire;

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use routes::lazy;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1d4ed8" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Russian unless the person chose otherwise (the locale cookie, set from their profile at
/// sign-in); the browser's Accept-Language is deliberately not consulted.
fn russian_unless_chosen() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider ssr_lang_header_getter=russian_unless_chosen()>
            <Stylesheet id="leptos" href="/pkg/voronka.css" />
            <AppTitle />
            <Router>
                <Routes fallback=routes::not_found::NotFound>
                    <Route path=path!("/login") view=routes::login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=routes::setup::SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/") view=routes::board::BoardPage ssr=SsrMode::Async />
                    <Route path=path!("/leads") view={Lazy::<lazy::LeadList>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/leads/new") view={Lazy::<lazy::NewLead>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/leads/:id") view={Lazy::<lazy::LeadCard>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/calls") view={Lazy::<lazy::Calls>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tasks") view={Lazy::<lazy::Tasks>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/import") view={Lazy::<lazy::Import>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/automation") view={Lazy::<lazy::Automation>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/groups") view={Lazy::<lazy::Groups>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/api") view={Lazy::<lazy::Tokens>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports") view={Lazy::<lazy::Reports>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/stages") view={Lazy::<lazy::SettingsStages>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/dictionaries") view={Lazy::<lazy::SettingsDictionaries>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/users") view={Lazy::<lazy::SettingsStaff>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/school") view={Lazy::<lazy::SettingsSchool>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<lazy::SettingsStages>::new()} ssr=SsrMode::Async />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn AppTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || t_string!(i18n, app.name).to_string() /> }
}
