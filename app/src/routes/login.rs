//! The sign-in page. Inputs are named `login` and `password`; the form works without JavaScript.

use crate::api::session::{session_info, SignIn};
use crate::components::errors::ErrorMessage;
use crate::components::hydration::HydrationMark;
use crate::i18n::*;
use crate::wire::page_resource;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = page_resource(|| (), |_| session_info());
    let action = ServerAction::<SignIn>::new();
    let pending = action.pending();
    // The page switches to the person's own language as they sign in.
    Effect::new(move |_| {
        if let Some(Ok(lang)) = action.value().get() {
            i18n.set_locale(crate::components::header::locale_of(lang));
        }
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if !info.set_up => view! { <Redirect path="/setup" /> }.into_any(),
                    Ok(info) if info.user.is_some() => view! { <Redirect path="/" /> }.into_any(),
                    Ok(_) => {
                        view! {
                            <main class="auth">
                                <HydrationMark />
                                <h1 class="auth-brand">
                                    <span class="brand-mark" aria-hidden="true">"▼"</span>
                                    {t!(i18n, app.name)}
                                </h1>
                                <p class="muted">{t!(i18n, app.tagline)}</p>
                                <ActionForm action attr:class="form">
                                    <h2>{t!(i18n, login.title)}</h2>
                                    <label>
                                        <span>{t!(i18n, login.login)}</span>
                                        <input name="login" autocomplete="username" autocapitalize="none" required />
                                    </label>
                                    <label>
                                        <span>{t!(i18n, login.password)}</span>
                                        <input type="password" name="password" autocomplete="current-password" required />
                                    </label>
                                    {move || {
                                        action.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e /> })
                                    }}
                                    <button type="submit" class="primary" disabled=pending>
                                        {move || if pending.get() { t_string!(i18n, login.signing_in) } else { t_string!(i18n, login.submit) }}
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
