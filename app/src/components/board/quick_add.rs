//! The "+" of a column: a lead with a name, a phone and a category, created in that stage.

use super::state::BoardCtx;
use crate::api::board::{quick_add, PhoneMatch, QuickAdded};
use crate::components::errors::ErrorMessage;
use crate::components::phone_matches::PhoneMatches;
use crate::i18n::*;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn QuickAdd(stage_id: Id, on_done: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let (first_name, phone, category) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    // Leads that already have this phone: shown until the person chooses what to do.
    let matches = RwSignal::new(Vec::<PhoneMatch>::new());
    let duplicate_of = RwSignal::new(None::<Id>);
    let categories = ctx.categories.get_value();
    let send = move |confirmed: bool| {
        busy.set(true);
        let category_id = category.get_untracked().parse::<Id>().ok();
        spawn_local(async move {
            match quick_add(stage_id, first_name.get_untracked(), phone.get_untracked(), category_id, confirmed).await {
                Ok(QuickAdded::Created(card)) => {
                    ctx.edit(|cols| {
                        if let Some(col) = cols.iter_mut().find(|c| c.stage.id == stage_id) {
                            col.cards.retain(|c| c.id != card.id);
                            col.cards.insert(0, card);
                            col.count.add(1);
                        }
                    });
                    on_done.try_run(());
                }
                Ok(QuickAdded::Duplicate(of)) => {
                    matches.set(Vec::new());
                    duplicate_of.set(Some(of));
                }
                Ok(QuickAdded::Matches(found)) => matches.set(found),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        send(false);
    };
    view! {
        <form class="quick-add" on:submit=submit data-testid="quick-add">
            <label>
                <span>{t!(i18n, board.first_name)}</span>
                <input name="first_name" required autofocus prop:value=first_name on:input=move |ev| first_name.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{t!(i18n, board.phone)}</span>
                <input name="phone" type="tel" inputmode="tel" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{t!(i18n, board.category)}</span>
                <select name="category_id" on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, board.no_category)}</option>
                    {categories.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                </select>
            </label>
            {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
            <PhoneMatches matches chosen_category=Signal::derive(move || category.get().parse::<Id>().ok()) busy on_confirm=Callback::new(move |_| send(true)) />
            {move || duplicate_of.get().map(|of| view! {
                <p class="notice" role="status" data-testid="created-duplicate">
                    {t!(i18n, board.created_duplicate)}" "<a href=format!("/leads/{of}")>{format!("#{of}")}</a>
                </p>
            })}
            <div class="dialog-actions">
                <button type="button" class="secondary" on:click=move |_| on_done.run(())>
                    {t!(i18n, board.cancel)}
                </button>
                <button type="submit" class="primary" disabled=busy>
                    {t!(i18n, board.add)}
                </button>
            </div>
        </form>
    }
    .into_any()
}
