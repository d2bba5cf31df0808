//! The access sweep over HTTP, on both databases: every server function the app registers is
//! called anonymously (401 unless it is one of the few public ones), and as a sales manager who
//! may see only their own leads, with a colleague's lead, note, task, contract and the owner's
//! token and settings (refused, or answered without the colleague's data). Afterwards nothing of
//! the colleague's has changed. A server function added later fails the sweep until it is listed
//! here, so none can skip it.

use app::api::automation::RuleChange;
use app::api::lead::LeadChange;
use app::api::list::CallStep;
use app::api::settings::SettingsChange;
use axum::body::Body;
use axum::http::{header, StatusCode};
use backend::testing::{set_up, user};
use backend::{both, Db};
use chrono::{NaiveDate, Utc};
use common::{app, bytes, mentions, post, scalar, send, session};
use domain::api::Scope;
use domain::config::UserChange;
use domain::group::{EnrolmentDraft, GroupDraft, GroupStatus};
use domain::lead::LeadDraft;
use domain::preset::StagePreset;
use domain::settings::LeadVisibility;
use domain::task::{TaskDraft, TaskKind};
use domain::user::Role;
use domain::Id;
use serde_json::{json, Value};

mod common;

/// What a call must answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Anyone may call it (signing in, setting up, the session's state).
    Public,
    /// Refused to the sales manager: 403, or 404 (or a field's "not found") for what they may
    /// not know exists.
    Refused,
    /// Answered, but without the colleague's lead in it.
    Scoped,
}

struct Call {
    path: &'static str,
    /// A JSON body, or a form body when a string.
    body: Value,
    expect: Expect,
}

fn call(path: &'static str, body: Value, expect: Expect) -> Call {
    Call { path, body, expect }
}

/// The colleague's things the sweep aims at.
struct Target {
    lead: Id,
    version: i64,
    note: Id,
    task: Id,
    enrolled_lead: Id,
    contract: Id,
    group: Id,
    stage: Id,
    token: Id,
    notification: Id,
    anna: Id,
    boris: Id,
}

const MARKER: &str = "Чужаков";

