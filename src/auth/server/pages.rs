//! Page guard: signed-out visits to private pages go to sign-in (and come back after);
//! signed-in visits to the sign-in and register pages go home.

use crate::platform::viewer::MaybeViewer;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

const GUEST_ONLY: [&str; 2] = ["/login", "/register"];
const PRIVATE_PREFIXES: [&str; 4] = ["/settings", "/contacts", "/chats/", "/g/"];

pub async fn guard_pages(viewer: MaybeViewer, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let signed_in = viewer.0.is_some();
    if signed_in && GUEST_ONLY.contains(&path) {
        return Redirect::to(&safe_next(request.uri().query())).into_response();
    }
    let private = path == "/" || PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p));
    if !signed_in && private {
        let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        let login = if target == "/" { "/login".to_owned() } else { format!("/login?next={}", encode(target)) };
        return Redirect::to(&login).into_response();
    }
    next.run(request).await
}

/// The `next` query parameter when it is a local path; "/" otherwise (no open redirects).
/// Browsers drop tabs and line breaks from a URL before reading it, so `/\t/evil.example`
/// would become `//evil.example`: a path with any control character is refused. Letters
/// beyond ASCII are sent percent-encoded, as a `Location` header must be.
pub fn safe_next(query: Option<&str>) -> String {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned())
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.chars().any(|c| c == '\\' || c.is_control()))
        .map(|p| percent_encoding::utf8_percent_encode(&p, NOT_ASCII).to_string())
        .unwrap_or_else(|| "/".to_owned())
}

/// Only what a header cannot carry as it is: every byte beyond ASCII.
const NOT_ASCII: &percent_encoding::AsciiSet = percent_encoding::CONTROLS;

fn encode(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_goes_back_to_local_paths_only() {
        assert_eq!(safe_next(Some("next=%2Fsettings")), "/settings");
        assert_eq!(safe_next(Some("next=/chats/1%3Fx")), "/chats/1?x");
        assert_eq!(safe_next(Some("next=https://evil.example")), "/");
        assert_eq!(safe_next(Some("next=//evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_refuses_what_a_browser_would_read_as_another_site() {
        // A browser strips the tab and goes to //evil.example.
        assert_eq!(safe_next(Some("next=/%09/evil.example")), "/");
        assert_eq!(safe_next(Some("next=/%0A/evil.example")), "/");
        assert_eq!(safe_next(Some("next=/%0D%0ALocation:%20https://evil.example")), "/");
        assert_eq!(safe_next(Some("next=/%00")), "/");
        assert_eq!(safe_next(Some("next=/%5C%5Cevil.example")), "/");
    }

    #[test]
    fn next_with_letters_beyond_ascii_is_a_valid_location() {
        let next = safe_next(Some("next=/g/%C3%A9t%C3%A9"));
        assert_eq!(next, "/g/%C3%A9t%C3%A9");
        assert!(axum::http::HeaderValue::from_str(&next).is_ok());
    }

    #[test]
    fn encoding_round_trips_through_next() {
        let query = format!("next={}", encode("/chats/a b?x=1&y"));
        assert_eq!(safe_next(Some(&query)), "/chats/a b?x=1&y");
    }
}
