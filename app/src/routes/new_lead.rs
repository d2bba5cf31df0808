//! A new lead with every field (the board's "+" asks only for a name, a phone and a category).

use crate::api::list::filter_options;
use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::components::lead::form::{FormTarget, LeadForm};

use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::lead::LeadDraft;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The choices resource lives here, outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn NewLeadPage() -> impl IntoView {
    let choices = page_resource(|| (), |_| filter_options());
    view! {
        <SignedIn>
            <NewLead choices />
        </SignedIn>
    }
}

#[component]
fn NewLead(choices: PageResource<crate::api::list::FilterChoices>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    view! {
        <main class="page lead-page">
            <h1>{t!(i18n, lead.new_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => {
                            // The stage from the link (a column's), else the first; the channel defaults to the first.
                            let stage = query.with_untracked(|q| q.get("stage").and_then(|s| s.parse().ok()));
                            let initial = LeadDraft {
                                stage_id: stage.or_else(|| choices.stages.first().map(|s| s.id)),
                                channel_id: choices.channels.iter().find(|c| c.active).map(|c| c.id),
                                ..LeadDraft::default()
                            };
                            let navigate = use_navigate();
                            let open = Callback::new(move |id: domain::Id| navigate(&format!("/leads/{id}"), Default::default()));
                            let back = Callback::new(move |_| {
                                let _ = window().history().and_then(|h| h.back());
                            });
                            view! {
                                <HydrationMark />
                                <article class="lead-card">
                                    <LeadForm initial choices target=FormTarget::Create on_saved=open on_cancel=back />
                                </article>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
