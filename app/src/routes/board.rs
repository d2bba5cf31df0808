//! The funnel board: one column per shown stage, filtered by the URL query.

use crate::api::board::load_board;
use crate::api::session::session_info;
use crate::components::card::LeadCard;
use crate::components::errors::ErrorMessage;
use crate::components::header::AppHeader;
use crate::components::hydration::HydrationMark;
use crate::i18n::*;
use domain::board::BoardColumn;
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
    let board = Resource::new(move || location.search.get(), load_board);
    view! {
        <main class="board-page">
            <h1 class="visually-hidden">{t!(i18n, board.title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(page) => {
                            let now = page.board.now;
                            let ignored = (!page.ignored.is_empty()).then(|| {
                                let params = page.ignored.iter().map(|p| format!("{}={}", p.key, p.value)).collect::<Vec<_>>().join(", ");
                                view! { <p class="notice" role="status">{t!(i18n, board.ignored_params, params = move || params.clone())}</p> }
                            });
                            view! {
                                {ignored}
                                <HydrationMark />
                                <div class="board" data-testid="board">
                                    {page.board.columns.into_iter().map(|column| view! { <Column column now /> }).collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Column(column: BoardColumn, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let count = column.count;
    let shown = column.cards.len();
    let style = format!("--stage-color: {}", column.stage.color);
    view! {
        <section class="column" style=style data-stage-id=column.stage.id aria-label=column.stage.name.clone()>
            <header class="column-head">
                <h2 class="column-name">{column.stage.name.clone()}</h2>
                <span class="count">{count}</span>
            </header>
            <div class="column-body">
                {if column.cards.is_empty() {
                    view! { <p class="empty">{t!(i18n, board.empty_column)}</p> }.into_any()
                } else {
                    column.cards.into_iter().map(|card| view! { <LeadCard card now /> }).collect_view().into_any()
                }}
                {((shown as i64) < count).then(|| view! { <p class="more muted">{t!(i18n, board.shown_of, shown, count)}</p> })}
            </div>
        </section>
    }
}
