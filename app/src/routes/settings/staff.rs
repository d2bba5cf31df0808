//! Staff (owner): a new user; per user role, branch, language, password reset and the active
//! flag, switching off with the hand-over of their leads and open tasks.

use super::{form_error, Sender};
use crate::api::settings::{SettingsChange, SettingsView};
use crate::components::header::role_name;
use crate::i18n::*;
use domain::config::{StaffMember, UserChange};
use domain::dictionary::DictionaryEntry;
use domain::user::{Lang, NewUser, Role};
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

fn lang_name(i18n: I18nContext<Locale>, lang: Lang) -> String {
    match lang {
        Lang::Ru => t_string!(i18n, lang.ru),
        Lang::En => t_string!(i18n, lang.en),
    }
    .to_string()
}

#[component]
pub fn Staff(view: SettingsView, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let staff = view.staff.unwrap_or_default();
    let active: Vec<(Id, String)> = staff.iter().filter(|m| m.user.active).map(|m| (m.user.id, m.user.display_name.clone())).collect();
    let branches = view.dictionaries.branches;
    let me = view.me;
    view! {
        <section class="settings-block" data-testid="staff-settings">
            <ul class="staff-rows">
                {staff
                    .into_iter()
                    .map(|member| view! { <Member member me active=active.clone() branches=branches.clone() sender /> })
                    .collect_view()}
            </ul>
        </section>
        <section class="settings-block">
            <h2>{t!(i18n, staff.add)}</h2>
            <NewMember sender />
        </section>
    }
}

#[component]
fn Member(member: StaffMember, me: Id, active: Vec<(Id, String)>, branches: Vec<DictionaryEntry>, sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let user = member.user.clone();
    let id = user.id;
    let error = RwSignal::new(None::<AppError>);
    let send = move |change: UserChange| sender.send(SettingsChange::User(change), error);
    let password = RwSignal::new(String::new());
    let reassign = RwSignal::new(None::<Id>);
    let has_work = member.leads > 0 || member.open_tasks > 0;
    let heirs: Vec<(Id, String)> = active.into_iter().filter(|(o, _)| *o != id).collect();
    view! {
        <li class="staff-row" class:retired=!user.active data-testid="staff-row" data-login=user.login.clone()>
            <div class="staff-head">
                <strong>{user.display_name.clone()}</strong>
                <span class="muted">{user.login.clone()}</span>
                {(id == me).then(|| view! { <span class="badge">{t!(i18n, staff.you)}</span> })}
                <span class="muted">
                    {t!(i18n, staff.leads)} ": " {member.leads} ", " {t!(i18n, staff.tasks)} ": " {member.open_tasks}
                </span>
            </div>
            <div class="staff-fields">
                <label class="field">
                    <span>{t!(i18n, staff.role)}</span>
                    <select name="role" on:change=move |ev| {
                        if let Some(role) = Role::parse(&event_target_value(&ev)) {
                            send(UserChange::SetRole { id, role });
                        }
                    }>
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == user.role>{move || role_name(i18n, r)}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, staff.branch)}</span>
                    <select name="branch" on:change=move |ev| send(UserChange::SetBranch { id, branch_id: event_target_value(&ev).parse().ok() })>
                        <option value="">{t!(i18n, staff.all_branches)}</option>
                        {branches.iter().map(|b| view! { <option value=b.id selected=Some(b.id) == member.branch_id>{b.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, staff.language)}</span>
                    <select name="language" data-testid="user-language" on:change=move |ev| {
                        if let Some(lang) = Lang::parse(&event_target_value(&ev)) {
                            send(UserChange::SetLanguage { id, lang });
                        }
                    }>
                        {[Lang::Ru, Lang::En].into_iter().map(|l| view! { <option value=l.as_str() selected=l == user.lang>{move || lang_name(i18n, l)}</option> }).collect_view()}
                    </select>
                </label>
                <form
                    class="inline-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        send(UserChange::ResetPassword { id, password: password.get_untracked() });
                        password.set(String::new());
                    }
                >
                    <input type="password" name="new-password" autocomplete="new-password" placeholder=move || t_string!(i18n, staff.new_password) prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                    <button type="submit" class="link-button">{t!(i18n, staff.set_password)}</button>
                </form>
            </div>
            <div class="staff-fields">
                {if user.active {
                    view! {
                        {has_work
                            .then(|| {
                                view! {
                                    <label class="field">
                                        <span>{t!(i18n, staff.reassign)}</span>
                                        <select name="reassign" on:change=move |ev| reassign.set(event_target_value(&ev).parse().ok())>
                                            <option value="">{t!(i18n, staff.keep)}</option>
                                            {heirs.iter().map(|(o, n)| view! { <option value=*o>{n.clone()}</option> }).collect_view()}
                                        </select>
                                    </label>
                                }
                            })}
                        <button
                            type="button"
                            class="secondary"
                            data-testid="deactivate"
                            on:click=move |_| send(UserChange::SetActive { id, active: false, reassign_to: reassign.get_untracked() })
                        >
                            {t!(i18n, staff.deactivate)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <span class="badge">{t!(i18n, staff.inactive)}</span>
                        <button type="button" class="secondary" on:click=move |_| send(UserChange::SetActive { id, active: true, reassign_to: None })>
                            {t!(i18n, staff.activate)}
                        </button>
                    }
                        .into_any()
                }}
            </div>
            {form_error(error)}
        </li>
    }
}

#[component]
fn NewMember(sender: Sender) -> impl IntoView {
    let i18n = use_i18n();
    let login = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Sales);
    let lang = RwSignal::new(Lang::Ru);
    let error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewUser {
            login: login.get_untracked(),
            display_name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
            lang: lang.get_untracked(),
        };
        sender.send(SettingsChange::User(UserChange::Create(new)), error);
    };
    view! {
        <form class="form-grid" novalidate on:submit=submit data-testid="new-user">
            <label class="field">
                <span>{t!(i18n, staff.login)}</span>
                <input type="text" name="new-login" autocomplete="off" prop:value=login on:input=move |ev| login.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, staff.name)}</span>
                <input type="text" name="new-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, staff.password)}</span>
                <input type="password" name="new-user-password" autocomplete="new-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, staff.role)}</span>
                <select name="new-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Sales))>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{move || role_name(i18n, r)}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, staff.language)}</span>
                <select name="new-language" on:change=move |ev| lang.set(Lang::parse(&event_target_value(&ev)).unwrap_or_default())>
                    {[Lang::Ru, Lang::En].into_iter().map(|l| view! { <option value=l.as_str()>{move || lang_name(i18n, l)}</option> }).collect_view()}
                </select>
            </label>
            <div class="form-actions field wide">
                <button type="submit" class="primary" data-testid="create-user">{t!(i18n, staff.create)}</button>
            </div>
            <div class="field wide">{form_error(error)}</div>
        </form>
    }
}
