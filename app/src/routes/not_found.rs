use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth">
            <h1>{t!(i18n, error.not_found)}</h1>
            <p>
                <A href="/">{t!(i18n, nav.board)}</A>
            </p>
        </main>
    }
}
