//! The integration API on both databases: tokens and scopes, lead intake with duplicate matching
//! and idempotent retries, reads with paging, the call log, and every error status.

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use backend::testing::{set_up, user};
use backend::{both, tokens};
use common::app;
use domain::api::Scope;
use domain::preset::StagePreset;
use domain::user::Role;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path).header(header::HOST, "127.0.0.1:3000");
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(k) = key {
        request = request.header("idempotency-key", k);
    }
    let request = match body {
        Some(b) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
        None => request.body(Body::empty()).unwrap(),
    };
    let response: Response<Body> = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

both!(tokens_scopes_and_lead_intake, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let app = app(&db);
    // Only owner and director manage tokens.
    assert_eq!(
        domain::AppError::from(tokens::create(&db, &sales, "x", &[Scope::LeadsWrite]).await.unwrap_err()),
        domain::AppError::Forbidden
    );
    let (_, writer) = tokens::create(&db, &owner, "Сайт", &[Scope::LeadsWrite]).await.unwrap();
    let (reader_id, reader) = tokens::create(&db, &owner, "Отчёты", &[Scope::LeadsRead]).await.unwrap();

    // No token, a wrong token, a token without the scope.
    let lead = json!({ "first_name": "Евгений", "phone": "8 (917) 123-45-78", "category": "b", "note": "С сайта" });
    assert_eq!(call(&app, "POST", "/api/v1/leads", None, Some(lead.clone()), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, "POST", "/api/v1/leads", Some("vrk_nope"), Some(lead.clone()), None).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = call(&app, "POST", "/api/v1/leads", Some(&reader), Some(lead.clone()), None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));

    // Created, with the category matched by name and the phone normalised.
    let (status, created) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(lead.clone()), Some("form-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["duplicate_of"], Value::Null);
    // The retry with the same key creates nothing.
    let (status, again) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(lead.clone()), Some("form-1")).await;
    assert_eq!((status, again["id"].as_i64(), again["replayed"].as_bool()), (StatusCode::OK, Some(id), Some(true)));
    // The same phone and category without a key: a duplicate, said so.
    let (status, dup) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(lead.clone()), None).await;
    assert_eq!((status, dup["duplicate_of"].as_i64()), (StatusCode::CREATED, Some(id)));

    // Field errors name the field; malformed JSON is 400; unknown fields are refused.
    let (status, bad) =
        call(&app, "POST", "/api/v1/leads", Some(&writer), Some(json!({ "first_name": "Ы", "phone": "12345" })), None).await;
    assert_eq!(
        (status, bad["code"].as_str(), bad["field"].as_str(), bad["reason"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation"), Some("phone"), Some("phone"))
    );
    let (status, bad) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(json!({ "first_name": "Ы", "category": "Z" })), None).await;
    assert_eq!((status, bad["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")));
    let (status, _) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(json!({ "first_name": 5 })), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(&app, "POST", "/api/v1/leads", Some(&writer), Some(json!({ "first_name": "Ы", "admin": true })), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let huge = json!({ "first_name": "x".repeat(70 * 1024) });
    assert_eq!(call(&app, "POST", "/api/v1/leads", Some(&writer), Some(huge), None).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    // Reads: one lead, pages in id order.
    let (status, one) = call(&app, "GET", &format!("/api/v1/leads/{id}"), Some(&reader), None, None).await;
    assert_eq!((status, one["phone"].as_str(), one["category"].as_str()), (StatusCode::OK, Some("+79171234578"), Some("B")));
    assert_eq!(call(&app, "GET", "/api/v1/leads/999999", Some(&reader), None, None).await.0, StatusCode::NOT_FOUND);
    let (status, page) = call(&app, "GET", "/api/v1/leads?limit=1", Some(&reader), None, None).await;
    assert_eq!((status, page["leads"].as_array().unwrap().len()), (StatusCode::OK, 1));
    // The total is the whole list's, on every page.
    assert_eq!(page["total"], json!({ "value": 2, "more": false }));
    let next = page["next"].as_i64().unwrap();
    let (_, rest) = call(&app, "GET", &format!("/api/v1/leads?limit=10&after={next}"), Some(&reader), None, None).await;
    assert_eq!(rest["leads"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next"], Value::Null);
    assert_eq!(rest["total"], json!({ "value": 2, "more": false }));
    let (_, filtered) = call(&app, "GET", "/api/v1/leads?q=Zzzzz", Some(&reader), None, None).await;
    assert_eq!((filtered["leads"].as_array().map(Vec::len), &filtered["total"]), (Some(0), &json!({ "value": 0, "more": false })));
    assert_eq!(call(&app, "GET", "/api/v1/leads?limit=0", Some(&reader), None, None).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // A filter the API cannot read is refused by name, never dropped (which would list every lead).
    for (query, field, reason) in [
        ("stge=3", "stge", "unknown_parameter"),
        ("limit=5&stage=abc", "stage", "out_of_range"),
        ("created_from=2026-13-01", "created_from", "date"),
        ("q=ab", "q", "search_too_short"),
        ("sort=name", "sort", "unknown_parameter"),
    ] {
        let (status, refused) = call(&app, "GET", &format!("/api/v1/leads?{query}"), Some(&reader), None, None).await;
        assert_eq!(
            (status, refused["field"].as_str(), refused["reason"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field), Some(reason)),
            "{query}"
        );
    }
    assert_eq!(
        call(&app, "GET", "/api/v1/leads?q=%D0%95%D0%B2%D0%B3", Some(&reader), None, None).await.1["leads"].as_array().unwrap().len(),
        2
    );

    // A revoked token stops working; the list shows it revoked.
    tokens::revoke(&db, &owner, reader_id).await.unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/leads", Some(&reader), None, None).await.0, StatusCode::UNAUTHORIZED);
    let listed = tokens::list(&db, &owner).await.unwrap();
    assert!(listed.iter().any(|t| t.id == reader_id && t.revoked));
    assert!(listed.iter().any(|t| t.name == "Сайт" && t.last_used_at.is_some()));
});

both!(calls_are_matched_by_phone_and_unknown_numbers_follow_the_setting, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let app = app(&db);
    let (_, token) = tokens::create(&db, &owner, "АТС", &[Scope::CallsWrite, Scope::LeadsWrite]).await.unwrap();
    let (_, made) =
        call(&app, "POST", "/api/v1/leads", Some(&token), Some(json!({ "first_name": "Мария", "phone": "+79991259999" })), None).await;
    let id = made["id"].as_i64().unwrap();
    let at = chrono::Utc::now() - chrono::Duration::minutes(10);
    let report = json!({ "phone": "8 999 125-99-99", "direction": "incoming", "started_at": at, "duration_secs": 95, "recording_url": "https://pbx.example/rec/1.mp3" });
    let (status, logged) = call(&app, "POST", "/api/v1/calls", Some(&token), Some(report), None).await;
    assert_eq!((status, logged["lead_ids"].clone()), (StatusCode::CREATED, json!([id])), "{logged}");
    let calls = backend::timeline::list(&db, &owner, id, &["call".into()], None).await.unwrap();
    assert_eq!(calls.len(), 1);

    // An unknown number: nothing, until the school says to create leads.
    let unknown = json!({ "phone": "+79170000001", "direction": "incoming", "started_at": at, "duration_secs": 5 });
    let (_, nothing) = call(&app, "POST", "/api/v1/calls", Some(&token), Some(unknown.clone()), None).await;
    assert_eq!((nothing["lead_ids"].clone(), nothing["created_lead"].clone()), (json!([]), Value::Null));
    let school = backend::settings::settings_or_default(&db).await.unwrap();
    let form = domain::config::SchoolForm {
        name: school.name.clone(),
        timezone: school.timezone.clone(),
        lead_visibility: school.lead_visibility,
        first_contact_minutes: school.first_contact_minutes,
        calls_create_leads: true,
    };
    backend::settings::update_school(&db, &owner, form).await.unwrap();
    let (_, created) = call(&app, "POST", "/api/v1/calls", Some(&token), Some(unknown), None).await;
    assert!(created["created_lead"].as_i64().is_some(), "{created}");

    // Bad reports are named.
    for (bad, field) in [
        (json!({ "phone": "123", "direction": "incoming", "started_at": at, "duration_secs": 5 }), "phone"),
        (json!({ "phone": "+79991259999", "direction": "sideways", "started_at": at, "duration_secs": 5 }), "direction"),
        (json!({ "phone": "+79991259999", "direction": "incoming", "started_at": at, "duration_secs": -1 }), "duration_secs"),
        (
            json!({ "phone": "+79991259999", "direction": "incoming", "started_at": at, "duration_secs": 1, "recording_url": "javascript:alert(1)" }),
            "recording_url",
        ),
        (json!({ "phone": "+79991259999", "direction": "incoming", "started_at": at, "duration_secs": 1, "user": "nobody" }), "user"),
    ] {
        let (status, body) = call(&app, "POST", "/api/v1/calls", Some(&token), Some(bad), None).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)));
    }
});

both!(the_openapi_document_lists_every_endpoint_and_the_budget_holds, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let app = app(&db);
    let (status, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None, None).await;
    assert_eq!(status, StatusCode::OK);
    for path in ["/api/v1/leads", "/api/v1/leads/{id}", "/api/v1/calls"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert_eq!(call(&app, "GET", "/api/v1/nothing", None, None, None).await.0, StatusCode::NOT_FOUND);
    let (_, token) = tokens::create(&db, &owner, "Бот", &[Scope::LeadsRead]).await.unwrap();
    let mut limited = None;
    for _ in 0..=voronka_server::api::REQUESTS_PER_MINUTE {
        let (status, body) = call(&app, "GET", "/api/v1/leads?limit=1", Some(&token), None, None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(body);
            break;
        }
    }
    assert_eq!(limited.and_then(|b| b["code"].as_str().map(str::to_string)).as_deref(), Some("rate_limited"));
});
