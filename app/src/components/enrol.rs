//! The enrolment dialog: a group of the lead's category and branch (full ones shown, not
//! choosable), the contract's number (the next of the sequence, editable), date and price. Opened
//! from the lead card and by dropping a card into the enrolment stage; cancelling changes nothing.

use crate::api::groups::{enrol_lead, load_enrolment_options};
use crate::components::errors::{field_error, reason_text, ErrorMessage};
use crate::components::format;
use crate::i18n::*;
use domain::group::{EnrolmentDraft, EnrolmentOptions};
use domain::lead::Lead;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn EnrolDialog(lead_id: Id, on_done: Callback<Lead>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    // Escape closes the dialog wherever the focus is (it opens with the focus on the button or
    // the dropped card, outside it).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_cancel.run(());
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div class="backdrop" on:click=move |_| on_cancel.run(())>
            <div
                class="dialog enrol-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="enrol-title"
                data-testid="enrol-dialog"
                on:click=|ev| ev.stop_propagation()
            >
                <h2 id="enrol-title">{t!(i18n, groups.enrol_title)}</h2>
                <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                    {move || Suspend::new(enrol_body(lead_id, on_done, on_cancel))}
                </Suspense>
            </div>
        </div>
    }
}

/// The dialog's options and form. Their code (and their server functions' decoders) is split off
/// with `cargo leptos build --split` and fetched when the first dialog opens, not with the board.
#[lazy]
async fn enrol_body(lead_id: Id, on_done: Callback<Lead>, on_cancel: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    match load_enrolment_options(lead_id).await {
        Ok(o) => view! { <EnrolForm options=o lead_id on_done on_cancel /> }.into_any(),
        Err(e) => view! {
            <ErrorMessage error=e />
            <div class="dialog-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, reason.cancel)}
                </button>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn EnrolForm(options: EnrolmentOptions, lead_id: Id, on_done: Callback<Lead>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let open = options.groups.iter().filter(|g| g.group.seats_left() > 0).collect::<Vec<_>>();
    let group = RwSignal::new(if open.len() == 1 { Some(open[0].group.id) } else { None });
    let number = RwSignal::new(options.next_number.clone());
    let signed_on = RwSignal::new(options.today.format("%Y-%m-%d").to_string());
    let price = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let version = options.lead_version;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = EnrolmentDraft {
            lead_id,
            group_id: group.get_untracked(),
            number: number.get_untracked(),
            signed_on: chrono::NaiveDate::parse_from_str(&signed_on.get_untracked(), "%Y-%m-%d").ok(),
            price: price.get_untracked(),
            expected_version: version,
        };
        // The same checks the server runs, before the round trip.
        if let Err(e) = draft.validate() {
            error.set(Some(e));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match enrol_lead(draft).await {
                Ok(lead) => {
                    on_done.try_run(lead);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let other_error = move || match error.get() {
        Some(AppError::Validation { field, .. }) if ["group_id", "contract_number", "signed_on", "price"].contains(&field.as_str()) => None,
        Some(e) => Some(view! { <ErrorMessage error=e /> }),
        None => None,
    };
    if let Some(blocked) = options.blocked {
        let text = match blocked {
            domain::error::Invalid::Required => t_string!(i18n, groups.needs_category).to_string(),
            other => reason_text(i18n, other),
        };
        return view! {
            <p class="error" role="alert" data-testid="enrol-blocked">{text}</p>
            <div class="dialog-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, reason.cancel)}
                </button>
            </div>
        }
        .into_any();
    }
    view! {
        <form class="enrol-form" novalidate on:submit=submit>
            <p class="muted">{options.lead_name.clone()}</p>
            <fieldset class="groups-choice" role="radiogroup">
                <legend>{t!(i18n, groups.group)}</legend>
                {if options.groups.is_empty() {
                    view! { <p class="muted" data-testid="no-groups">{t!(i18n, groups.no_fitting)}</p> }.into_any()
                } else {
                    options
                        .groups
                        .iter()
                        .map(|g| {
                            let id = g.group.id;
                            let left = g.group.seats_left();
                            let start = format::date(g.group.start_date, locale);
                            let branch = g.branch.clone().map(|b| format!(" · {b}")).unwrap_or_default();
                            view! {
                                <label class="choice" class:full=left == 0 data-testid="group-choice">
                                    <input
                                        type="radio"
                                        name="group"
                                        value=id
                                        disabled=left == 0
                                        prop:checked=move || group.get() == Some(id)
                                        on:change=move |_| group.set(Some(id))
                                    />
                                    <span>
                                        <strong>{g.group.name.clone()}</strong>
                                        " · "
                                        {start}
                                        {branch}
                                        " · "
                                        {if left == 0 {
                                            t_string!(i18n, groups.full).to_string()
                                        } else {
                                            format!("{} {left}", t_string!(i18n, groups.seats_left))
                                        }}
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
                {field_error(i18n, error, "group_id")}
            </fieldset>
            <label class="field">
                <span>{t!(i18n, groups.contract_number)}</span>
                <input type="text" name="contract-number" maxlength="40" prop:value=number on:input=move |ev| number.set(event_target_value(&ev)) />
                {field_error(i18n, error, "contract_number")}
            </label>
            <label class="field">
                <span>{t!(i18n, groups.signed_on)}</span>
                <input type="date" name="signed-on" prop:value=signed_on on:input=move |ev| signed_on.set(event_target_value(&ev)) />
                {field_error(i18n, error, "signed_on")}
            </label>
            <label class="field">
                <span>{t!(i18n, groups.price)}</span>
                <input type="text" name="price" inputmode="decimal" placeholder="45 000" prop:value=price on:input=move |ev| price.set(event_target_value(&ev)) />
                {field_error(i18n, error, "price")}
            </label>
            {other_error}
            <div class="dialog-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, reason.cancel)}
                </button>
                <button type="submit" class="primary" disabled=busy data-testid="confirm-enrol">
                    {t!(i18n, groups.enrol)}
                </button>
            </div>
        </form>
    }
    .into_any()
}
