//! A page's data behind the loading text, the same way on every page: signed out → the sign-in
//! page, refused → the error, loaded → the page. Marks hydration either way.

use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::i18n::*;
use crate::wire::PageResource;
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn loaded<T>(page: PageResource<T>, render: impl Fn(T) -> AnyView + Clone + Send + Sync + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <HydrationMark /> {render(p)} }.into_any(),
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <HydrationMark /> <ErrorMessage error=e /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
