//! The HTTP surface on both databases: health, the CSRF guard, sign-in with its cookie and
//! throttle, and server functions refusing anonymous callers.

use app::api::list::{ListAnswer, SearchAnswer};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use backend::both;
use backend::testing::{set_up, user, PASSWORD};
use common::{answer, app, post, post_json, send, session_cookie, sign_in, text};
use domain::list::CallListState;
use domain::preset::StagePreset;
use domain::user::Role;
use http_body_util::BodyExt;

mod common;

both!(health_reports_the_database, |db| async move {
    let response = send(&app(&db), Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"]["status"], "ok");
    assert_eq!(json["database"]["kind"], db.backend_name());
});

both!(cross_site_posts_are_refused, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let app = app(&db);
    let body = format!("login=owner&password={}", PASSWORD.replace(' ', "+"));
    let evil = post("/api/sign_in").header(header::ORIGIN, "https://evil.example").body(Body::from(body.clone())).unwrap();
    assert_eq!(send(&app, evil).await.status(), StatusCode::FORBIDDEN);
    let fetch_meta = post("/api/sign_in").header("sec-fetch-site", "cross-site").body(Body::from(body.clone())).unwrap();
    assert_eq!(send(&app, fetch_meta).await.status(), StatusCode::FORBIDDEN);
    let same = post("/api/sign_in").header(header::ORIGIN, "http://127.0.0.1:3000").body(Body::from(body)).unwrap();
    assert_ne!(send(&app, same).await.status(), StatusCode::FORBIDDEN, "same-origin posts pass the guard");
});

both!(sign_in_sets_a_safe_cookie_and_cycles_it, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let app = app(&db);
    let first = sign_in(&app, "owner", PASSWORD, None).await;
    let cookie = session_cookie(&first);
    assert_eq!(first.status(), StatusCode::OK, "{}", text(first).await);
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests");
    let pair = cookie.split(';').next().unwrap().to_string();

    // The session works for server functions...
    let board = send(&app, post("/api/load_board").header(header::COOKIE, &pair).body(Body::from("query=")).unwrap()).await;
    assert_eq!(board.status(), StatusCode::OK);
    // ...and signing in again gets a new session id (no fixation).
    let second = sign_in(&app, "owner", PASSWORD, Some(&pair)).await;
    let next = session_cookie(&second).expect("a new cookie");
    assert_ne!(next.split(';').next().unwrap(), pair);
});

both!(anonymous_calls_get_401_and_bad_logins_are_throttled, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    user(&db, "anna", Role::Sales).await;
    let app = app(&db);
    let board = send(&app, post("/api/load_board").body(Body::from("query=")).unwrap()).await;
    assert_eq!(board.status(), StatusCode::UNAUTHORIZED);
    assert!(text(board).await.contains("Unauthorized"));

    let wrong = sign_in(&app, "anna", "wrong password", None).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none(), "no session for a failed sign-in");
    for _ in 0..4 {
        sign_in(&app, "anna", "wrong password", None).await;
    }
    let throttled = sign_in(&app, "anna", PASSWORD, None).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
});

both!(set_up_is_one_time_over_http, |db| async move {
    let app = app(&db);
    let page = send(&app, Request::get("/").header(header::ACCEPT, "text/html").body(Body::empty()).unwrap()).await;
    assert!(page.status().is_redirection(), "{}", page.status());
    assert_eq!(page.headers()[header::LOCATION], "/setup");
    let form = "school_name=Школа&owner_name=Ольга&owner_login=olga&owner_password=long+enough&preset=simple";
    let done = send(&app, post("/api/set_up").body(Body::from(form)).unwrap()).await;
    assert!(done.status().is_success() || done.status().is_redirection(), "{}", done.status());
    let again = send(&app, post("/api/set_up").body(Body::from(form)).unwrap()).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad_preset = "school_name=Школа&owner_name=Ольга&owner_login=olga&owner_password=long+enough&preset=huge&timezone=Europe%2FSamara";
    let refused = send(&app, post("/api/set_up").body(Body::from(bad_preset)).unwrap()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
});

both!(the_live_stream_needs_a_session, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let app = app(&db);
    let anonymous = send(&app, Request::get("/events").body(Body::empty()).unwrap()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let signed_in = sign_in(&app, "owner", PASSWORD, None).await;
    let pair = session_cookie(&signed_in).unwrap().split(';').next().unwrap().to_string();
    let stream = send(&app, Request::get("/events").header(header::COOKIE, pair).body(Body::empty()).unwrap()).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[header::CONTENT_TYPE], "text/event-stream");
});

