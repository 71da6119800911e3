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
pub fn safe_next(query: Option<&str>) -> String {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned())
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

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
    fn encoding_round_trips_through_next() {
        let query = format!("next={}", encode("/chats/a b?x=1&y"));
        assert_eq!(safe_next(Some(&query)), "/chats/a b?x=1&y");
    }
}
