//! The funnel board: columns of cards with drag and drop, keyboard moves, "Move to…", reasons,
//! quick add, "show more" and live updates from other people.

mod card;
mod column_edits;
mod dnd;
mod drawer;
mod live;
mod quick_add;
mod reason_picker;
pub mod state;

use crate::api::board::{load_column, BoardPage};
use crate::components::enrol::EnrolDialog;
use crate::components::format;
use crate::components::toast::Toasts;
use crate::i18n::*;
use card::LeadCard;
use domain::Id;
use leptos::prelude::*;
use leptos::task::spawn_local;
use quick_add::QuickAdd;
use reason_picker::ReasonPicker;
use state::{Announcement, BoardCtx, ColumnState};

#[component]
pub fn BoardView(page: BoardPage, query: Memo<String>, reload: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let columns = page.board.columns.into_iter().map(ColumnState::from).collect();
    let ctx = BoardCtx {
        columns: RwSignal::new(columns),
        stages: StoredValue::new(page.stages),
        categories: StoredValue::new(page.categories),
        now: page.board.now,
        query,
        searched: StoredValue::new(crate::components::search::searched(&query.get_untracked())),
        picker: RwSignal::new(None),
        enrolling: RwSignal::new(None),
        adding: RwSignal::new(None),
        moving: RwSignal::new(0),
        edits: StoredValue::new(0),
        drawer: RwSignal::new(None),
        announce: RwSignal::new(None),
        keyboard: RwSignal::new(None),
        drag: RwSignal::new(None),
        focus: RwSignal::new(None),
        toasts,
        reload,
    };
    provide_context(ctx);
    Effect::new(move |_| dnd::install());
    live::listen(page.me, Callback::new(move |_| ctx.reload_when_idle()));

    let stage_ids = move || ctx.columns.with(|c| c.iter().map(|c| c.stage.id).collect::<Vec<_>>());
    view! {
        <div class="board" class:dragging=move || ctx.drag.with(Option::is_some) data-testid="board">
            <For each=stage_ids key=|id| *id let:stage_id>
                <Column stage_id />
            </For>
        </div>
        <ReasonPicker />
        <BoardEnrolment />
        <drawer::LeadDrawer />
        {move || {
            ctx.drag
                .get()
                .map(|d| {
                    view! {
                        <div class="drag-ghost" aria-hidden="true" style=format!("left: {}px; top: {}px", d.x, d.y)>
                            {d.name}
                        </div>
                    }
                })
        }}
        <div class="visually-hidden" aria-live="assertive" data-testid="announcer">
            {move || {
                ctx.announce
                    .get()
                    .map(|a| match a {
                        Announcement::Picked(name) => t!(i18n, board.picked, name = move || name.clone()).into_any(),
                        Announcement::Target(stage) => t!(i18n, board.target, stage = move || stage.clone()).into_any(),
                        Announcement::Dropped(name, stage) => {
                            t!(i18n, board.dropped, name = move || name.clone(), stage = move || stage.clone()).into_any()
                        }
                        Announcement::Cancelled => t!(i18n, board.cancelled).into_any(),
                    })
            }}
        </div>
    }
    .into_any()
}

#[component]
fn Column(stage_id: Id) -> AnyView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let column = Memo::new(move |_| ctx.columns.with(|cols| cols.iter().find(|c| c.stage.id == stage_id).cloned()));
    let stage = ctx.stage(stage_id).expect("a column's stage exists");
    let stage_name = stage.name.clone();
    let loading = RwSignal::new(false);
    let total = move || column.with(|c| c.as_ref().map(|c| c.count).unwrap_or_default());
    let shown = move || column.with(|c| c.as_ref().map(|c| c.cards.len()).unwrap_or(0));
    // "Showing 150 of 150+", not "of 50+", once pages past a searched column's cap are loaded.
    let count = move || format::count(total().at_least(shown() as i64), i18n.get_locale());
    let cards = move || column.with(|c| c.as_ref().map(|c| c.cards.clone()).unwrap_or_default());
    let drop_target = move || {
        ctx.drag.with(|d| d.as_ref().is_some_and(|d| d.over == Some(stage_id) && d.from != stage_id))
            || ctx.keyboard.with(|k| k.as_ref().is_some_and(|k| k.target == stage_id && k.from != stage_id))
    };
    let show_more = move |_| {
        let Some(after) = column.with_untracked(|c| c.as_ref().and_then(|c| c.cards.last().map(|card| card.cursor()))) else { return };
        loading.set(true);
        spawn_local(async move {
            match load_column(ctx.query.get_untracked(), stage_id, after).await {
                Ok(more) => ctx.edit(|cols| {
                    column_edits::append_page(cols, stage_id, more);
                }),
                Err(e) => ctx.toasts.push(e),
            }
            loading.set(false);
        });
    };
    let add_label = {
        let name = stage_name.clone();
        t!(i18n, board.add_lead, stage = move || name.clone())
    };
    view! {
        <section
            class="column"
            class:drop-target=drop_target
            style=format!("--stage-color: {}", stage.color)
            data-stage-id=stage_id
            aria-label=stage_name.clone()
        >
            <header class="column-head">
                <h2 class="column-name">{stage_name.clone()}</h2>
                <span class="count" data-testid="count">{count}</span>
                <button
                    type="button"
                    class="add-button"
                    aria-expanded=move || (ctx.adding.get() == Some(stage_id)).to_string()
                    title=move || t_string!(i18n, board.add)
                    on:click=move |_| ctx.adding.update(|a| *a = if *a == Some(stage_id) { None } else { Some(stage_id) })
                >
                    <span aria-hidden="true">"+"</span>
                    <span class="visually-hidden">{add_label}</span>
                </button>
            </header>
            <Show when=move || ctx.adding.get() == Some(stage_id)>
                <QuickAdd stage_id on_done=Callback::new(move |_| ctx.adding.set(None)) />
            </Show>
            <div class="column-body">
                <Show when=move || { total().is_zero() && shown() == 0 }>
                    <p class="empty">{t!(i18n, board.empty_column)}</p>
                </Show>
                <For each=cards key=|card| (card.id, card.version) let:card>
                    <LeadCard card stage_id />
                </For>
                <Show when=move || { total().more || (shown() as i64) < total().value }>
                    <p class="more muted">{move || t!(i18n, board.shown_of, shown = shown(), count = count())}</p>
                    <button type="button" class="secondary show-more" disabled=loading on:click=show_more>
                        {t!(i18n, board.show_more)}
                    </button>
                </Show>
            </div>
        </section>
    }
    .into_any()
}

/// The enrolment dialog for a card dropped into the enrolment stage: enrolled, the board shows
/// the lead where the server put it; cancelled, the card never left its column.
#[component]
fn BoardEnrolment() -> impl IntoView {
    let ctx = expect_context::<BoardCtx>();
    move || {
        ctx.enrolling.get().map(|pending| {
            view! {
                <EnrolDialog
                    lead_id=pending.card_id
                    on_done=Callback::new(move |_| {
                        ctx.enrolling.set(None);
                        ctx.reload.run(());
                    })
                    on_cancel=Callback::new(move |_| ctx.enrolling.set(None))
                />
            }
        })
    }
}
