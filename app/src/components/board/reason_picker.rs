//! The dialog that asks why a lead enters a stage with reasons. Cancel leaves the card where it was.

use super::state::BoardCtx;
use crate::i18n::*;
use domain::Id;
use leptos::prelude::*;

#[component]
pub fn ReasonPicker() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let chosen = RwSignal::new(None::<Id>);
    let cancel = move || {
        chosen.set(None);
        ctx.picker.set(None);
    };
    let confirm = move || {
        if let (Some(pending), Some(reason)) = (ctx.picker.get_untracked(), chosen.get_untracked()) {
            ctx.picker.set(None);
            chosen.set(None);
            ctx.move_card(pending.card_id, pending.to_stage, Some(reason));
        }
    };
    move || {
        ctx.picker.get().and_then(|pending| ctx.stage(pending.to_stage)).map(|stage| {
            let stage_name = stage.name.clone();
            let reasons: Vec<_> = stage.reasons.iter().filter(|r| !r.retired).cloned().collect();
            view! {
                <div class="backdrop" on:click=move |_| cancel()>
                    <div
                        class="dialog"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="reason-title"
                        on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                cancel();
                            }
                        }
                    >
                        <h2 id="reason-title">{t!(i18n, reason.title, stage = move || stage_name.clone())}</h2>
                        <div class="reasons" role="radiogroup">
                            {reasons
                                .into_iter()
                                .enumerate()
                                .map(|(i, r)| {
                                    let rid = r.id;
                                    view! {
                                        <label class="choice">
                                            <input type="radio" name="reason" value=rid autofocus=i == 0 on:change=move |_| chosen.set(Some(rid)) />
                                            <span>{r.name}</span>
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <div class="dialog-actions">
                            <button type="button" class="secondary" on:click=move |_| cancel()>
                                {t!(i18n, reason.cancel)}
                            </button>
                            <button type="button" class="primary" disabled=move || chosen.get().is_none() on:click=move |_| confirm()>
                                {t!(i18n, reason.confirm)}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
