//! The settings pages, one per tab: stages, dictionaries, staff and the school (and automation,
//! in `routes::automation`). Deputy and above see the first two; the owner all of them. The
//! server refuses anyone else, whatever the page shows.

mod dictionaries;
mod school;
mod staff;
mod stages;

use crate::api::settings::{change_settings, load_settings, SettingsChange, SettingsView};
use crate::components::errors::{reason_text, ErrorMessage};
use crate::components::hydration::HydrationMark;
use crate::components::toast::Toasts;
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::{page_resource, PageResource};
use domain::user::Role;
use domain::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, A};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Stages,
    Dictionaries,
    Staff,
    School,
    Automation,
    Groups,
    Tokens,
}

/// The tabs, with the owner's ones only for the owner.
#[component]
pub fn SettingsTabs(current: Tab, role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let owner = role == Role::Owner;
    let tab = move |tab: Tab, href: &'static str, label: AnyView| {
        view! {
            <A href=href attr:class="tab" attr:aria-current=(current == tab).then_some("page")>
                {label}
            </A>
        }
    };
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, settings.title)>
            {tab(Tab::Stages, "/settings/stages", t!(i18n, settings.stages).into_any())}
            {tab(Tab::Dictionaries, "/settings/dictionaries", t!(i18n, settings.dictionaries).into_any())}
            {owner.then(|| tab(Tab::Staff, "/settings/users", t!(i18n, settings.users).into_any()))}
            {owner.then(|| tab(Tab::School, "/settings/school", t!(i18n, settings.school).into_any()))}
            {tab(Tab::Automation, "/settings/automation", t!(i18n, settings.automation).into_any())}
            {tab(Tab::Groups, "/settings/groups", t!(i18n, groups.title).into_any())}
            {matches!(role, Role::Owner | Role::Director).then(|| tab(Tab::Tokens, "/settings/api", t!(i18n, tokens.tab).into_any()))}
            <A href="/import" attr:class="tab" attr:data-testid="import-tab">
                {t!(i18n, settings.import)}
            </A>
        </nav>
    }
}

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn SettingsRoute(tab: Tab) -> impl IntoView {
    let reloads = RwSignal::new(0_u32);
    let page = page_resource(move || reloads.get(), |_| load_settings());
    view! {
        <SignedIn>
            <main class="page settings-page">
                <SettingsScreen page reloads tab />
            </main>
        </SignedIn>
    }
}

#[component]
fn SettingsScreen(page: PageResource<SettingsView>, reloads: RwSignal<u32>, tab: Tab) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => {
                        let sender = Sender { reloads, toasts: expect_context::<Toasts>() };
                        let body = match tab {
                            Tab::Stages => view! { <stages::Stages view=view.clone() sender /> }.into_any(),
                            Tab::Dictionaries => view! { <dictionaries::DictionaryPage view=view.clone() sender /> }.into_any(),
                            Tab::Staff => view! { <staff::Staff view=view.clone() sender /> }.into_any(),
                            Tab::School => view! { <school::School view=view.clone() sender /> }.into_any(),
                            Tab::Automation | Tab::Groups | Tab::Tokens => ().into_any(),
                        };
                        view! {
                            <HydrationMark />
                            <h1>{t!(i18n, settings.title)}</h1>
                            <SettingsTabs current=tab role=view.my_role />
                            {body}
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(e) => view! { <HydrationMark /> <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Sends one change and reloads the page; a validation error goes to the form's own signal, any
/// other error to a toast.
#[derive(Clone, Copy)]
pub struct Sender {
    reloads: RwSignal<u32>,
    toasts: Toasts,
}

impl Sender {
    pub fn send(self, change: SettingsChange, error: RwSignal<Option<AppError>>) {
        spawn_local(async move {
            match change_settings(change).await {
                Ok(()) => {
                    error.try_set(None);
                    self.toasts.saved();
                    self.reloads.update(|n| *n += 1);
                }
                Err(e @ AppError::Validation { .. }) => {
                    error.try_set(Some(e));
                }
                Err(e) => {
                    self.toasts.push(e);
                    self.reloads.update(|n| *n += 1);
                }
            }
        });
    }
}

/// A form's validation message, under the form.
pub fn form_error(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| match e {
            AppError::Validation { field, reason } => view! {
                <p class="field-error" role="alert">
                    {crate::components::errors::field_name(i18n, &field)}
                    ": "
                    {reason_text(i18n, reason)}
                </p>
            }
            .into_any(),
            other => view! { <ErrorMessage error=other /> }.into_any(),
        })
    }
}

/// Moves `id` one place up (`-1`) or down (`1`) in `ids`; `None` at either end.
pub fn moved(ids: &[domain::Id], id: domain::Id, by: isize) -> Option<Vec<domain::Id>> {
    let at = ids.iter().position(|x| *x == id)?;
    let to = at.checked_add_signed(by).filter(|to| *to < ids.len())?;
    let mut out = ids.to_vec();
    out.swap(at, to);
    Some(out)
}

/// Moves `id` to where `onto` is (drag and drop).
pub fn dropped(ids: &[domain::Id], id: domain::Id, onto: domain::Id) -> Option<Vec<domain::Id>> {
    let from = ids.iter().position(|x| *x == id)?;
    let to = ids.iter().position(|x| *x == onto)?;
    if from == to {
        return None;
    }
    let mut out = ids.to_vec();
    let item = out.remove(from);
    out.insert(to, item);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reordering() {
        assert_eq!(moved(&[1, 2, 3], 2, -1), Some(vec![2, 1, 3]));
        assert_eq!(moved(&[1, 2, 3], 3, 1), None);
        assert_eq!(moved(&[1, 2, 3], 1, -1), None);
        assert_eq!(dropped(&[1, 2, 3, 4], 1, 3), Some(vec![2, 3, 1, 4]));
        assert_eq!(dropped(&[1, 2, 3, 4], 4, 1), Some(vec![4, 1, 2, 3]));
        assert_eq!(dropped(&[1, 2], 2, 2), None);
    }
}
