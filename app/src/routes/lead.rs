//! A lead, read-only for now (the lead card comes with its own issue).

use crate::api::lead::lead_details;
use crate::api::session::session_info;
use crate::components::errors::ErrorMessage;
use crate::components::format;
use crate::components::header::AppHeader;
use crate::components::hydration::HydrationMark;
use crate::i18n::*;
use domain::phone::Phone;
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

#[component]
pub fn LeadPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| session_info());
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let lead = Resource::new(id, |id| async move {
        match id {
            Some(id) => lead_details(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let info = match info.await {
                    Ok(info) => info,
                    Err(e) => return view! { <ErrorMessage error=e /> }.into_any(),
                };
                let Some(user) = info.user else { return view! { <Redirect path="/login" /> }.into_any() };
                let body = match lead.await {
                    Ok(v) => {
                        let l = v.lead.clone();
                        let phone = |p: &Option<Phone>| p.as_ref().map(Phone::display);
                        let rows: Vec<(AnyView, Option<String>)> = vec![
                            (t!(i18n, lead.stage).into_any(), Some(v.stage.clone())),
                            (t!(i18n, lead.reason).into_any(), v.reason.clone()),
                            (t!(i18n, lead.phone).into_any(), phone(&l.phone)),
                            (t!(i18n, lead.extra_phone).into_any(), phone(&l.extra_phone)),
                            (t!(i18n, lead.email).into_any(), l.email.clone()),
                            (t!(i18n, lead.category).into_any(), v.category.clone()),
                            (t!(i18n, lead.branch).into_any(), v.branch.clone()),
                            (t!(i18n, lead.desired_start).into_any(), l.desired_start.map(|d| format::date(d, i18n.get_locale_untracked()))),
                            (t!(i18n, lead.channel).into_any(), v.channel.clone()),
                            (t!(i18n, lead.contact_source).into_any(), v.contact_source.clone()),
                            (t!(i18n, lead.responsible).into_any(), v.responsible.clone()),
                            (t!(i18n, lead.registrar).into_any(), v.registrar.clone()),
                            (t!(i18n, lead.tags).into_any(), (!l.tags.is_empty()).then(|| l.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "))),
                            (t!(i18n, lead.created).into_any(), Some(format::date(l.created_at.date_naive(), i18n.get_locale_untracked()))),
                            (t!(i18n, lead.version).into_any(), Some(l.version.to_string())),
                        ];
                        view! {
                            <article class="lead-card" data-lead-id=l.id data-version=l.version>
                                <h1>{l.full_name()}</h1>
                                <dl>
                                    {rows
                                        .into_iter()
                                        .filter_map(|(label, value)| value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> }))
                                        .collect_view()}
                                </dl>
                            </article>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                };
                view! {
                    <AppHeader user school_name=info.school_name />
                    <main class="page">
                        <HydrationMark />
                        <p>
                            <A href="/">{t!(i18n, lead.back)}</A>
                        </p>
                        {body}
                    </main>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
