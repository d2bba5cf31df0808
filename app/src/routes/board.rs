//! The funnel board: one column per shown stage, filtered by the URL query.

use crate::api::board::load_board;
use crate::components::board::BoardView;
use crate::components::errors::ErrorMessage;
use crate::components::filter_bar::{FilterBar, UrlFilter};
use crate::components::hydration::HydrationMark;

use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

/// Resources are created here, outside the sign-in gate's `Suspend`: that closure may run twice
/// on the server, and a resource created inside it would be serialised twice and shift the ids
/// the browser hydrates with.
#[component]
pub fn BoardPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| location.search.get());
    let board = page_resource(move || query.get(), load_board);
    view! {
        <SignedIn>
            <Board board query />
        </SignedIn>
    }
}

#[component]
fn Board(board: PageResource<crate::api::board::BoardPage>, query: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let reload = Callback::new(move |_| board.refetch());
    let url = UrlFilter::from_url();
    view! {
        <main class="board-page">
            <h1 class="visually-hidden">{t!(i18n, board.title)}</h1>
            <div class="page-tools">
                <FilterBar url />
                <A href=move || format!("/leads?{}", query.get().trim_start_matches('?')) attr:class="button secondary" attr:data-testid="to-list">
                    {t!(i18n, nav.list)}
                </A>
                <A href=move || format!("/calls?{}", query.get().trim_start_matches('?')) attr:class="button secondary" attr:data-testid="start-calls">
                    {t!(i18n, calls.start)}
                </A>
            </div>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(page) => {
                            let ignored = (!page.ignored.is_empty()).then(|| {
                                let params = page.ignored.iter().map(|p| format!("{}={}", p.key, p.value)).collect::<Vec<_>>().join(", ");
                                view! { <p class="notice" role="status">{t!(i18n, board.ignored_params, params = move || params.clone())}</p> }
                            });
                            view! {
                                {ignored}
                                <HydrationMark />
                                <BoardView page query reload />
                            }
                                .into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