fn calls(t: &Target) -> Vec<Call> {
    use Expect::*;
    let draft = LeadDraft { first_name: "Взломщик".into(), stage_id: Some(t.stage), ..LeadDraft::default() };
    let task = TaskDraft {
        title: "Чужая задача".into(),
        kind: TaskKind::Call,
        due_local: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap().and_hms_opt(10, 0, 0).unwrap(),
        assignee_id: Some(t.boris),
        lead_id: Some(t.lead),
    };
    let enrol = EnrolmentDraft {
        lead_id: t.lead,
        group_id: Some(t.group),
        number: "X-1".into(),
        signed_on: NaiveDate::from_ymd_opt(2027, 1, 15),
        price: "1 000".into(),
        expected_version: t.version,
    };
    let promote = SettingsChange::User(UserChange::SetRole { id: t.boris, role: Role::Owner });
    let group = GroupDraft {
        id: Some(t.group),
        name: "Угнанная группа".into(),
        category_id: None,
        branch_id: None,
        start_date: None,
        capacity: 1,
        status: GroupStatus::Finished,
    };
    let own = LeadDraft { first_name: "Свой".into(), stage_id: Some(t.stage), ..LeadDraft::default() };
    let v = t.version;
    vec![
        call("/api/sign_in", Value::String("login=nobody&password=wrong+password".into()), Public),
        call("/api/sign_out", Value::String(String::new()), Public),
        call("/api/session_info", Value::String(String::new()), Public),
        call("/api/set_language", Value::String("lang=en".into()), Public),
        call(
            "/api/set_up",
            Value::String("school_name=X&owner_name=X&owner_login=xx&owner_password=long+enough+1&preset=simple".into()),
            Public,
        ),
        call("/api/lead_details", Value::String(format!("id={}", t.lead)), Refused),
        call("/api/save_lead", json!({ "lead_id": t.lead, "expected_version": v, "draft": draft }), Refused),
        call("/api/lead_action", json!({ "lead_id": t.lead, "expected_version": v, "action": LeadChange::Archive }), Refused),
        call("/api/lead_action", json!({ "lead_id": t.lead, "expected_version": v, "action": LeadChange::Transfer(t.boris) }), Refused),
        call("/api/lead_timeline", json!({ "lead_id": t.lead, "kinds": [], "before": null }), Refused),
        call("/api/save_note", json!({ "lead_id": t.lead, "entry_id": null, "text": "чужая заметка" }), Refused),
        call("/api/save_note", json!({ "lead_id": t.lead, "entry_id": t.note, "text": "исправлено" }), Refused),
        call("/api/save_note", json!({ "lead_id": t.lead, "entry_id": t.note, "text": null }), Refused),
        call("/api/move_lead", json!({ "lead_id": t.lead, "to_stage": t.stage + 1, "reason": null, "expected_version": v }), Refused),
        call("/api/call_no_answer", json!({ "lead_id": t.lead }), Refused),
        call(
            "/api/call_reached",
            json!({ "lead_id": t.lead, "note": "дозвонился", "to_stage": null, "reason": null, "expected_version": v }),
            Refused,
        ),
        call("/api/save_task", json!({ "task_id": t.task, "expected_version": 1, "draft": task }), Refused),
        call("/api/save_task", json!({ "task_id": null, "expected_version": 0, "draft": task }), Refused),
        call("/api/set_task_done", json!({ "task_id": t.task, "expected_version": 1, "done": true }), Refused),
        call("/api/my_tasks", json!({ "whose": t.anna }), Refused),
        call("/api/enrolment_options", Value::String(format!("lead_id={}", t.enrolled_lead)), Refused),
        call("/api/enrol_lead", json!({ "draft": enrol }), Refused),
        call("/api/cancel_enrolment", json!({ "contract_id": t.contract, "reason": "чужой договор" }), Refused),
        call("/api/save_group", json!({ "draft": group }), Refused),
        call("/api/load_groups", Value::String(String::new()), Refused),
        call("/api/load_reports", Value::String("query=".into()), Refused),
        call("/api/import_history", Value::String(String::new()), Refused),
        call("/api/api_tokens", Value::String(String::new()), Refused),
        call("/api/create_api_token", json!({ "name": "мой", "scopes": [Scope::LeadsRead] }), Refused),
        call("/api/revoke_api_token", Value::String(format!("id={}", t.token)), Refused),
        call("/api/automation_settings", Value::String(String::new()), Refused),
        call("/api/change_rule", json!({ "change": RuleChange::Delete(1) }), Refused),
        call("/api/load_settings", Value::String(String::new()), Refused),
        call("/api/change_settings", json!({ "change": promote }), Refused),
        call("/api/load_board", Value::String("query=".into()), Scoped),
        call(
            "/api/load_column",
            json!({ "query": "", "stage_id": t.stage, "after": { "stage_changed_at": Utc::now(), "id": i64::MAX } }),
            Scoped,
        ),
        call("/api/load_list", json!({ "query": "", "after": null }), Scoped),
        call("/api/quick_search", json!({ "q": MARKER }), Scoped),
        call("/api/call_list", json!({ "query": "", "step": CallStep::Current }), Scoped),
        call("/api/filter_options", Value::String(String::new()), Scoped),
        call(
            "/api/quick_add",
            json!({ "stage_id": t.stage, "first_name": "Свой", "phone": "", "category_id": null, "confirmed": true }),
            Scoped,
        ),
        call("/api/create_lead", json!({ "draft": own, "confirmed": true }), Scoped),
        call("/api/pulse", Value::String(String::new()), Scoped),
        call("/api/notifications", Value::String(String::new()), Scoped),
        call("/api/mark_notifications_read", json!({ "ids": [t.notification] }), Scoped),
    ]
}

fn request(c: &Call, cookie: Option<&str>) -> axum::http::Request<Body> {
    let mut r = post(c.path);
    if let Some(cookie) = cookie {
        r = r.header(header::COOKIE, cookie);
    }
    match &c.body {
        Value::String(form) => r.body(Body::from(form.clone())).unwrap(),
        json => r.header(header::CONTENT_TYPE, "application/json").body(Body::from(json.to_string())).unwrap(),
    }
}

/// What must not change: the lead's version and timeline, the note, the task, the contract, the
/// token, the notification, the group and Boris's role.
async fn fingerprint(db: &Db, t: &Target) -> Vec<i64> {
    vec![
        scalar(db, &format!("SELECT CAST(version AS BIGINT) FROM leads WHERE id = {}", t.lead)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM timeline WHERE lead_id = {}", t.lead)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM timeline WHERE id = {} AND data LIKE '%первая заметка%'", t.note)).await,
        scalar(db, &format!("SELECT CAST(version AS BIGINT) FROM tasks WHERE id = {}", t.task)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM contracts WHERE id = {} AND cancelled_at IS NULL", t.contract)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM api_tokens WHERE id = {} AND revoked_at IS NULL", t.token)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM notifications WHERE id = {} AND read_at IS NULL", t.notification)).await,
        scalar(db, &format!("SELECT CAST(capacity AS BIGINT) FROM training_groups WHERE id = {}", t.group)).await,
        scalar(db, &format!("SELECT COUNT(*) FROM users WHERE id = {} AND role = 'sales'", t.boris)).await,
        scalar(db, "SELECT COUNT(*) FROM tasks").await,
    ]
}

