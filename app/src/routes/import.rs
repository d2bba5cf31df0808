//! Importing leads (deputy and above): the templates, a file → its preview (totals and every row
//! with a problem, by line and column) → confirm → a progress bar with cancel → the result.
//! Nothing is written before the confirmation; the server checks the role on every request.

use crate::api::import::import_history;
use crate::components::errors::ErrorMessage;
use crate::components::format::date_time;
use crate::components::hydration::HydrationMark;
use crate::components::import_text::{file_problem_text, problem_text};
use crate::i18n::*;
use crate::routes::signed_in::SignedIn;
use crate::wire::page_resource;
use domain::import::{ImportJob, ImportPreview, Severity, COLUMNS};
use domain::import_record::ImportRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use send_wrapper::SendWrapper;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn ImportRoute() -> impl IntoView {
    view! {
        <SignedIn>
            <main class="page import-page">
                <ImportScreen />
            </main>
        </SignedIn>
    }
}

/// Sends `body` (a file, or nothing) to `url` and answers the response text, or the HTTP status.
async fn send(url: &str, method: &str, body: Option<&web_sys::File>, headers: &[(&str, String)]) -> Result<String, u16> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(file) = body {
        init.set_body(file);
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| 0_u16)?;
    for (name, value) in headers {
        request.headers().set(name, value).map_err(|_| 0_u16)?;
    }
    let window = web_sys::window().ok_or(0_u16)?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| 0_u16)?.dyn_into().map_err(|_| 0_u16)?;
    if !response.ok() {
        return Err(response.status());
    }
    let text = JsFuture::from(response.text().map_err(|_| 0_u16)?).await.map_err(|_| 0_u16)?;
    Ok(text.as_string().unwrap_or_default())
}

