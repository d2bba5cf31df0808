//! The time zone field, shared by the first-run set-up and the school's settings: free text (any
//! IANA name the server knows) with Russia's zones offered first.

use leptos::prelude::*;

/// Russia's zones first (the schools are there), then a few neighbours'.
pub const ZONES: [&str; 14] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Asia/Almaty",
];

/// `<input name="timezone">` bound to `value`, with the zones as suggestions.
#[component]
pub fn TimezoneInput(value: RwSignal<String>, placeholder: Signal<String>) -> impl IntoView {
    view! {
        <input
            type="text"
            name="timezone"
            list="zones"
            autocomplete="off"
            autocapitalize="none"
            placeholder=placeholder
            prop:value=value
            on:input=move |ev| value.set(event_target_value(&ev))
        />
        <datalist id="zones">{ZONES.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist>
    }
}
