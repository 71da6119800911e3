//! Cross-origin requests. By default there are none: no CORS headers, so browsers keep other
//! sites' scripts out. CORS_ORIGINS lists the web apps on other origins that may call the API
//! with a bearer token; cookies never go cross-origin (no credentials), so the allow-list
//! cannot be used to ride on a signed-in user's session.

use axum::http::{HeaderValue, Method, header};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// A CORS_ORIGINS entry: `scheme://host[:port]`, exactly as browsers send it in `Origin`.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let raw = raw.trim().trim_end_matches('/');
    let Some((scheme, host)) = raw.split_once("://") else {
        return Err(format!("{raw} is not an origin like https://app.example.com"));
    };
    let host_ok = !host.is_empty() && !host.contains(['/', '?', '#', '@', ' ']);
    if !matches!(scheme, "http" | "https") || !host_ok {
        return Err(format!("{raw} is not an origin like https://app.example.com"));
    }
    Ok(raw.to_ascii_lowercase())
}

/// The layer for the configured origins, or none when there are none.
pub fn layer(origins: &[String]) -> Option<CorsLayer> {
    let allowed: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    if allowed.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::HeaderName::from_static("idempotency-key"),
            ])
            .max_age(Duration::from_secs(600)),
    )
}

/// Whether a browser page from `origin` may act on this server: its own origin, or one listed.
pub fn is_allowed(origin: &str, host: Option<&str>, allowed: &[String]) -> bool {
    let own = origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'));
    (own.is_some() && own == host) || allowed.iter().any(|a| a.eq_ignore_ascii_case(origin.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(parse_origin("https://App.example.com/").unwrap(), "https://app.example.com");
        assert_eq!(parse_origin("http://localhost:3000").unwrap(), "http://localhost:3000");
        for bad in ["app.example.com", "ftp://x", "https://x/path", "https://", "https://a@b"] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert!(layer(&[]).is_none());
    }

    #[test]
    fn a_page_may_act_from_its_own_origin_or_a_listed_one() {
        let listed = vec!["https://app.example.com".to_owned()];
        assert!(is_allowed("https://chat.example.com", Some("chat.example.com"), &[]));
        assert!(is_allowed("https://app.example.com", Some("chat.example.com"), &listed));
        assert!(!is_allowed("https://evil.example", Some("chat.example.com"), &listed));
        assert!(!is_allowed("null", Some("chat.example.com"), &listed));
    }
}
