//! Short messages in the corner: why a change was refused, a task falling due, and the like. One
//! list per signed-in page, provided by `routes::signed_in::SignedIn`.

use crate::components::errors::error_view;
use crate::i18n::*;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos_router::components::A;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Toast {
    Error(AppError),
    /// One of my tasks fell due while the app was open.
    TaskDue {
        title: String,
        lead_id: Option<Id>,
    },
    /// A settings change was saved.
    Saved,
    /// The lead was handed to this colleague and left the reader's sight.
    HandedOver(String),
}

#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<(u64, Toast)>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// Creates the toast list for the page and makes it available to every component below.
    pub fn provide() -> Self {
        let toasts = Toasts { items: RwSignal::new(Vec::new()), next: StoredValue::new(0) };
        provide_context(toasts);
        toasts
    }

    pub fn push(&self, error: AppError) {
        self.show(Toast::Error(error), Duration::from_secs(7));
    }

    pub fn handed_over(&self, to: String) {
        self.show(Toast::HandedOver(to), Duration::from_secs(7));
    }

    pub fn saved(&self) {
        self.show(Toast::Saved, Duration::from_secs(3));
    }

    /// A reminder stays longer: it may come while the manager is on the phone.
    pub fn task_due(&self, title: String, lead_id: Option<Id>) {
        self.show(Toast::TaskDue { title, lead_id }, Duration::from_secs(30));
    }

    /// Shows nothing once the page that owned the list was left: an answer that arrives after
    /// the user moved on has no corner to appear in.
    fn show(&self, toast: Toast, for_how_long: Duration) {
        let Some(id) = self.next.try_get_value() else { return };
        self.next.set_value(id + 1);
        self.items.update(|v| v.push((id, toast)));
        let items = self.items;
        set_timeout(move || items.try_update(|v| v.retain(|(i, _)| *i != id)).unwrap_or_default(), for_how_long);
    }

    fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|(i, _)| *i != id));
    }
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|(id, _)| *id let:item>
                {
                    let id = item.0;
                    match item.1 {
                        Toast::Saved => view! { <div class="toast saved" data-testid="saved-toast">{t!(i18n, settings.saved)}</div> }.into_any(),
                        Toast::HandedOver(to) => {
                            view! { <div class="toast saved" data-testid="handed-over-toast">{t!(i18n, lead.handed_over, name = to.clone())}</div> }
                                .into_any()
                        }
                        Toast::Error(error) => view! { <div class="toast" data-testid="toast">{move || error_view(i18n, &error)}</div> }.into_any(),
                        Toast::TaskDue { title, lead_id } => {
                            view! {
                                <div class="toast reminder" data-testid="due-toast">
                                    <p>{t!(i18n, notify.due_toast, title = title.clone())}</p>
                                    {lead_id.map(|lead| view! { <A href=format!("/leads/{lead}")>{t!(i18n, notify.open_lead)}</A> })}
                                    <button
                                        type="button"
                                        class="link-button"
                                        aria-label=move || t_string!(i18n, notify.close)
                                        on:click=move |_| toasts.dismiss(id)
                                    >
                                        "×"
                                    </button>
                                </div>
                            }
                                .into_any()
                        }
                    }
                }
            </For>
        </div>
    }
}
