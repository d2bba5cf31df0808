//! On a wide screen a card's name opens the lead in a drawer beside the board, so the board stays
//! where it was; on a phone (and for a new tab) the link opens the full page.

use super::state::BoardCtx;
use crate::api::lead::{lead_details, lead_timeline, LeadView, TimelineItem};
use crate::components::errors::ErrorMessage;
use crate::components::lead::timeline::KIND_GROUPS;
use crate::components::lead::LeadCard;
use crate::components::toast::Toasts;
use crate::i18n::*;
use domain::Id;
use leptos::prelude::*;

/// Screens at least this wide get the drawer.
pub const DRAWER_MIN_WIDTH: f64 = 1024.0;

/// True when a click on a card's name should open the drawer instead of the page.
pub fn wants_drawer(ev: &web_sys::MouseEvent) -> bool {
    let wide = window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w >= DRAWER_MIN_WIDTH);
    // Ctrl/Cmd/Shift-click and the middle button keep their "new tab / window" meaning.
    wide && ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}

#[component]
pub fn LeadDrawer() -> impl IntoView {
    let ctx = expect_context::<BoardCtx>();
    move || ctx.drawer.get().map(|id| view! { <Drawer id /> })
}

#[component]
fn Drawer(id: Id) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<BoardCtx>();
    let toasts = expect_context::<Toasts>();
    let refresh = RwSignal::new(0_u32);
    let group = RwSignal::new("all");
    // Opened only after hydration, in the browser: local resources, never serialised.
    let lead = LocalResource::new(move || {
        refresh.track();
        lead_details(id)
    });
    let timeline = LocalResource::new(move || {
        refresh.track();
        let kinds =
            KIND_GROUPS.iter().find(|(g, _)| *g == group.get()).map(|(_, k)| k.iter().map(|k| k.to_string()).collect()).unwrap_or_default();
        lead_timeline(id, kinds, None)
    });
    let close_button = NodeRef::<leptos::html::Button>::new();
    // The keyboard lands in the drawer, so Escape closes it at once.
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    let close = move || {
        ctx.drawer.set(None);
        // Whatever changed in the drawer shows on the board.
        ctx.reload.run(());
    };
    view! {
        <div class="drawer-backdrop" on:click=move |_| close()></div>
        <aside
            class="drawer"
            role="dialog"
            aria-modal="true"
            data-testid="lead-drawer"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <div class="drawer-tools">
                <a href=format!("/leads/{id}") class="link-button">{t!(i18n, lead.open_page)}</a>
                <button type="button" class="link-button" node_ref=close_button on:click=move |_| close() data-testid="close-drawer">
                    {t!(i18n, lead.close)}
                </button>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match (lead.await, timeline.await) {
                        (Ok(view), Ok(items)) => {
                            let gone = Callback::new(move |to: String| {
                                close();
                                toasts.handed_over(to);
                            });
                            card(view, items, group, refresh, gone).await
                        },
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </aside>
    }
}

/// The card's code (with its editor and timeline, shared with the lead's page) is split off with
/// `cargo leptos build --split` and fetched when the first drawer opens, not with the board.
#[lazy]
async fn card(
    view: LeadView,
    timeline: Vec<TimelineItem>,
    group: RwSignal<&'static str>,
    refresh: RwSignal<u32>,
    gone: Callback<String>,
) -> AnyView {
    view! { <LeadCard view timeline group refresh gone /> }.into_any()
}
