//! The header's search box: answers as you type (after a short pause; an answer to older text is
//! dropped), highlights what matched, and opens the full list on Enter.

use crate::api::list::{quick_search, SearchAnswer};
use crate::components::errors::error_view;
use crate::components::format;
use crate::i18n::*;
use domain::filter::LeadFilter;
use domain::phone;
use domain::search::{highlight, SearchQuery, TooShort};
use domain::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(250);

/// Text with its matches in `<mark>`.
pub fn marked(text: &str, query: &SearchQuery) -> impl IntoView {
    highlight(text, query)
        .into_iter()
        .map(|p| if p.hit { view! { <mark>{p.text}</mark> }.into_any() } else { p.text.into_any() })
        .collect_view()
}

/// The search a page's URL query (`?q=…&stage=…`) filters by, if any: the board and the list mark
/// what it matched in each lead's name and phone.
pub fn searched(url_query: &str) -> Option<SearchQuery> {
    LeadFilter::from_query(url_query).0.search()
}

/// [`marked`] when the page is searched, else the text as it is.
pub fn marked_if(text: &str, query: Option<&SearchQuery>) -> AnyView {
    match query {
        Some(query) => marked(text, query).into_any(),
        None => text.to_string().into_any(),
    }
}

fn list_url(text: &str) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("q", text.trim()).finish();
    format!("/leads?{q}")
}

#[derive(Clone)]
enum Answer {
    Nothing,
    TooShort,
    Found(SearchQuery, SearchAnswer),
    Failed(AppError),
}

#[component]
pub fn SearchBox() -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let answer = RwSignal::new(Answer::Nothing);
    let asked = StoredValue::new(0_u64);
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        text.set(typed.clone());
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let query = match SearchQuery::parse(&typed) {
            Ok(q) => q,
            Err(TooShort::Empty) => return answer.set(Answer::Nothing),
            Err(TooShort::Short) => return answer.set(Answer::TooShort),
        };
        set_timeout(
            move || {
                // The box is gone (the page was left) or newer text was typed.
                if asked.try_get_value() != Some(n) {
                    return;
                }
                spawn_local(async move {
                    let result = quick_search(typed).await;
                    // Only the answer to the latest text is shown.
                    if asked.try_get_value() == Some(n) {
                        answer.set(match result {
                            Ok(found) => Answer::Found(query, found),
                            Err(e) => Answer::Failed(e),
                        });
                    }
                });
            },
            PAUSE,
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" if SearchQuery::parse(&text.get_untracked()).is_ok() => {
            ev.prevent_default();
            let url = list_url(&text.get_untracked());
            answer.set(Answer::Nothing);
            use_navigate()(&url, Default::default());
        }
        "Escape" => {
            text.set(String::new());
            asked.update_value(|n| *n += 1);
            answer.set(Answer::Nothing);
        }
        _ => {}
    };
    let close = move || {
        asked.update_value(|n| *n += 1);
        answer.set(Answer::Nothing);
    };
    view! {
        <div class="search" role="search">
            <input
                type="search"
                class="search-input"
                data-testid="search"
                autocomplete="off"
                placeholder=move || t_string!(i18n, search.placeholder)
                aria-label=move || t_string!(i18n, search.label)
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
            />
            {move || match answer.get() {
                Answer::Nothing => ().into_any(),
                Answer::TooShort => view! { <div class="search-results muted">{t!(i18n, validation.search_too_short)}</div> }.into_any(),
                Answer::Failed(e) => view! { <div class="search-results error">{error_view(i18n, &e)}</div> }.into_any(),
                Answer::Found(query, found) => {
                    let total = found.total;
                    let all = list_url(&text.get_untracked());
                    view! {
                        <div class="search-results" data-testid="search-results">
                            <Show when=move || total.is_zero()>
                                <p class="muted">{t!(i18n, search.nothing)}</p>
                            </Show>
                            <ul>
                                {found
                                    .rows
                                    .into_iter()
                                    .map(|r| {
                                        let phone = r.phone.as_deref().map(phone::shown);
                                        view! {
                                            <li>
                                                <a href=format!("/leads/{}", r.id) on:click=move |_| close() data-lead-id=r.id>
                                                    <span class="hit-name">{marked(&r.name, &query)}</span>
                                                    <span class="hit-phone">{phone.map(|p| marked(&p, &query))}</span>
                                                    <span class="hit-stage" style=format!("--stage-color: {}", r.stage_color)>
                                                        {r.stage.clone()}
                                                    </span>
                                                    {r.archived.then(|| view! { <span class="badge">{t!(i18n, search.archived)}</span> })}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <Show when=move || !total.is_zero()>
                                <a class="search-all" href=all.clone() on:click=move |_| close()>
                                    {t!(i18n, search.all, n = move || format::count(total, i18n.get_locale()))}
                                </a>
                            </Show>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::searched;

    #[test]
    fn a_page_is_searched_for_its_q_beside_other_filters() {
        let query = searched("?stage=3&q=%D0%98%D0%B2%D0%B0%D0%BD+8903&overdue=1").expect("searched");
        assert_eq!(query.terms, ["иван", "8903"]);
        assert_eq!(searched("stage=3&q=%D0%98%D0%B2%D0%B0%D0%BD"), searched("q=иван"));
    }

    #[test]
    fn nothing_is_marked_without_a_search_or_when_it_is_too_short_to_run() {
        assert_eq!(searched(""), None);
        assert_eq!(searched("?stage=3"), None);
        assert_eq!(searched("?q=%20%20"), None);
        assert_eq!(searched("?q=a"), None);
    }
}
