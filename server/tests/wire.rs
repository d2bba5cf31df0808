//! Server functions' answers decode as the browser decodes them (postcard, app/src/wire.rs), on
//! both databases. A type postcard cannot read (an internally tagged enum, say) fails here by name
//! instead of as a hydration panic in the browser.

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
use common::{answer, app, post, post_json, send, session};
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

/// Calls `path` with a JSON body as the owner and decodes the answer from postcard.
async fn with_json<T: DeserializeOwned>(app: &axum::Router, cookie: &str, path: &str, body: &str) -> T {
    let response = send(app, post_json(path, cookie, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    answer(response).await
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
    let list: ListAnswer = with_json(&app, &cookie, "/api/load_list", r#"{"query":"","after":null}"#).await;
    assert_eq!(list.page.rows.len(), 1);
    let calls: CallListState = with_json(&app, &cookie, "/api/call_list", r#"{"query":"","step":"Current"}"#).await;
    assert_eq!(calls.total, 1);
    let _: FilterChoices = postcard(&app, &cookie, "/api/filter_options", "").await;
    let _: SessionStatus = postcard(&app, &cookie, "/api/session_info", "").await;
    let _: SettingsView = postcard(&app, &cookie, "/api/load_settings", "").await;
    let _: TasksPage = with_json(&app, &cookie, "/api/my_tasks", r#"{"whose":null}"#).await;
    let _: GroupsPage = postcard(&app, &cookie, "/api/load_groups", "").await;
    let _: ReportsPage = postcard(&app, &cookie, "/api/load_reports", "query=").await;
    let _: TokensPage = postcard(&app, &cookie, "/api/api_tokens", "").await;
    let _: Vec<ImportRecord> = postcard(&app, &cookie, "/api/import_history", "").await;
    let _: Vec<NotificationView> = postcard(&app, &cookie, "/api/notifications", "").await;
    let _: Pulse = postcard(&app, &cookie, "/api/pulse", "").await;

    // `TimelineEvent`, `RuleConfig` and `Assign` are stored internally tagged; their wire copies
    // are not. A rule of each kind and a timeline with a stage change and a note.
    let assign = domain::automation::Assign::User { user_id: owner.id };
    let task = domain::automation::TaskTemplate {
        title: "Позвонить".into(),
        kind: domain::task::TaskKind::Call,
        delay: domain::automation::Delay { amount: 1, unit: domain::automation::DelayUnit::Hours },
    };
    for config in [
        domain::automation::RuleConfig::LeadCreated { assign, first_contact: Some(task.clone()) },
        domain::automation::RuleConfig::StageEntered { stage_id: stage, task },
    ] {
        let change = app::api::automation::RuleChange::Save(None, config);
        let saved = send(&app, post_json("/api/change_rule", &cookie, &serde_json::json!({ "change": change }).to_string())).await;
        assert_eq!(saved.status(), StatusCode::OK, "{}", common::text(saved).await);
    }
    let automation: AutomationView = postcard(&app, &cookie, "/api/automation_settings", "").await;
    let configs: Vec<_> = automation.rules.iter().map(|r| r.config.trigger()).collect();
    assert!(configs.contains(&"lead_created") && configs.contains(&"stage_entered"), "{configs:?}");
    assert!(automation.audit.iter().any(|(a, _)| matches!(a.after, Some(domain::automation::RuleConfig::StageEntered { .. }))));
    let note = r#"{"lead_id":LEAD,"entry_id":null,"text":"перезвонить в пятницу"}"#.replace("LEAD", &lead.id.to_string());
    assert_eq!(send(&app, post_json("/api/save_note", &cookie, &note)).await.status(), StatusCode::OK);
    let timeline: Vec<TimelineItem> =
        with_json(&app, &cookie, "/api/lead_timeline", &format!(r#"{{"lead_id":{},"kinds":[],"before":null}}"#, lead.id)).await;
    assert!(timeline.iter().any(|t| t.entry.event == domain::timeline::TimelineEvent::Note { text: "перезвонить в пятницу".into() }));
    assert!(timeline.iter().any(|t| t.entry.event == domain::timeline::TimelineEvent::Created));
});
