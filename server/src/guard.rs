//! CSRF protection: a state-changing request (anything but GET, HEAD, OPTIONS) is refused when
//! the browser says it comes from another site — by `Sec-Fetch-Site: cross-site`, or by an
//! `Origin` whose host differs from the `Host` the request was sent to.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn same_origin_only(request: Request, next: Next) -> Response {
    if is_safe(request.method()) || !is_cross_site(&request) {
        return next.run(request).await;
    }
    tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-site request");
    let body = serde_json::json!({ "code": "forbidden", "message": "cross-site request refused" });
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Browsers send Origin on every cross-origin POST; without it the request is not from
        // another site's page (curl, server-to-server).
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin.to_str().ok().and_then(origin_host), host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        // "null" or unreadable origins, or no Host to compare with: refuse.
        _ => true,
    }
}

/// `https://school.example:8443` → `school.example:8443`.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method(method).uri("/api/sign_in");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let host = ("host", "127.0.0.1:3000");
        assert!(!is_cross_site(&request(Method::POST, &[host, ("origin", "http://127.0.0.1:3000")])));
        assert!(!is_cross_site(&request(Method::POST, &[host, ("sec-fetch-site", "same-origin")])));
        assert!(!is_cross_site(&request(Method::POST, &[host])));
        assert!(is_cross_site(&request(Method::POST, &[host, ("origin", "https://evil.example")])));
        assert!(is_cross_site(&request(Method::POST, &[host, ("origin", "null")])));
        assert!(is_cross_site(&request(Method::POST, &[host, ("sec-fetch-site", "cross-site")])));
        assert!(is_safe(&Method::GET) && !is_safe(&Method::DELETE));
    }
}
