//! Training groups (deputy and above): the list with seats taken and left, and a form that adds a
//! group or changes one. The server refuses anyone else and checks every field again.

use crate::api::groups::{load_groups, save_group, GroupsPage};
use crate::components::errors::field_error;
use crate::components::format;
use crate::components::page::loaded;
use crate::components::toast::Toasts;
use crate::i18n::*;
use crate::routes::settings::{SettingsTabs, Tab};
use crate::routes::signed_in::SignedIn;
use crate::wire::page_resource;
use domain::group::{GroupDraft, GroupRow, GroupStatus};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn GroupsRoute() -> impl IntoView {
    let reloads = RwSignal::new(0_u32);
    let page = page_resource(move || reloads.get(), |_| load_groups());
    view! {
        <SignedIn>
            <main class="page settings-page">
                {loaded(page, move |p| view! { <Groups page=p reloads /> }.into_any())}
            </main>
        </SignedIn>
    }
}

pub fn status_name(i18n: I18nContext<Locale>, status: GroupStatus) -> String {
    match status {
        GroupStatus::Recruiting => t_string!(i18n, groups.recruiting),
        GroupStatus::Started => t_string!(i18n, groups.started),
        GroupStatus::Finished => t_string!(i18n, groups.finished),
    }
    .to_string()
}

fn draft_of(row: &GroupRow) -> GroupDraft {
    let g = &row.group;
    GroupDraft {
        id: Some(g.id),
        name: g.name.clone(),
        category_id: Some(g.category_id),
        branch_id: g.branch_id,
        start_date: Some(g.start_date),
        capacity: g.capacity,
        status: g.status,
    }
}