async fn target(db: &Db) -> Target {
    let owner = set_up(db, StagePreset::Simple).await;
    let anna = user(db, "anna", Role::Sales).await;
    let boris = user(db, "boris", Role::Sales).await;
    backend::settings::set_lead_visibility(db, &owner, LeadVisibility::Own).await.unwrap();
    let stage = backend::stages::list_stages(db).await.unwrap()[0].id;
    let category = scalar(db, "SELECT id FROM categories WHERE name = 'B'").await;
    let lead_draft = |name: &str| LeadDraft {
        first_name: name.into(),
        surname: MARKER.into(),
        stage_id: Some(stage),
        category_id: Some(category),
        ..LeadDraft::default()
    };
    let lead = backend::leads::create_lead(db, &anna, lead_draft("Анна")).await.unwrap();
    let enrolled = backend::leads::create_lead(db, &anna, lead_draft("Алла")).await.unwrap();
    let note = backend::timeline::add_note(db, &anna, lead.id, "первая заметка").await.unwrap();
    let due_local = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let task_draft =
        TaskDraft {
            title: "Перезвонить".into(), kind: TaskKind::Call, due_local, assignee_id: Some(anna.id), lead_id: Some(lead.id)
        };
    let task = backend::tasks::create_task(db, &owner, task_draft).await.unwrap();
    let group_draft = GroupDraft {
        id: None,
        name: "B-1".into(),
        category_id: Some(category),
        branch_id: None,
        start_date: NaiveDate::from_ymd_opt(2027, 2, 1),
        capacity: 10,
        status: GroupStatus::Recruiting,
    };
    let group = backend::groups::save_group(db, &owner, &group_draft).await.unwrap();
    let enrol = EnrolmentDraft {
        lead_id: enrolled.id,
        group_id: Some(group),
        number: "B-2027-1".into(),
        signed_on: NaiveDate::from_ymd_opt(2027, 1, 15),
        price: "45 000".into(),
        expected_version: enrolled.version,
    };
    backend::enrolment::enrol(db, &owner, &enrol).await.unwrap();
    let contract = scalar(db, &format!("SELECT id FROM contracts WHERE lead_id = {}", enrolled.id)).await;
    let (token, _) = backend::tokens::create(db, &owner, "сайт", &[Scope::LeadsWrite]).await.unwrap();
    let notification = scalar(db, &format!("SELECT id FROM notifications WHERE user_id = {}", anna.id)).await;
    let lead = backend::leads::get_lead(db, lead.id).await.unwrap().unwrap();
    Target {
        lead: lead.id,
        version: lead.version,
        note,
        task: task.id,
        enrolled_lead: enrolled.id,
        contract,
        group,
        stage,
        token,
        notification,
        anna: anna.id,
        boris: boris.id,
    }
}

both!(every_server_function_is_swept, |db| async move {
    let t = target(&db).await;
    let calls = calls(&t);
    let registered: std::collections::BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let swept: std::collections::BTreeSet<String> = calls.iter().map(|c| c.path.to_string()).collect();
    assert_eq!(registered, swept, "every registered server function is in the sweep, and only those");

    let app = app(&db);
    let before = fingerprint(&db, &t).await;
    for c in calls.iter().filter(|c| c.expect != Expect::Public) {
        let response = send(&app, request(c, None)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "anonymous {} {}", c.path, c.body);
    }
    let boris = session(&app, "boris").await;
    for c in calls.iter().filter(|c| c.expect != Expect::Public) {
        let response = send(&app, request(c, Some(&boris))).await;
        let status = response.status();
        let answer = bytes(response).await;
        let body = String::from_utf8_lossy(&answer);
        match c.expect {
            // A reference to something not visible reads as "no such lead" (422 on that field).
            Expect::Refused => assert!(
                status == StatusCode::FORBIDDEN
                    || status == StatusCode::NOT_FOUND
                    || (status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("not_found")),
                "{} {} answered {status}: {body}",
                c.path,
                c.body
            ),
            _ => {
                assert!(status.is_success(), "{} {} answered {status}: {body}", c.path, c.body);
                assert!(!mentions(&answer, MARKER), "{} showed a colleague's lead: {body}", c.path);
            }
        }
    }
    assert_eq!(fingerprint(&db, &t).await, before, "nothing of Anna's changed");
});
