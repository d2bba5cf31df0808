//! A lead on the board.

use crate::components::format;
use crate::i18n::*;
use chrono::{DateTime, Utc};
use domain::board::BoardCard;
use domain::phone::Phone;
use leptos::prelude::*;

#[component]
pub fn LeadCard(card: BoardCard, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let days = card.days_in_stage(now);
    let overdue = card.is_overdue(now);
    let postponed = card.postponed_until.filter(|p| *p > now).map(|p| p.date_naive());
    let tel = card.phone.as_ref().map(|p| format!("tel:{p}"));
    let phone = card.phone.as_deref().map(|p| Phone::parse(p).map(|p| p.display()).unwrap_or_else(|_| p.to_string()));
    let meta: Vec<String> = [card.category.clone(), card.branch.clone()].into_iter().flatten().collect();
    let desired = card.desired_start;
    let due = card.next_task_due.map(|d| d.date_naive());
    view! {
        <article class="card" class:overdue=overdue data-lead-id=card.id tabindex="0">
            <header class="card-head">
                <h3 class="card-name">{card.name.clone()}</h3>
                {card.responsible_initials.clone().map(|i| view! { <span class="avatar small">{i}</span> })}
            </header>
            {match (phone, tel) {
                (Some(p), Some(href)) => view! { <a class="card-phone" href=href>{p}</a> }.into_any(),
                _ => view! { <span class="card-phone muted">{t!(i18n, board.no_phone)}</span> }.into_any(),
            }}
            {(!meta.is_empty()).then(|| view! { <p class="card-meta">{meta.join(" · ")}</p> })}
            {desired.map(|d| view! { <p class="card-meta">{t!(i18n, board.desired_start, date = move || format::date(d, i18n.get_locale()))}</p> })}
            {(!card.tags.is_empty())
                .then(|| {
                    view! {
                        <ul class="tags">
                            {card.tags.iter().map(|t| view! { <li class="tag">"#"{t.clone()}</li> }).collect_view()}
                        </ul>
                    }
                })}
            <footer class="card-foot">
                <span class="days">{t!(i18n, board.days_in_stage, days)}</span>
                {due.map(|d| view! { <span class="due">{t!(i18n, board.next_task, due = move || format::date(d, i18n.get_locale()))}</span> })}
                {overdue.then(|| view! { <span class="badge danger">{t!(i18n, board.overdue)}</span> })}
                {postponed.map(|d| view! { <span class="badge">{t!(i18n, board.postponed, date = move || format::date(d, i18n.get_locale()))}</span> })}
            </footer>
        </article>
    }
}
