//! What the HTTP tests share: the router on a test database and requests as a browser sends them.

#![allow(dead_code, reason = "each test file uses a different part")]

use axum::body::Body;
use axum::http::{header, Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;
use voronka_server::cli::ServeArgs;

pub fn app(db: &backend::Db) -> axum::Router {
    let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
    let args = ServeArgs {
        addr: "127.0.0.1:3000".parse().unwrap(),
        site_root: "target/site".into(),
        secure_cookie: false,
        session_idle_minutes: 60,
        db_connections: None,
        api_requests_per_minute: voronka_server::api::REQUESTS_PER_MINUTE,
    };
    voronka_server::http::router(db.clone(), &args)
}

/// A same-origin form POST, as the app's forms send server function calls.
pub fn post(path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
}

pub fn post_json(path: &str, cookie: &str, body: &str) -> Request<Body> {
    post(path).header(header::CONTENT_TYPE, "application/json").header(header::COOKIE, cookie).body(Body::from(body.to_string())).unwrap()
}

pub async fn send(app: &axum::Router, request: Request<Body>) -> Response<Body> {
    app.clone().oneshot(request).await.unwrap()
}

pub async fn bytes(response: Response<Body>) -> Vec<u8> {
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// The body as text; a server function's postcard answer shows its strings among `�`.
pub async fn text(response: Response<Body>) -> String {
    String::from_utf8_lossy(&bytes(response).await).into_owned()
}

/// A server function's answer, decoded as the browser decodes it (app/src/wire.rs).
pub async fn answer<T: serde::de::DeserializeOwned>(response: Response<Body>) -> T {
    let body = bytes(response).await;
    postcard::from_bytes(&body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)))
}

/// Whether `body` holds `text`, byte for byte (postcard keeps strings as they are).
pub fn mentions(body: &[u8], text: &str) -> bool {
    body.windows(text.len()).any(|w| w == text.as_bytes())
}

pub fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("voronka_session="))
        .map(str::to_string)
}

pub async fn sign_in(app: &axum::Router, login: &str, password: &str, cookie: Option<&str>) -> Response<Body> {
    let body = format!("login={login}&password={}", password.replace(' ', "+"));
    let mut request = post("/api/sign_in");
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

/// Signs in and answers the `name=value` pair to send as the Cookie header.
pub async fn session(app: &axum::Router, login: &str) -> String {
    let response = sign_in(app, login, backend::testing::PASSWORD, None).await;
    let cookie = session_cookie(&response).unwrap_or_else(|| panic!("{login} signs in"));
    cookie.split(';').next().unwrap().to_string()
}

/// One integer from SQL, on either database.
pub async fn scalar(db: &backend::Db, sql: &str) -> i64 {
    backend::with_pool!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).unwrap()
}
