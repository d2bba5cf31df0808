//! Pages the browser downloads when first opened rather than with the board.
//!
//! Built with `cargo leptos build --split`, each `LazyRoute` below gets a WASM file of its own
//! (code two pages share goes into a shared file), so the first load carries the board, the
//! header and the sign-in page only (`make run`, `make test` and the benchmarks build so). Without
//! `--split` (`cargo leptos watch`) the same routes render from the one bundle.
//!
//! Pages start their own data loading inside their components, so `data()` holds nothing: on
//! the first load the server has already sent that data with the page, and a later navigation
//! waits for one small file before the page asks for it.

use super::settings::{SettingsRoute, Tab};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Declares a route type whose view, `$page`, is split into its own WASM file.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:expr) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page.into_any()
            }
        }
    };
}

lazy_page!(
    /// The lead list with its filters (`/leads`).
    LeadList => view! { <super::list::ListPage /> }
);
lazy_page!(
    /// A new lead's form (`/leads/new`).
    NewLead => view! { <super::new_lead::NewLeadPage /> }
);
lazy_page!(
    /// One lead's card and timeline (`/leads/:id`).
    LeadCard => view! { <super::lead::LeadPage /> }
);
lazy_page!(
    /// The call list (`/calls`).
    Calls => view! { <super::calls::CallsPage /> }
);
lazy_page!(
    /// Tasks (`/tasks`).
    Tasks => view! { <super::tasks::TasksRoute /> }
);
lazy_page!(
    /// Spreadsheet import (`/import`).
    Import => view! { <super::import::ImportRoute /> }
);
lazy_page!(
    /// Automation rules (`/settings/automation`).
    Automation => view! { <super::automation::AutomationRoute /> }
);
lazy_page!(
    /// Training groups (`/settings/groups`).
    Groups => view! { <super::groups::GroupsRoute /> }
);
lazy_page!(
    /// API tokens (`/settings/api`).
    Tokens => view! { <super::tokens::TokensRoute /> }
);
lazy_page!(
    /// Reports (`/reports`).
    Reports => view! { <super::reports::ReportsRoute /> }
);
lazy_page!(
    /// Stages (`/settings/stages` and `/settings`).
    SettingsStages => view! { <SettingsRoute tab=Tab::Stages /> }
);
lazy_page!(
    /// Dictionaries (`/settings/dictionaries`).
    SettingsDictionaries => view! { <SettingsRoute tab=Tab::Dictionaries /> }
);
lazy_page!(
    /// Staff (`/settings/users`).
    SettingsStaff => view! { <SettingsRoute tab=Tab::Staff /> }
);
lazy_page!(
    /// The school's settings (`/settings/school`).
    SettingsSchool => view! { <SettingsRoute tab=Tab::School /> }
);
