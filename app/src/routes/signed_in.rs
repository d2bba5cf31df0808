//! The gate of every signed-in page: set-up first, then sign-in, then the header and the page,
//! with the page's toasts and the navigation's live figures.

use crate::api::session::session_info;
use crate::components::errors::ErrorMessage;
use crate::components::header::AppHeader;
use crate::components::pulse::{PulseState, PulseWatcher};
use crate::components::toast::{ToastHost, Toasts};
use crate::i18n::*;
use crate::wire::page_resource;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    Toasts::provide();
    PulseState::provide();
    let info = page_resource(|| (), |_| session_info());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if !info.set_up => view! { <Redirect path="/setup" /> }.into_any(),
                    Ok(info) => match info.user {
                        None => view! { <Redirect path="/login" /> }.into_any(),
                        Some(user) => {
                            view! {
                                // Each part type-erased: the whole page as one type is too deep for
                                // the compiler's layout queries.
                                {view! { <AppHeader user school_name=info.school_name /> }.into_any()}
                                <PulseWatcher />
                                {children.with_value(|c| c())}
                                {view! { <ToastHost /> }.into_any()}
                            }
                                .into_any()
                        }
                    },
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
