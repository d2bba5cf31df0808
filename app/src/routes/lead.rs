//! One lead's card: a full page (on a phone the whole screen, on a desktop a wide sheet).

use crate::api::lead::{lead_details, lead_timeline};
use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::components::lead::timeline::KIND_GROUPS;
use crate::components::lead::LeadCard;

use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

/// Resources live here, outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn LeadPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    // Bumped after every change made here, so the card and its timeline read again.
    let refresh = RwSignal::new(0_u32);
    let group = RwSignal::new("all");
    let lead = page_resource(
        move || (id.get(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => lead_details(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let timeline = page_resource(
        move || (id.get(), group.get(), refresh.get()),
        |(id, group, _)| async move {
            let kinds =
                KIND_GROUPS.iter().find(|(g, _)| *g == group).map(|(_, k)| k.iter().map(|k| k.to_string()).collect()).unwrap_or_default();
            match id {
                Some(id) => lead_timeline(id, kinds, None).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <SignedIn>
            <LeadScreen lead timeline group refresh />
        </SignedIn>
    }
}

#[component]
fn LeadScreen(
    lead: PageResource<crate::api::lead::LeadView>,
    timeline: PageResource<Vec<crate::api::lead::TimelineItem>>,
    group: RwSignal<&'static str>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    // A transfer that took the lead out of the reader's sight: the card gives way to where it went.
    let handed_to = RwSignal::new(None::<String>);
    let gone = Callback::new(move |to: String| handed_to.set(Some(to)));
    view! {
        <main class="page lead-page">
            <p>
                <A href="/">{t!(i18n, lead.back)}</A>
            </p>
            {move || {
                handed_to
                    .get()
                    .map(|to| {
                        view! { <p class="notice" role="status" data-testid="handed-over">{t!(i18n, lead.handed_over, name = to.clone())}</p> }
                    })
            }}
            <Show when=move || handed_to.with(Option::is_none)>
                <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match (lead.await, timeline.await) {
                            (Ok(view), Ok(items)) => {
                                view! {
                                    <HydrationMark />
                                    <LeadCard view timeline=items group refresh gone />
                                }
                                    .into_any()
                            }
                            (Err(AppError::Unauthorized), _) => view! { <Redirect path="/login" /> }.into_any(),
                            (Err(e), _) | (_, Err(e)) => {
                                view! {
                                    <HydrationMark />
                                    <ErrorMessage error=e />
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </Show>
        </main>
    }
}
