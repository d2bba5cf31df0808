//! A lead on the board: press to drag, Space/Enter to pick up with the keyboard, "Move to…" for
//! any device, the name to open the lead.

use super::dnd;
use super::state::{Announcement, BoardCtx, KeyboardPick};
use crate::components::format;
use crate::components::search::marked_if;
use crate::i18n::*;
use domain::board::BoardCard;
use domain::phone;
use domain::Id;
use leptos::prelude::*;

#[component]
pub fn LeadCard(card: BoardCard, stage_id: Id) -> AnyView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let now = ctx.now;
    let id = card.id;
    let days = card.days_in_stage(now);
    let overdue = card.is_overdue(now);
    let postponed = card.postponed_until.filter(|p| *p > now).map(|p| p.date_naive());
    let tel = card.phone.as_ref().map(|p| format!("tel:{p}"));
    let phone = card.phone.as_deref().map(phone::shown);
    let meta: Vec<String> = [card.category.clone(), card.branch.clone()].into_iter().flatten().collect();
    let desired = card.desired_start;
    let due = card.next_task_due_local;
    let name = card.name.clone();
    let searched = ctx.searched.get_value();

    let on_pointerdown = {
        let name = name.clone();
        move |ev: web_sys::PointerEvent| {
            // Buttons and the menu inside the card keep their own behaviour; links may start a drag
            // (the click that ends a drag is swallowed).
            let inside_control = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|el| el.closest("button, select, input, textarea").ok().flatten())
                .is_some();
            ctx.focus.set(None);
            if !inside_control {
                dnd::press(ctx, &ev, id, stage_id, name.clone());
            }
        }
    };
    let on_keydown = {
        let name = name.clone();
        move |ev: web_sys::KeyboardEvent| {
            // Only keys pressed on the card itself, not on the link or menu inside it.
            if ev.target() != ev.current_target() {
                return;
            }
            let picked = ctx.keyboard.get_untracked().filter(|k| k.card_id == id);
            match (ev.key().as_str(), picked) {
                (" " | "Enter", None) => {
                    ev.prevent_default();
                    ctx.keyboard.set(Some(KeyboardPick { card_id: id, name: name.clone(), from: stage_id, target: stage_id }));
                    ctx.announce.set(Some(Announcement::Picked(name.clone())));
                }
                ("ArrowLeft" | "ArrowRight", Some(mut pick)) => {
                    ev.prevent_default();
                    let shown: Vec<Id> = ctx.columns.with_untracked(|c| c.iter().map(|c| c.stage.id).collect());
                    let at = shown.iter().position(|s| *s == pick.target).unwrap_or(0);
                    let next = if ev.key() == "ArrowLeft" { at.saturating_sub(1) } else { (at + 1).min(shown.len().saturating_sub(1)) };
                    pick.target = shown[next];
                    ctx.announce.set(Some(Announcement::Target(ctx.stage_name(pick.target))));
                    ctx.keyboard.set(Some(pick));
                }
                ("Enter" | " ", Some(pick)) => {
                    ev.prevent_default();
                    ctx.keyboard.set(None);
                    ctx.focus.set(Some(id));
                    if pick.target == pick.from {
                        ctx.announce.set(Some(Announcement::Cancelled));
                    } else {
                        ctx.request_move(id, pick.target);
                    }
                }
                ("Escape", Some(_)) => {
                    ev.prevent_default();
                    ctx.keyboard.set(None);
                    ctx.announce.set(Some(Announcement::Cancelled));
                }
                _ => {}
            }
        }
    };
    let on_move_to = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Ok(to) = value.parse::<Id>() {
            ctx.request_move(id, to);
        }
        if let Some(select) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
            select.set_value("");
        }
    };
    // Redrawn in its new column after a keyboard move, the card keeps the keyboard's focus.
    let node = NodeRef::<leptos::html::Article>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            if ctx.focus.get_untracked() == Some(id) {
                let _ = el.focus();
            }
        }
    });
    let dragging = move || ctx.drag.with(|d| d.as_ref().is_some_and(|d| d.card_id == id));
    let picked = move || ctx.keyboard.with(|k| k.as_ref().is_some_and(|k| k.card_id == id));
    // The menu's stages are drawn when the menu is about to be used (pressed, tapped or focused
    // from the keyboard), not with every card: a board of 300 cards would otherwise carry 7,800
    // options in its HTML and hydrate each of them.
    let menu_wanted = RwSignal::new(false);
    let other_stages = move || {
        menu_wanted.get().then(|| {
            ctx.stages.with_value(|s| {
                s.iter().filter(|s| s.id != stage_id).map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view()
            })
        })
    };

    view! {
        <article
            node_ref=node
            class="card"
            class:overdue=overdue
            class:dragging=dragging
            class:picked=picked
            data-lead-id=id
            data-version=card.version
            tabindex="0"
            aria-roledescription=move || t_string!(i18n, board.drag_hint)
            on:pointerdown=on_pointerdown
            on:keydown=on_keydown
            on:contextmenu=|ev| ev.prevent_default()
        >
            <header class="card-head">
                <h3 class="card-name">
                    <a
                        href=format!("/leads/{id}")
                        draggable="false"
                        on:click=move |ev| {
                            if dnd::take_suppressed_click() {
                                ev.prevent_default();
                            } else if super::drawer::wants_drawer(&ev) {
                                ev.prevent_default();
                                ctx.drawer.set(Some(id));
                            }
                        }
                    >
                        {marked_if(&name, searched.as_ref())}
                    </a>
                </h3>
                {card.responsible_initials.clone().map(|i| view! { <span class="avatar small">{i}</span> })}
            </header>
            {match (phone, tel) {
                (Some(p), Some(href)) => {
                    view! {
                        <a
                            class="card-phone"
                            href=href
                            draggable="false"
                            on:click=|ev| {
                                if dnd::take_suppressed_click() {
                                    ev.prevent_default();
                                }
                            }
                        >
                            {marked_if(&p, searched.as_ref())}
                        </a>
                    }
                        .into_any()
                }
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
                {due.map(|d| view! { <span class="due">{t!(i18n, board.next_task, due = move || format::date_time(d, i18n.get_locale()))}</span> })}
                {overdue.then(|| view! { <span class="badge danger">{t!(i18n, board.overdue)}</span> })}
                {postponed.map(|d| view! { <span class="badge">{t!(i18n, board.postponed, date = move || format::date(d, i18n.get_locale()))}</span> })}
                <select
                    class="move-to"
                    aria-label=move || t_string!(i18n, board.move_to)
                    on:change=on_move_to
                    on:pointerdown=move |_| menu_wanted.set(true)
                    on:focus=move |_| menu_wanted.set(true)
                >
                    <option value="" selected>{t!(i18n, board.move_to)}</option>
                    {other_stages}
                </select>
            </footer>
        </article>
    }
    .into_any()
}
