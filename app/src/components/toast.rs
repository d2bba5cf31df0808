//! Short messages in the corner: why a move was refused, and the like.

use crate::components::errors::error_view;
use crate::i18n::*;
use domain::AppError;
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<(u64, AppError)>>,
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
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|v| v.push((id, error)));
        let items = self.items;
        set_timeout(move || items.try_update(|v| v.retain(|(i, _)| *i != id)).unwrap_or_default(), Duration::from_secs(7));
    }
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|(id, _)| *id let:item>
                <div class="toast" data-testid="toast">
                    {
                        let error = item.1.clone();
                        move || error_view(i18n, &error)
                    }
                </div>
            </For>
        </div>
    }
}
