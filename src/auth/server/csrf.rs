//! CSRF protection for cookie-authenticated writes. Browsers say where a request comes
//! from (Origin, Sec-Fetch-Site); a write from another site is refused. Requests with a
//! bearer token carry no ambient credentials and pass. The live endpoints use the same
//! judgement (`from_other_origin`) for their handshakes, which are GETs.
//!
//! "This site" is the Host the request went to, or PUBLIC_URL's origin: a proxy in front may
//! hand the server another Host (nginx does unless told to pass it on).

use crate::error::AppError;
use crate::platform::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) || !is_cross_site(request.headers(), state.settings.public_origin().as_deref()) {
        return next.run(request).await;
    }
    AppError::forbidden("csrf_rejected", "This request came from another site and was refused.").into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The browser says a page of another origin made this request: Sec-Fetch-Site is neither
/// same-origin nor none, or Origin names neither the host:port the request went to nor
/// `public_origin`. A request that says nothing (a program, or an older browser's same-origin
/// GET) is not.
pub fn from_other_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = header(headers, "sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    header(headers, header::ORIGIN.as_str()).is_some_and(|origin| {
        let ours = public_origin.is_some_and(|public| origin.trim_end_matches('/').eq_ignore_ascii_case(public));
        !ours && authority(origin) != header(headers, header::HOST.as_str())
    })
}

fn is_cross_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if header(headers, header::AUTHORIZATION.as_str()).is_some_and(|v| v.to_ascii_lowercase().starts_with("bearer ")) {
        return false;
    }
    if from_other_origin(headers, public_origin) {
        return true;
    }
    // No origin signal at all: fine for programs without cookies, refused when a cookie rides along.
    header(headers, header::ORIGIN.as_str()).is_none()
        && header(headers, "sec-fetch-site").is_none()
        && header(headers, header::COOKIE.as_str()).is_some()
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
        assert!(!is_cross_site(
            &headers(&[("host", "chat.local:8080"), ("origin", "http://chat.local:8080"), ("cookie", "id=1")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "x"), ("sec-fetch-site", "same-origin"), ("cookie", "id=1")]),
            None
        ));
    }

    #[test]
    fn writes_from_another_origin_are_cross_site() {
        assert!(is_cross_site(
            &headers(&[("host", "chat.local"), ("origin", "https://evil.example"), ("cookie", "id=1")]),
            None
        ));
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("sec-fetch-site", "cross-site")]), None));
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("origin", "null")]), None));
    }

    #[test]
    fn cookie_writes_without_any_origin_signal_are_refused() {
        assert!(is_cross_site(&headers(&[("host", "chat.local"), ("cookie", "id=1")]), None));
    }

    #[test]
    fn other_origins_are_told_apart_from_silence() {
        assert!(from_other_origin(&headers(&[("host", "chat.local"), ("origin", "https://evil.example")]), None));
        assert!(from_other_origin(
            &headers(&[("host", "chat.local"), ("origin", "https://chat.local.evil.example")]),
            None
        ));
        assert!(from_other_origin(
            &headers(&[("host", "chat.local"), ("origin", "http://chat.local"), ("sec-fetch-site", "same-site")]),
            None
        ));
        assert!(!from_other_origin(&headers(&[("host", "chat.local"), ("origin", "https://chat.local")]), None));
        assert!(!from_other_origin(&headers(&[("host", "chat.local"), ("sec-fetch-site", "same-origin")]), None));
        assert!(!from_other_origin(&headers(&[("host", "chat.local"), ("cookie", "id=1")]), None));
    }

    #[test]
    fn behind_a_proxy_that_changes_host_the_public_url_is_this_site() {
        let public = Some("https://chat.example.com");
        let ours = headers(&[("host", "10.0.0.5:8080"), ("origin", "https://chat.example.com"), ("cookie", "id=1")]);
        assert!(!from_other_origin(&ours, public));
        assert!(!is_cross_site(&ours, public));
        assert!(from_other_origin(&ours, None), "without PUBLIC_URL only Host counts");
        let evil = headers(&[("host", "10.0.0.5:8080"), ("origin", "https://evil.example"), ("cookie", "id=1")]);
        assert!(from_other_origin(&evil, public));
        assert!(is_cross_site(&evil, public));
        let other_scheme = headers(&[("host", "10.0.0.5:8080"), ("origin", "http://chat.example.com")]);
        assert!(from_other_origin(&other_scheme, public), "http is another origin than https");
    }

    #[test]
    fn bearer_and_cookieless_programs_pass() {
        assert!(!is_cross_site(
            &headers(&[("host", "chat.local"), ("authorization", "Bearer abc"), ("origin", "https://evil.example")]),
            None
        ));
        assert!(!is_cross_site(&headers(&[("host", "chat.local")]), None));
    }
}
