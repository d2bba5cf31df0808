#![recursion_limit = "256"]
//! Hydrates the server-rendered page in the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`, not `hydrate_body`: most pages are lazy routes (`app::routes::lazy`) whose
    // code may still be on its way when hydration starts.
    leptos::mount::hydrate_lazy(app::App);
}
