//! Marks the page as interactive once the browser has hydrated it: `<body data-hydrated>`.
//! Browser tests wait for it before clicking, as a person waits for a page to finish loading.

use leptos::prelude::*;

#[component]
pub fn HydrationMark() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