#[component]
fn Groups(page: GroupsPage, reloads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let editing = RwSignal::new(None::<GroupDraft>);
    let blank = GroupDraft {
        id: None,
        name: String::new(),
        category_id: page.categories.iter().find(|c| c.active).map(|c| c.id),
        branch_id: None,
        start_date: None,
        capacity: 20,
        status: GroupStatus::Recruiting,
    };
    let form_page = StoredValue::new(page.clone());
    let blank_for_button = blank.clone();
    view! {
        <h1>{t!(i18n, settings.title)}</h1>
        <SettingsTabs current=Tab::Groups role=page.my_role />
        <section class="settings-block" data-testid="groups">
            <header class="section-head">
                <h2>{t!(i18n, groups.title)}</h2>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(blank_for_button.clone())) data-testid="add-group">
                    {t!(i18n, groups.add)}
                </button>
            </header>
            {move || {
                editing
                    .get()
                    .map(|draft| {
                        view! {
                            <GroupForm
                                draft
                                page=form_page.get_value()
                                on_saved=Callback::new(move |_| {
                                    editing.set(None);
                                    reloads.update(|n| *n += 1);
                                })
                                on_cancel=Callback::new(move |_| editing.set(None))
                            />
                        }
                    })
            }}
            {if page.groups.is_empty() {
                view! { <p class="muted">{t!(i18n, groups.none)}</p> }.into_any()
            } else {
                view! {
                    <div class="scroll-x">
                        <table class="data-table groups-table">
                            <thead>
                                <tr>
                                    <th>{t!(i18n, groups.name)}</th>
                                    <th>{t!(i18n, lead.category)}</th>
                                    <th>{t!(i18n, lead.branch)}</th>
                                    <th>{t!(i18n, groups.start)}</th>
                                    <th class="num">{t!(i18n, groups.capacity)}</th>
                                    <th class="num">{t!(i18n, groups.taken)}</th>
                                    <th class="num">{t!(i18n, groups.left)}</th>
                                    <th>{t!(i18n, groups.status)}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {page
                                    .groups
                                    .into_iter()
                                    .map(|row| {
                                        let draft = draft_of(&row);
                                        let g = row.group.clone();
                                        view! {
                                            <tr data-testid="group-row" class:full=g.seats_left() == 0>
                                                <td>{g.name.clone()}</td>
                                                <td>{row.category.clone()}</td>
                                                <td>{row.branch.clone().unwrap_or_default()}</td>
                                                <td>{format::date(g.start_date, locale)}</td>
                                                <td class="num">{g.capacity}</td>
                                                <td class="num">{g.seats_taken}</td>
                                                <td class="num">{g.seats_left()}</td>
                                                <td>{status_name(i18n, g.status)}</td>
                                                <td>
                                                    <button type="button" class="link-button" on:click=move |_| editing.set(Some(draft.clone()))>
                                                        {t!(i18n, groups.edit)}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn GroupForm(draft: GroupDraft, page: GroupsPage, on_saved: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let id = draft.id;
    let name = RwSignal::new(draft.name.clone());
    let category = RwSignal::new(draft.category_id);
    let branch = RwSignal::new(draft.branch_id);
    let start = RwSignal::new(draft.start_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default());
    let capacity = RwSignal::new(draft.capacity.to_string());
    let status = RwSignal::new(draft.status);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(cap) = capacity.get_untracked().trim().parse::<i32>() else {
            error.set(Some(AppError::invalid("capacity", domain::error::Invalid::OutOfRange)));
            return;
        };
        let draft = GroupDraft {
            id,
            name: name.get_untracked(),
            category_id: category.get_untracked(),
            branch_id: branch.get_untracked(),
            start_date: chrono::NaiveDate::parse_from_str(&start.get_untracked(), "%Y-%m-%d").ok(),
            capacity: cap,
            status: status.get_untracked(),
        };
        if let Err(e) = draft.validate() {
            error.set(Some(e));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match save_group(draft).await {
                Ok(_) => {
                    on_saved.try_run(());
                }
                Err(e @ AppError::Validation { .. }) => error.set(Some(e)),
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    let parse_id = |v: String| v.parse::<Id>().ok();
    view! {
        <form class="form-grid group-form" novalidate on:submit=submit data-testid="group-form">
            <label class="field">
                <span>{t!(i18n, groups.name)}</span>
                <input type="text" name="group-name" maxlength="100" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                {field_error(i18n, error, "name")}
            </label>
            <label class="field">
                <span>{t!(i18n, lead.category)}</span>
                <select name="group-category" on:change=move |ev| category.set(parse_id(event_target_value(&ev)))>
                    {page
                        .categories
                        .iter()
                        .filter(|c| c.active || Some(c.id) == draft.category_id)
                        .map(|c| {
                            let cid = c.id;
                            view! { <option value=cid selected=move || category.get() == Some(cid)>{c.name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                {field_error(i18n, error, "category_id")}
            </label>
            <label class="field">
                <span>{t!(i18n, lead.branch)}</span>
                <select name="group-branch" on:change=move |ev| branch.set(parse_id(event_target_value(&ev)))>
                    <option value="" selected=move || branch.get().is_none()>{t!(i18n, staff.all_branches)}</option>
                    {page
                        .branches
                        .iter()
                        .filter(|b| b.active || Some(b.id) == draft.branch_id)
                        .map(|b| {
                            let bid = b.id;
                            view! { <option value=bid selected=move || branch.get() == Some(bid)>{b.name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                {field_error(i18n, error, "branch_id")}
            </label>
            <label class="field">
                <span>{t!(i18n, groups.start)}</span>
                <input type="date" name="group-start" prop:value=start on:input=move |ev| start.set(event_target_value(&ev)) />
                {field_error(i18n, error, "start_date")}
            </label>
            <label class="field">
                <span>{t!(i18n, groups.capacity)}</span>
                <input type="number" name="group-capacity" min="1" max="500" prop:value=capacity on:input=move |ev| capacity.set(event_target_value(&ev)) />
                {field_error(i18n, error, "capacity")}
            </label>
            <label class="field">
                <span>{t!(i18n, groups.status)}</span>
                <select name="group-status" on:change=move |ev| status.set(GroupStatus::parse(&event_target_value(&ev)).unwrap_or(GroupStatus::Recruiting))>
                    {GroupStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=move || status.get() == s>{status_name(i18n, s)}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, settings.cancel)}
                </button>
                <button type="submit" class="primary" disabled=busy data-testid="save-group">
                    {t!(i18n, settings.save)}
                </button>
            </div>
        </form>
    }
}
