//! The floor of the browser bundle: what any app on Voronka's stack downloads before it has a
//! page of its own — the reactive runtime, hydration, the router, translations in two locales and
//! a server function answering in postcard, with one page that uses each (a counter, a resource,
//! a translated title). `voronka-bench wasm` builds it as the release site is built (the
//! workspace's `wasm-release` profile and type-erased views, wasm-bindgen, wasm-opt -Oz) and
//! prints `voronka.wasm` as a multiple of it, as the database benchmarks print raw SQL's floor.
#![cfg(target_arch = "wasm32")]

/// Translations, as Voronka's `app` loads them (the macro is deprecated in favour of a build.rs
/// generator; `app/src/lib.rs` says why the macro stays).
mod locales {
    #![expect(deprecated)]
    leptos_i18n::load_locales!();
}

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use locales::i18n::*;

/// A server function's browser side: a request and a postcard answer.
#[server(endpoint = "floor_count", output = Postcard)]
pub async fn stored_count() -> Result<u32, ServerFnError> {
    Ok(0)
}

#[component]
fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let stored = Resource::new(|| (), |_| stored_count());
    let (count, set_count) = signal(0u32);
    view! {
        <h1>{t!(i18n, title)}</h1>
        <Suspense>
            {move || stored.get().map(|answer| answer.unwrap_or_default() + count.get())}
        </Suspense>
        <button on:click=move |_| set_count.update(|n| *n += 1)>{t!(i18n, more)}</button>
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Router>
                <Routes fallback=|| "404">
                    <Route path=path!("/") view=Home />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
