//! The five dictionaries: add, rename, switch on and off, reorder (the first channel is the
//! default for new leads); tags are merged instead of ordered.

use super::{form_error, moved, Sender};
use crate::api::settings::{SettingsChange, SettingsView};
use crate::i18n::*;
use domain::config::DictionaryChange;
use domain::dictionary::{DictionaryEntry, DictionaryKind};
use domain::{AppError, Id};
use leptos::prelude::*;

#[component]
pub fn DictionaryPage(view: SettingsView, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let d = view.dictionaries;
    view! {
        <div class="settings-grid" data-testid="dictionaries-settings">
            <Dictionary kind=DictionaryKind::Branch title=t!(i18n, dict.branches).into_any() entries=d.branches sender />
            <Dictionary kind=DictionaryKind::Category title=t!(i18n, dict.categories).into_any() entries=d.categories sender />
            <Dictionary kind=DictionaryKind::Channel title=t!(i18n, dict.channels).into_any() entries=d.channels sender />
            <Dictionary kind=DictionaryKind::ContactSource title=t!(i18n, dict.sources).into_any() entries=d.contact_sources sender />
            <Dictionary kind=DictionaryKind::Tag title=t!(i18n, dict.tags).into_any() entries=d.tags sender />
        </div>
    }
}

#[component]
fn Dictionary(kind: DictionaryKind, title: AnyView, entries: Vec<DictionaryEntry>, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let send = move |change: DictionaryChange| sender.send(SettingsChange::Dictionary(change), error);
    let ids = StoredValue::new(entries.iter().map(|e| e.id).collect::<Vec<_>>());
    let all = StoredValue::new(entries.iter().map(|e| (e.id, e.name.clone())).collect::<Vec<_>>());
    let new_name = RwSignal::new(String::new());
    let is_tag = kind == DictionaryKind::Tag;
    let first_active = entries.iter().find(|e| e.active).map(|e| e.id);
    let empty = entries.is_empty();
    let row = move |entry: DictionaryEntry| {
        let id = entry.id;
        let name = RwSignal::new(entry.name.clone());
        let merge_into = RwSignal::new(None::<Id>);
        let active = entry.active;
        view! {
            <li class="dict-row" class:retired=!active data-testid="dict-row" data-name=entry.name.clone()>
                <form
                    class="inline-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        send(DictionaryChange::Rename { kind, id, name: name.get_untracked() });
                    }
                >
                    <input type="text" name="entry-name" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <button type="submit" class="link-button">{t!(i18n, settings.save)}</button>
                </form>
                {(kind == DictionaryKind::Channel && Some(id) == first_active).then(|| view! { <span class="badge">{t!(i18n, dict.default)}</span> })}
                {(!is_tag)
                    .then(|| {
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=active on:change=move |ev| send(DictionaryChange::SetActive { kind, id, active: event_target_checked(&ev) }) />
                                {t!(i18n, dict.active)}
                            </label>
                            <button type="button" class="icon-button" aria-label=move || t_string!(i18n, settings.up) on:click=move |_| {
                                if let Some(ids) = ids.with_value(|o| moved(o, id, -1)) {
                                    send(DictionaryChange::Reorder { kind, ids });
                                }
                            }>"▲"</button>
                            <button type="button" class="icon-button" aria-label=move || t_string!(i18n, settings.down) on:click=move |_| {
                                if let Some(ids) = ids.with_value(|o| moved(o, id, 1)) {
                                    send(DictionaryChange::Reorder { kind, ids });
                                }
                            }>"▼"</button>
                        }
                    })}
                {is_tag
                    .then(|| {
                        view! {
                            <form
                                class="inline-form"
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    if let Some(into) = merge_into.get_untracked() {
                                        send(DictionaryChange::MergeTags { from: id, into });
                                    }
                                }
                            >
                                <select name="merge-into" aria-label=move || t_string!(i18n, dict.merge_into) on:change=move |ev| merge_into.set(event_target_value(&ev).parse().ok())>
                                    <option value="">{t!(i18n, dict.merge_into)}</option>
                                    {all.get_value().into_iter().filter(|(o, _)| *o != id).map(|(o, n)| view! { <option value=o>{n}</option> }).collect_view()}
                                </select>
                                <button type="submit" class="link-button" disabled=move || merge_into.get().is_none()>{t!(i18n, dict.merge)}</button>
                            </form>
                        }
                    })}
            </li>
        }
    };
    view! {
        <section class="settings-block" data-testid=format!("dict-{kind:?}")>
            <h2>{title}</h2>
            {empty.then(|| view! { <p class="muted">{t!(i18n, dict.empty)}</p> })}
            <ul class="dict-rows">{entries.into_iter().map(row).collect_view()}</ul>
            <form
                class="inline-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    send(DictionaryChange::Add { kind, name: new_name.get_untracked() });
                }
            >
                <input type="text" name="new-entry" maxlength="80" placeholder=move || t_string!(i18n, dict.new_value) prop:value=new_name on:input=move |ev| new_name.set(event_target_value(&ev)) />
                <button type="submit" class="secondary">{t!(i18n, dict.add)}</button>
            </form>
            {form_error(error)}
        </section>
    }
}