#[component]
fn ImportScreen() -> impl IntoView {
    let i18n = use_i18n();
    let file = RwSignal::new(None::<SendWrapper<web_sys::File>>);
    let preview = RwSignal::new(None::<ImportPreview>);
    let failure = RwSignal::new(None::<String>);
    let job = RwSignal::new(None::<(u64, ImportJob)>);
    let rules = RwSignal::new(true);
    let busy = RwSignal::new(false);
    // Bumped when an import finishes, so the history shows it.
    let imports_done = RwSignal::new(0u32);
    let name_header = move |f: &web_sys::File| url::form_urlencoded::byte_serialize(f.name().as_bytes()).collect::<String>();
    let failed = move |status: u16| {
        failure.set(Some(match status {
            403 => t_string!(i18n, error.forbidden).to_string(),
            413 => t_string!(i18n, import.file_too_large).to_string(),
            _ => t_string!(i18n, error.internal).to_string(),
        }))
    };
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(chosen) = input.files().and_then(|list| list.get(0)) else { return };
        preview.set(None);
        failure.set(None);
        job.set(None);
        busy.set(true);
        let headers = [("x-file-name", name_header(&chosen))];
        file.set(Some(SendWrapper::new(chosen.clone())));
        spawn_local(async move {
            match send("/import/preview", "POST", Some(&chosen), &headers).await {
                Ok(text) => match serde_json::from_str::<ImportPreview>(&text) {
                    Ok(p) => preview.set(Some(p)),
                    Err(_) => failed(0),
                },
                Err(status) => failed(status),
            }
            busy.set(false);
        });
    };
    let poll = move |number: u64| {
        spawn_local(async move {
            loop {
                gloo_timers::future::sleep(Duration::from_millis(400)).await;
                let Ok(text) = send(&format!("/import/jobs/{number}"), "GET", None, &[]).await else { break };
                let Ok(state) = serde_json::from_str::<ImportJob>(&text) else { break };
                // The page was left: the import goes on in the server, nobody here is watching.
                if job.is_disposed() {
                    break;
                }
                let finished = state.finished;
                job.set(Some((number, state)));
                if finished {
                    imports_done.update(|n| *n += 1);
                    break;
                }
            }
        });
    };
    let start = move |_| {
        let Some(chosen) = file.get_untracked() else { return };
        let chosen = chosen.take();
        let headers = [("x-file-name", name_header(&chosen)), ("x-run-rules", if rules.get_untracked() { "1" } else { "0" }.to_string())];
        busy.set(true);
        spawn_local(async move {
            match send("/import/start", "POST", Some(&chosen), &headers).await {
                Ok(text) => match text.trim().parse::<u64>() {
                    Ok(number) => {
                        job.set(Some((number, ImportJob::default())));
                        poll(number);
                    }
                    Err(_) => failed(0),
                },
                Err(status) => failed(status),
            }
            busy.set(false);
        });
    };
    let cancel = move |_| {
        if let Some((number, _)) = job.get_untracked() {
            spawn_local(async move {
                let _ = send(&format!("/import/jobs/{number}/cancel"), "POST", None, &[]).await;
            });
        }
    };
    let can_start = move || {
        preview.with(|p| p.as_ref().is_some_and(|p| p.problem.is_none() && p.totals.errors == 0 && p.totals.ok > 0)) && job.get().is_none()
    };
    view! {
        <HydrationMark />
        <h1>{t!(i18n, import.title)}</h1>
        <p class="muted">{t!(i18n, import.intro)}</p>
        <p class="import-templates">
            <a href="/import/template.xlsx" download class="button secondary">{t!(i18n, import.template_xlsx)}</a>
            <a href="/import/template.csv" download class="button secondary">{t!(i18n, import.template_csv)}</a>
        </p>
        <section class="settings-block">
            <label class="field">
                <span>{t!(i18n, import.file)}</span>
                <input type="file" name="import-file" accept=".xlsx,.csv,text/csv" data-testid="import-file" on:change=choose />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=rules on:change=move |ev| rules.set(event_target_checked(&ev)) />
                {t!(i18n, import.run_rules)}
            </label>
            {move || busy.get().then(|| view! { <p class="loading">{t!(i18n, common.loading)}</p> })}
            {move || failure.get().map(|f| view! { <p class="error" role="alert">{f}</p> })}
        </section>
        {move || {
            preview
                .get()
                .map(|p| {
                    let t = p.totals;
                    view! {
                        <section class="settings-block" data-testid="import-preview">
                            {p.problem.as_ref().map(|problem| view! { <p class="error" role="alert" data-testid="file-problem">{file_problem_text(i18n.get_locale(), problem)}</p> })}
                            <p data-testid="import-totals">
                                {t!(i18n, import.rows)} ": " {t.rows} " · " {t!(i18n, import.ok)} ": " {t.ok} " · " {t!(i18n, import.warnings)} ": " {t.warnings} " · "
                                {t!(i18n, import.errors)} ": " {t.errors} " · " {t!(i18n, import.already)} ": " {t.already}
                            </p>
                            {(!p.rows.is_empty())
                                .then(|| {
                                    view! {
                                        <table class="data-table import-issues">
                                            <thead>
                                                <tr>
                                                    <th>{t!(i18n, import.line)}</th>
                                                    <th>{t!(i18n, import.column)}</th>
                                                    <th>{t!(i18n, import.problem)}</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {p
                                                    .rows
                                                    .iter()
                                                    .flat_map(|row| row.issues.iter().map(move |issue| (row.line, issue.clone())))
                                                    .map(|(line, issue)| {
                                                        let error = issue.severity == Severity::Error;
                                                        view! {
                                                            <tr class:error-row=error data-testid="import-issue">
                                                                <td>{line}</td>
                                                                <td>{COLUMNS[issue.column].0}</td>
                                                                <td>{problem_text(i18n.get_locale(), &issue.problem)}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                })}
                            {(t.errors > 0).then(|| view! { <p class="field-error">{t!(i18n, import.fix_errors)}</p> })}
                            <button type="button" class="primary" data-testid="start-import" disabled=move || !can_start() on:click=start>
                                {t!(i18n, import.start)}
                            </button>
                        </section>
                    }
                })
        }}
        {move || {
            job.get()
                .map(|(_, state)| {
                    let percent = (state.done * 100).checked_div(state.total).unwrap_or(0);
                    view! {
                        <section class="settings-block" data-testid="import-progress">
                            <progress max=state.total.max(1) value=state.done></progress>
                            <p>{state.done} " / " {state.total} " (" {percent} "%)"</p>
                            {match (&state.imported, &state.error) {
                                (Some(imported), _) => view! {
                                    <p role="status" data-testid="import-done">
                                        {t!(i18n, import.done)} ": " {*imported} " · " {t!(i18n, import.already)} ": " {state.already.unwrap_or(0)}
                                        " · " <A href="/">{t!(i18n, nav.board)}</A>
                                    </p>
                                }
                                    .into_any(),
                                (_, Some(error)) if error == "cancelled" => view! { <p role="status">{t!(i18n, import.cancelled)}</p> }.into_any(),
                                (_, Some(_)) => view! { <p class="error" role="alert">{t!(i18n, import.failed)}</p> }.into_any(),
                                _ => view! {
                                    <button type="button" class="secondary" data-testid="cancel-import" on:click=cancel>
                                        {t!(i18n, import.cancel)}
                                    </button>
                                }
                                    .into_any(),
                            }}
                        </section>
                    }
                })
        }}
            <ImportHistory imports_done />
    }
}

/// Past imports, newest first.
#[component]
fn ImportHistory(imports_done: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let history = page_resource(move || imports_done.get(), |_| import_history());
    view! {
        <section class="settings-block" data-testid="import-history">
            <h2>{t!(i18n, import.history)}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(records) if records.is_empty() => view! { <p class="muted">{t!(i18n, import.history_empty)}</p> }.into_any(),
                        Ok(records) => view! { <HistoryTable records /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn HistoryTable(records: Vec<ImportRecord>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <div class="scroll-x">
        <table class="data-table import-history">
            <thead>
                <tr>
                    <th>{t!(i18n, import.when)}</th>
                    <th>{t!(i18n, import.who)}</th>
                    <th>{t!(i18n, import.file_name)}</th>
                    <th>{t!(i18n, import.rows)}</th>
                    <th>{t!(i18n, import.imported)}</th>
                    <th>{t!(i18n, import.skipped)}</th>
                </tr>
            </thead>
            <tbody>
                {records
                    .into_iter()
                    .map(|r| {
                        let hash = r.short_hash().to_string();
                        view! {
                            <tr data-testid="import-record">
                                <td>{date_time(r.started_local, locale)}</td>
                                <td>{r.by.unwrap_or_default()}</td>
                                <td>
                                    {r.file_name} <span class="muted hash" title=r.file_hash.clone()>{hash}</span>
                                </td>
                                <td>{r.rows_total}</td>
                                <td>
                                    {if r.finished {
                                        r.rows_imported.to_string()
                                    } else {
                                        t_string!(i18n, import.in_progress).to_string()
                                    }}
                                </td>
                                <td>{r.rows_already}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        </div>
    }
}
