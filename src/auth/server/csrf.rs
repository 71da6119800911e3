//! CSRF protection for cookie-authenticated writes. Browsers say where a request comes
//! from (Origin, Sec-Fetch-Site); a write from another site is refused. Requests with a
//! bearer token carry no ambient credentials and pass.

use crate::error::AppError;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check_origin(request: Request, next: Next) -> Response {
    if is_safe(request.method()) || !is_cross_site(request.headers()) {
        return next.run(request).await;
    }
    AppError::forbidden("csrf_rejected", "This request came from another site and was refused.").into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if get(header::AUTHORIZATION.as_str()).is_some_and(|v| v.to_ascii_lowercase().starts_with("bearer ")) {
        return false;
    }
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    let host = get(header::HOST.as_str());
    match get(header::ORIGIN.as_str()) {
        Some(origin) => authority(origin) != host,
        // No Origin at all: fine for programs without cookies, refused when a cookie rides along.
        None => get(header::COOKIE.as_str()).is_some() && get("sec-fetch-site").is_none(),
    }
}

/// "https://host:port" → "host:port".
fn authority(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn same_origin_writes_pass() {
        assert!(!is_cross_site(&headers(&[("host", "chat.local:8080"), ("origin", "http://chat.local:8080"), ("cookie", "id=1")])));
        assert!(!is_cross_site(&headers(&[("host", "x"), ("sec-fetch-site", "same-origin"), ("cookie", "id=1")])));
    }

    #[test]
    fn writes_from_another_origin_are_cross_site() {
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("origin", "https://evil.example"), ("cookie", "id=1")])));
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("origin", "null")])));
    }

    #[test]
    fn cookie_writes_without_any_origin_signal_are_refused() {
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("cookie", "id=1")])));
    }

    #[test]
    fn bearer_and_cookieless_programs_pass() {
        assert!(!is_cross_site(&headers(&[("host", "chat.local"), ("authorization", "Bearer abc"), ("origin", "https://evil.example")])));
        assert!(!is_cross_site(&headers(&[("host", "chat.local")])));
    }
}
