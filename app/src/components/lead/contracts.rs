//! The lead's contracts on its card: the standing one (group, number, date, price) with
//! "cancel enrolment" (a reason is required), cancelled ones with their reason, and "Enrol" when
//! the lead has none standing.

use crate::api::groups::cancel_enrolment;
use crate::components::enrol::EnrolDialog;
use crate::components::errors::field_error;
use crate::components::format;
use crate::components::toast::Toasts;
use crate::i18n::*;
use domain::group::{format_price, ContractView};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn LeadContracts(lead_id: Id, contracts: Vec<ContractView>, can_edit: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let enrolling = RwSignal::new(false);
    let standing = contracts.iter().any(|c| c.contract.cancelled_at.is_none());
    let show = can_edit || !contracts.is_empty();
    show.then(|| {
        view! {
            <section class="lead-contracts" data-testid="lead-contracts">
                <header class="section-head">
                    <h2>{t!(i18n, groups.contracts)}</h2>
                    {(can_edit && !standing)
                        .then(|| {
                            view! {
                                <button type="button" class="primary" on:click=move |_| enrolling.set(true) data-testid="enrol">
                                    {t!(i18n, groups.enrol)}
                                </button>
                            }
                        })}
                </header>
                {if contracts.is_empty() {
                    view! { <p class="muted">{t!(i18n, groups.no_contracts)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="contracts">
                            {contracts.into_iter().map(|c| view! { <ContractItem c can_edit reload /> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <Show when=move || enrolling.get()>
                    <EnrolDialog
                        lead_id
                        on_done=Callback::new(move |_| {
                            enrolling.set(false);
                            reload.run(());
                        })
                        on_cancel=Callback::new(move |_| enrolling.set(false))
                    />
                </Show>
            </section>
        }
    })
}

#[component]
fn ContractItem(c: ContractView, can_edit: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let locale = i18n.get_locale_untracked();
    let cancelling = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let contract_id = c.contract.id;
    let cancelled = c.contract.cancelled_at.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if reason.get_untracked().trim().is_empty() {
            error.set(Some(AppError::invalid("reason", domain::error::Invalid::Required)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match cancel_enrolment(contract_id, reason.get_untracked()).await {
                Ok(()) => {
                    reload.try_run(());
                }
                Err(e @ AppError::Validation { .. }) => error.set(Some(e)),
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    view! {
        <li class:cancelled=cancelled data-testid="contract">
            <p>
                <strong>{c.group_name.clone()}</strong>
                " · "
                {t!(i18n, groups.contract_short)}
                " "
                {c.contract.number.clone()}
                " · "
                {format::date(c.contract.signed_on, locale)}
                " · "
                {format_price(c.contract.price_kopecks)}
                " ₽"
            </p>
            {c
                .contract
                .cancel_reason
                .clone()
                .map(|r| {
                    view! {
                        <p class="muted">
                            {t!(i18n, groups.cancelled)} ": " {r}
                        </p>
                    }
                })}
            {(can_edit && !cancelled)
                .then(|| {
                    view! {
                        <Show
                            when=move || cancelling.get()
                            fallback=move || {
                                view! {
                                    <button type="button" class="secondary" on:click=move |_| cancelling.set(true) data-testid="cancel-enrolment">
                                        {t!(i18n, groups.cancel_enrolment)}
                                    </button>
                                }
                            }
                        >
                            <form class="inline-form" novalidate on:submit=submit>
                                <label class="field">
                                    <span>{t!(i18n, groups.cancel_reason)}</span>
                                    <input type="text" name="cancel-reason" maxlength="500" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                                    {field_error(i18n, error, "reason")}
                                </label>
                                <button type="submit" class="secondary" disabled=busy data-testid="confirm-cancel-enrolment">
                                    {t!(i18n, groups.cancel_enrolment)}
                                </button>
                            </form>
                        </Show>
                    }
                })}
        </li>
    }
}
