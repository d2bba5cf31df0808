//! Integration API tokens (owner and director): the list with scopes and last use, a form that
//! creates one and shows its secret once, and revoking. The server checks the role again.

use crate::api::tokens::{api_tokens, create_api_token, revoke_api_token, TokensPage};
use crate::components::errors::field_error;
use crate::components::format;
use crate::components::page::loaded;
use crate::components::toast::Toasts;
use crate::i18n::*;
use crate::routes::settings::{SettingsTabs, Tab};
use crate::routes::signed_in::SignedIn;
use crate::wire::page_resource;
use domain::api::Scope;
use domain::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page's resource lives outside the sign-in gate (see `routes::board::BoardPage`).
#[component]
pub fn TokensRoute() -> impl IntoView {
    let reloads = RwSignal::new(0_u32);
    let page = page_resource(move || reloads.get(), |_| api_tokens());
    // Outside the page's view, which the reload after creating a token redraws.
    let secret = RwSignal::new(None::<String>);
    view! {
        <SignedIn>
            <main class="page settings-page">
                {loaded(page, move |p| view! { <Tokens page=p reloads secret /> }.into_any())}
            </main>
        </SignedIn>
    }
}

#[component]
fn Tokens(page: TokensPage, reloads: RwSignal<u32>, secret: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    let locale = i18n.get_locale_untracked();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Scope::LeadsWrite]);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match create_api_token(name.get_untracked(), chosen.get_untracked()).await {
                Ok(s) => {
                    error.set(None);
                    name.set(String::new());
                    secret.set(Some(s));
                    reloads.update(|n| *n += 1);
                }
                Err(e @ AppError::Validation { .. }) => error.set(Some(e)),
                Err(e) => toasts.push(e),
            }
            busy.set(false);
        });
    };
    let select_all = |ev: leptos::ev::FocusEvent| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        input.select();
    };
    let revoke = move |id| {
        spawn_local(async move {
            match revoke_api_token(id).await {
                Ok(()) => reloads.update(|n| *n += 1),
                Err(e) => toasts.push(e),
            }
        });
    };
    view! {
        <h1>{t!(i18n, settings.title)}</h1>
        <SettingsTabs current=Tab::Tokens role=page.my_role />
        <section class="settings-block" data-testid="tokens">
            <h2>{t!(i18n, tokens.title)}</h2>
            <p class="muted">
                {t!(i18n, tokens.intro)} " " <a href="/api/v1/docs">{t!(i18n, tokens.docs)}</a>
            </p>
            <form class="form-grid" novalidate on:submit=submit>
                <label class="field">
                    <span>{t!(i18n, tokens.name)}</span>
                    <input type="text" name="token-name" maxlength="100" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    {field_error(i18n, error, "name")}
                </label>
                <fieldset class="field scopes">
                    <legend>{t!(i18n, tokens.scopes)}</legend>
                    {Scope::ALL
                        .into_iter()
                        .map(|scope| {
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        name="token-scope"
                                        value=scope.as_str()
                                        prop:checked=move || chosen.with(|c| c.contains(&scope))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                c.retain(|s| *s != scope);
                                                if on {
                                                    c.push(scope);
                                                }
                                            });
                                        }
                                    />
                                    <code>{scope.as_str()}</code>
                                </label>
                            }
                        })
                        .collect_view()}
                    {field_error(i18n, error, "scopes")}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=busy data-testid="create-token">
                        {t!(i18n, tokens.create)}
                    </button>
                </div>
            </form>
            {move || {
                secret
                    .get()
                    .map(|s| {
                        view! {
                            <div class="token-secret" role="status">
                                <p>{t!(i18n, tokens.shown_once)}</p>
                                <input type="text" readonly value=s data-testid="token-secret" on:focus=select_all />
                            </div>
                        }
                    })
            }}
            <div class="scroll-x">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th>{t!(i18n, tokens.name)}</th>
                            <th>{t!(i18n, tokens.scopes)}</th>
                            <th>{t!(i18n, tokens.created)}</th>
                            <th>{t!(i18n, tokens.last_used)}</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        {page
                            .tokens
                            .into_iter()
                            .map(|tok| {
                                let id = tok.id;
                                view! {
                                    <tr class:muted=tok.revoked data-testid="token-row">
                                        <td>{tok.name.clone()}</td>
                                        <td>{Scope::join(&tok.scopes)}</td>
                                        <td>{format::date(tok.created_at.date_naive(), locale)} " · " {tok.created_by.clone().unwrap_or_default()}</td>
                                        <td>{tok.last_used_at.map(|d| format::date(d.date_naive(), locale)).unwrap_or_else(|| "—".into())}</td>
                                        <td>
                                            {if tok.revoked {
                                                view! { <span>{t!(i18n, tokens.revoked)}</span> }.into_any()
                                            } else {
                                                view! {
                                                    <button type="button" class="link-button" on:click=move |_| revoke(id)>
                                                        {t!(i18n, tokens.revoke)}
                                                    </button>
                                                }
                                                    .into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
