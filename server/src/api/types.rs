//! The API's JSON shapes, documented for OpenAPI. Kept apart from the domain types so the wire
//! format is a promise of its own: the domain can change without breaking integrations.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Id;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An error: a stable `code`, a message in English, and the field at fault for 422.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    /// `validation`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `rate_limited`,
    /// `payload_too_large`, `bad_request`, `internal`.
    pub code: String,
    pub message: String,
    /// For `validation`: the field, and why (`required`, `phone`, `not_found`, …).
    pub field: Option<String>,
    pub reason: Option<String>,
}

/// A new lead from a web form, a bot or another system. Names of the category, branch, channel
/// and source are matched as the school spells them (case and ё/е ignored); ids work too.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLead {
    pub first_name: String,
    #[serde(default)]
    pub patronymic: String,
    #[serde(default)]
    pub surname: String,
    /// Any Russian format: `+7 917 123-45-78`, `89171234578`, `9171234578`.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub extra_phone: String,
    #[serde(default)]
    pub email: String,
    /// `male` or `female`.
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub desired_start: Option<NaiveDate>,
    pub stage_id: Option<Id>,
    pub category_id: Option<Id>,
    pub category: Option<String>,
    pub branch_id: Option<Id>,
    pub branch: Option<String>,
    pub channel_id: Option<Id>,
    pub channel: Option<String>,
    pub contact_source_id: Option<Id>,
    pub source: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A first note on the lead's timeline (the form's message).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeadCreated {
    pub id: Id,
    /// The earlier lead with the same phone and category this one was marked a duplicate of.
    pub duplicate_of: Option<Id>,
    /// True when an `Idempotency-Key` retry answered the first call's result.
    pub replayed: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLead {
    pub id: Id,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub surname: Option<String>,
    /// `+7XXXXXXXXXX`.
    pub phone: Option<String>,
    pub extra_phone: Option<String>,
    pub email: Option<String>,
    pub stage_id: Id,
    pub stage: String,
    pub category: Option<String>,
    pub branch: Option<String>,
    pub channel: Option<String>,
    pub responsible_id: Option<Id>,
    pub tags: Vec<String>,
    pub desired_start: Option<NaiveDate>,
    pub archived: bool,
    pub duplicate_of: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeadPage {
    pub leads: Vec<ApiLead>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Id>,
    /// How many leads the filter matches in all, on every page.
    pub total: LeadTotal,
}

/// A count of leads, as the app's list counts them: exact up to 10,000 (a search, `q`, up to
/// 1,000 hits); past that `more` is true and `value` is the cap.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeadTotal {
    pub value: i64,
    /// There are more than `value`.
    pub more: bool,
}

impl From<domain::count::Count> for LeadTotal {
    fn from(count: domain::count::Count) -> Self {
        LeadTotal { value: count.value, more: count.more }
    }
}

/// Paging of `GET /api/v1/leads`; the list's filters (`stage`, `branch`, `category`,
/// `responsible`, `channel`, `source`, `tag`, `created_from`, `created_to`, `q`, …) apply as in
/// the app's URLs.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// The `next` of the previous page.
    pub after: Option<Id>,
    /// 1–200, 50 by default.
    pub limit: Option<i64>,
}

impl PageParams {
    /// The query keys paging takes (the filter's are `LeadFilter`'s).
    pub const KEYS: [&'static str; 2] = ["after", "limit"];

    /// `after` and `limit` from a query; a value that is not a number is refused on its name, and
    /// so are the list page's `sort` and `size`, which the API does not take.
    pub fn read(query: &str) -> Result<PageParams, domain::AppError> {
        let mut page = PageParams { after: None, limit: None };
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "after" => &mut page.after,
                "limit" => &mut page.limit,
                // The list page's order and page size: the API pages in id order, so asking for
                // another order is refused rather than answered in this one.
                "sort" | "size" => return Err(domain::AppError::invalid(key.to_string(), domain::error::Invalid::UnknownParameter)),
                _ => continue,
            };
            let number =
                value.trim().parse::<Id>().map_err(|_| domain::AppError::invalid(key.to_string(), domain::error::Invalid::OutOfRange))?;
            *slot = Some(number);
        }
        Ok(page)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCall {
    pub phone: String,
    /// `incoming` or `outgoing`.
    pub direction: String,
    pub started_at: DateTime<Utc>,
    pub duration_secs: i64,
    pub recording_url: Option<String>,
    /// The login of the user who talked.
    pub user: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CallLogged {
    pub lead_ids: Vec<Id>,
    pub created_lead: Option<Id>,
}