both!(search_list_and_call_list_over_http, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    let draft = |name: &str, phone: &str| domain::lead::LeadDraft {
        first_name: name.into(),
        phone: phone.into(),
        stage_id: Some(stage),
        ..Default::default()
    };
    let annas = backend::leads::create_lead(&db, &anna, draft("Алиса", "+79876512233")).await.unwrap();
    backend::leads::create_lead(&db, &boris, draft("Борис", "+79001112233")).await.unwrap();
    let app = app(&db);

    let anonymous = send(
        &app,
        post("/api/quick_search").header(header::CONTENT_TYPE, "application/json").body(Body::from(r#"{"q":"98765"}"#)).unwrap(),
    )
    .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let signed_in = sign_in(&app, "boris", PASSWORD, None).await;
    let cookie = session_cookie(&signed_in).unwrap().split(';').next().unwrap().to_string();
    let found = send(&app, post_json("/api/quick_search", &cookie, r#"{"q":"8 (987) 651"}"#)).await;
    assert_eq!(found.status(), StatusCode::OK);
    let found: SearchAnswer = answer(found).await;
    let names: Vec<&str> = found.rows.iter().map(|r| r.name.as_str()).collect();
    assert!(names.iter().any(|n| n.contains("Алиса")) && !names.iter().any(|n| n.contains("Борис")), "{names:?}");
    let short = send(&app, post_json("/api/quick_search", &cookie, r#"{"q":"98"}"#)).await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A hand-made call whose body does not decode is the caller's mistake: 400, not 500.
    let garbled = send(&app, post_json("/api/quick_search", &cookie, r#"{"query":"98765"}"#)).await;
    assert_eq!(garbled.status(), StatusCode::BAD_REQUEST);
    assert_eq!(text(garbled).await, r#""BadRequest""#);

    let page = send(&app, post_json("/api/load_list", &cookie, r#"{"query":"sort=name&size=25&colour=red","after":null}"#)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page: ListAnswer = answer(page).await;
    assert_eq!(page.page.total, domain::count::Count { value: 2, more: false });
    assert!(page.ignored.iter().any(|p| p.key == "colour"), "{:?}", page.ignored);

    // Boris may read Anna's lead but not log calls on it; a made-up lead is simply not there.
    let not_his = send(&app, post_json("/api/call_no_answer", &cookie, &format!(r#"{{"lead_id":{}}}"#, annas.id))).await;
    assert_eq!(not_his.status(), StatusCode::FORBIDDEN);
    let missing = send(&app, post_json("/api/call_no_answer", &cookie, r#"{"lead_id":999999}"#)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let state = send(&app, post_json("/api/call_list", &cookie, r#"{"query":"","step":"Current"}"#)).await;
    assert_eq!(state.status(), StatusCode::OK);
    let state: CallListState = answer(state).await;
    assert_eq!((state.position, state.total), (1, 2));
});

both!(export_needs_a_session_and_follows_the_filter, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    for name in ["Экспортов", "Другой"] {
        let draft = domain::lead::LeadDraft { first_name: name.into(), stage_id: Some(stage), ..Default::default() };
        backend::leads::create_lead(&db, &owner, draft).await.unwrap();
    }
    let app = app(&db);
    let anonymous = send(&app, Request::get("/export/leads.csv").body(Body::empty()).unwrap()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let signed_in = sign_in(&app, "owner", PASSWORD, None).await;
    let cookie = session_cookie(&signed_in).unwrap().split(';').next().unwrap().to_string();
    let csv = send(
        &app,
        Request::get("/export/leads.csv?q=%D0%AD%D0%BA%D1%81%D0%BF").header(header::COOKIE, &cookie).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("leads.csv"));
    let body = text(csv).await;
    assert!(body.starts_with("\u{feff}Фамилия;Имя/обращение"), "{body}");
    assert!(body.contains("Экспортов") && !body.contains("Другой"), "{body}");
    let xlsx = send(&app, Request::get("/export/leads.xlsx").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(xlsx.into_body(), usize::MAX).await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
});

both!(exports_stream_the_whole_list, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    for i in 0..1_200 {
        let draft = domain::lead::LeadDraft { first_name: format!("Экспорт{i}"), stage_id: Some(stage), ..Default::default() };
        backend::leads::create_lead(&db, &owner, draft).await.unwrap();
    }
    let app = app(&db);
    let cookie = session_cookie(&sign_in(&app, "owner", PASSWORD, None).await).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let get =
        |path: &str| Request::get(path).header(header::HOST, "127.0.0.1:3000").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    let csv = send(&app, get("/export/leads.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = text(csv).await;
    assert!(text.starts_with("\u{feff}Фамилия;"));
    // The header and every lead, across several chunks.
    assert_eq!(text.lines().count(), 1 + 1_200);
    assert!(text.contains("Экспорт1199"));
    let xlsx = send(&app, get("/export/leads.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(backend::import::read::read_table(&bytes).unwrap().len(), 1 + 1_200);
});

both!(the_api_refuses_cross_site_posts_and_ignores_session_cookies, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let (_, token) = backend::tokens::create(&db, &owner, "Сайт", &[domain::api::Scope::LeadsWrite]).await.unwrap();
    let app = app(&db);
    let lead = r#"{"first_name":"Межсайтов"}"#;
    let api_post = |extra: (&'static str, String)| {
        Request::post("/api/v1/leads")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/json")
            .header(extra.0, extra.1)
            .body(Body::from(lead))
            .unwrap()
    };
    // A page on another site cannot post through a visitor's browser, token or not.
    let mut evil = api_post((header::AUTHORIZATION.as_str(), format!("Bearer {token}")));
    evil.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert_eq!(send(&app, evil).await.status(), StatusCode::FORBIDDEN);
    let mut fetch_meta = api_post((header::AUTHORIZATION.as_str(), format!("Bearer {token}")));
    fetch_meta.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&app, fetch_meta).await.status(), StatusCode::FORBIDDEN);
    // A signed-in browser's cookie is no credential for the API: only tokens are.
    let cookie = common::session(&app, "owner").await;
    let with_cookie = send(&app, api_post((header::COOKIE.as_str(), cookie))).await;
    assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);
    let leads = backend::with_pool!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM leads").fetch_one(pool).await).unwrap();
    assert_eq!(leads, 0, "nothing was created");
});

both!(database_failures_never_show_database_text, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let (_, token) = backend::tokens::create(&db, &owner, "Чтение", &[domain::api::Scope::LeadsRead]).await.unwrap();
    let app = app(&db);
    let cookie = common::session(&app, "owner").await;
    // The stages table goes missing under the running server.
    backend::with_pool!(&db, pool => sqlx::query("ALTER TABLE stages RENAME TO stages_gone").execute(pool).await.map(|_| ())).unwrap();
    let leaks = ["stages", "sqlx", "SELECT", "relation", "no such table", "database", "error returned"];

    let board = send(&app, post("/api/load_board").header(header::COOKIE, &cookie).body(Body::from("query=")).unwrap()).await;
    assert_eq!(board.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = text(board).await;
    assert!(!leaks.iter().any(|l| body.contains(l)), "server function answered {body}");

    let api = Request::get("/api/v1/leads")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let api = send(&app, api).await;
    assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = text(api).await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["code"], "internal", "{body}");
    assert!(!leaks.iter().any(|l| body.contains(l)), "API answered {body}");

    let page =
        send(&app, Request::get("/").header(header::COOKIE, &cookie).header(header::ACCEPT, "text/html").body(Body::empty()).unwrap())
            .await;
    let body = text(page).await;
    assert!(!body.contains("stages_gone") && !body.contains("no such table") && !body.contains("does not exist"), "page showed {body}");
});

both!(a_transfer_out_of_the_readers_sight_answers_that_it_was_made, |db| async move {
    use app::api::lead::{LeadChange, LeadView};
    use domain::lead::{Lead, LeadDraft};
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    backend::settings::set_lead_visibility(&db, &owner, domain::settings::LeadVisibility::Own).await.unwrap();
    let stage = backend::stages::list_stages(&db).await.unwrap()[0].id;
    let draft = LeadDraft { first_name: "Передаваемый".into(), stage_id: Some(stage), ..LeadDraft::default() };
    let kept = backend::leads::create_lead(&db, &anna, draft.clone()).await.unwrap();
    let handed = backend::leads::create_lead(&db, &anna, draft).await.unwrap();
    assert_eq!(handed.responsible_id, Some(anna.id));
    let app = app(&db);
    let cookie = common::session(&app, "anna").await;
    let act = |lead: &Lead, action: LeadChange| {
        let body = serde_json::json!({ "lead_id": lead.id, "expected_version": lead.version, "action": action });
        post_json("/api/lead_action", &cookie, &body.to_string())
    };

    // Archived, the lead is still anna's: the fresh card comes back.
    let response = send(&app, act(&kept, LeadChange::Archive)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: Option<LeadView> = answer(response).await;
    assert_eq!(view.map(|v| (v.lead.archived, v.lead.version)), Some((true, kept.version + 1)));

    // Handed to boris, it leaves her sight: the answer says the change was made, not "not found".
    let response = send(&app, act(&handed, LeadChange::Transfer(boris.id))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: Option<LeadView> = answer(response).await;
    assert!(view.is_none());
    let now = backend::leads::get_lead(&db, handed.id).await.unwrap().unwrap();
    assert_eq!((now.responsible_id, now.version), (Some(boris.id), handed.version + 1));
});
