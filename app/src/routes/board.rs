//! The funnel board: one column per shown stage, filtered by the URL query.

use crate::api::board::load_board;
use crate::api::session::session_info;
use crate::components::board::BoardView;
use crate::components::errors::ErrorMessage;
use crate::components::header::AppHeader;
use crate::components::hydration::HydrationMark;
use crate::components::toast::{ToastHost, Toasts};
use crate::i18n::*;
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| session_info());
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if !info.set_up => view! { <Redirect path="/setup" /> }.into_any(),
                    Ok(info) => match info.user {
                        None => view! { <Redirect path="/login" /> }.into_any(),
                        Some(user) => {
                            view! {
                                <AppHeader user school_name=info.school_name />
                                <Board />
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

#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let query = Memo::new(move |_| location.search.get());
    let board = Resource::new(move || query.get(), load_board);
    let reload = Callback::new(move |_| board.refetch());
    // Above the board, so a message outlives the board's reload (after a conflict, say).
    Toasts::provide();
    view! {
        <ToastHost />
        <main class="board-page">
            <h1 class="visually-hidden">{t!(i18n, board.title)}</h1>
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
