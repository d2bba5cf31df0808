//! The one-time set-up form, shown while no user exists.

use crate::api::session::{session_info, SetUp};
use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::components::timezone::TimezoneInput;
use crate::i18n::*;
use crate::wire::page_resource;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = page_resource(|| (), |_| session_info());
    let action = ServerAction::<SetUp>::new();
    let pending = action.pending();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if info.set_up => view! { <Redirect path="/login" /> }.into_any(),
                    Ok(_) => {
                        view! {
                            <main class="auth">
                                <HydrationMark />
                                <h1 class="auth-brand">
                                    <span class="brand-mark" aria-hidden="true">"▼"</span>
                                    {t!(i18n, setup.title)}
                                </h1>
                                <p class="muted">{t!(i18n, setup.intro)}</p>
                                <ActionForm action attr:class="form">
                                    <label>
                                        <span>{t!(i18n, setup.school_name)}</span>
                                        <input name="school_name" required maxlength="200" />
                                    </label>
                                    <label>
                                        <span>{t!(i18n, setup.owner_name)}</span>
                                        <input name="owner_name" required maxlength="100" autocomplete="name" />
                                    </label>
                                    <label>
                                        <span>{t!(i18n, setup.owner_login)}</span>
                                        <input name="owner_login" required autocomplete="username" autocapitalize="none" />
                                    </label>
                                    <label>
                                        <span>{t!(i18n, setup.owner_password)}</span>
                                        <input type="password" name="owner_password" required minlength="8" autocomplete="new-password" />
                                    </label>
                                    <label>
                                        <span>{t!(i18n, field.timezone)}</span>
                                        <TimezoneInput
                                            value=RwSignal::new(domain::settings::default_timezone())
                                            placeholder=Signal::derive(move || t_string!(i18n, school.timezone_hint).to_string())
                                        />
                                    </label>
                                    <fieldset>
                                        <legend>{t!(i18n, setup.preset)}</legend>
                                        <label class="choice">
                                            <input type="radio" name="preset" value="driving_school_full" checked />
                                            <span>{t!(i18n, setup.preset_full)}</span>
                                        </label>
                                        <label class="choice">
                                            <input type="radio" name="preset" value="simple" />
                                            <span>{t!(i18n, setup.preset_simple)}</span>
                                        </label>
                                    </fieldset>
                                    {move || {
                                        action.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e /> })
                                    }}
                                    <button type="submit" class="primary" disabled=pending>
                                        {move || if pending.get() { t_string!(i18n, setup.saving) } else { t_string!(i18n, setup.submit) }}
                                    </button>
                                </ActionForm>
                            </main>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <main class="auth"><ErrorMessage error=e /></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
