//! Server functions' answers decode as the browser decodes them (app/src/wire.rs), on both
//! databases: postcard for most, JSON for the two whose types hold an internally tagged enum. A
//! type postcard cannot read fails here by name instead of as a hydration panic in the browser.

use app::api::automation::AutomationView;
use app::api::board::BoardPage;
use app::api::groups::{GroupsPage, ReportsPage};
use app::api::lead::{LeadView, TimelineItem};
use app::api::list::{FilterChoices, ListAnswer};
use app::api::session::SessionStatus;
use app::api::settings::SettingsView;
use app::api::tasks::TasksPage;
use app::api::tokens::TokensPage;
use axum::body::Body;
use axum::http::{header, StatusCode};
use backend::both;
use backend::testing::set_up;
use common::{answer, app, bytes, post, post_json, send, session};
use domain::import_record::ImportRecord;
use domain::lead::LeadDraft;
use domain::list::CallListState;
use domain::notification::NotificationView;
use domain::preset::StagePreset;
use domain::task::Pulse;
use serde::de::DeserializeOwned;

mod common;

/// Calls `path` with a form body as the owner and decodes the answer from postcard.
async fn postcard<T: DeserializeOwned>(app: &axum::Router, cookie: &str, path: &str, form: &str) -> T {
    let response = send(app, post(path).header(header::COOKIE, cookie).body(Body::from(form.to_string())).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    answer(response).await
}

async fn json<T: DeserializeOwned>(app: &axum::Router, cookie: &str, path: &str, body: &str) -> T {
    let response = send(app, post_json(path, cookie, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let body = bytes(response).await;
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&body)))
}

both!(every_page_answer_decodes_in_its_codec, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    let draft =
        LeadDraft { first_name: "Проводов".into(), phone: "+79001234567".into(), stage_id: Some(stage), ..LeadDraft::default() };
    let lead = backend::leads::create_lead(&db, &owner, draft).await.unwrap();
    let app = app(&db);
    let cookie = session(&app, "owner").await;

    let board: BoardPage = postcard(&app, &cookie, "/api/load_board", "query=").await;
    assert!(board.board.columns.iter().flat_map(|c| &c.cards).any(|c| c.id == lead.id));
    let card: LeadView = postcard(&app, &cookie, "/api/lead_details", &format!("id={}", lead.id)).await;
    assert_eq!(card.lead.id, lead.id);
    let list: ListAnswer = {
        let response = send(&app, post_json("/api/load_list", &cookie, r#"{"query":"","after":null}"#)).await;
        answer(response).await
    };
    assert_eq!(list.page.rows.len(), 1);
    let calls: CallListState = answer(send(&app, post_json("/api/call_list", &cookie, r#"{"query":"","step":"Current"}"#)).await).await;
    assert_eq!(calls.total, 1);
    let _: FilterChoices = postcard(&app, &cookie, "/api/filter_options", "").await;
    let _: SessionStatus = postcard(&app, &cookie, "/api/session_info", "").await;
    let _: SettingsView = postcard(&app, &cookie, "/api/load_settings", "").await;
    let _: TasksPage = answer(send(&app, post_json("/api/my_tasks", &cookie, r#"{"whose":null}"#)).await).await;
    let _: GroupsPage = postcard(&app, &cookie, "/api/load_groups", "").await;
    let _: ReportsPage = postcard(&app, &cookie, "/api/load_reports", "query=").await;
    let _: TokensPage = postcard(&app, &cookie, "/api/api_tokens", "").await;
    let _: Vec<ImportRecord> = postcard(&app, &cookie, "/api/import_history", "").await;
    let _: Vec<NotificationView> = postcard(&app, &cookie, "/api/notifications", "").await;
    let _: Pulse = postcard(&app, &cookie, "/api/pulse", "").await;

    // `TimelineEvent` and `RuleConfig` are internally tagged (the database keeps them as JSON in
    // that shape), which postcard cannot read: these two answer in JSON.
    let timeline: Vec<TimelineItem> =
        json(&app, &cookie, "/api/lead_timeline", &format!(r#"{{"lead_id":{},"kinds":[],"before":null}}"#, lead.id)).await;
    assert!(!timeline.is_empty(), "the lead's creation is in its timeline");
    let _: AutomationView = json(&app, &cookie, "/api/automation_settings", "").await;
});
