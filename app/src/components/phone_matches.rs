//! The leads that already have a phone being entered, shown before a new lead is created (quick
//! add and the full form): open one, or confirm — another category of the person is a new lead,
//! the same category becomes a duplicate.

use crate::api::board::PhoneMatch;
use crate::i18n::*;
use domain::Id;
use leptos::prelude::*;

#[component]
pub fn PhoneMatches(
    matches: RwSignal<Vec<PhoneMatch>>,
    /// The category the new lead would have.
    chosen_category: Signal<Option<Id>>,
    busy: RwSignal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let same_category = move || {
        let chosen = chosen_category.get();
        matches.with(|m| m.iter().any(|m| m.category_id == chosen))
    };
    view! {
        <Show when=move || matches.with(|m| !m.is_empty())>
            <div class="matches" role="alert" data-testid="phone-matches">
                <p>{t!(i18n, board.phone_known)}</p>
                <ul>
                    {move || {
                        matches
                            .get()
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <li>
                                        <a href=format!("/leads/{}", m.id)>{m.name}</a>
                                        " · "
                                        {m.category.unwrap_or_default()}
                                        " · "
                                        <span class="muted">{m.stage}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <button type="button" class="secondary" disabled=busy on:click=move |_| on_confirm.run(()) data-testid="create-anyway">
                    {move || if same_category() { t_string!(i18n, board.create_duplicate) } else { t_string!(i18n, board.add_category) }}
                </button>
            </div>
        </Show>
    }
}
