//! Security headers on every response, and the Content-Security-Policy pages run under.
//!
//! Pages allow no inline script but the few that SSR and hydration write, each allowed by
//! the SHA-256 of its exact text: the loader scripts of the built `index.html`, Dioxus's
//! streaming set-up, and the page's hydration data (which is checked to be base64 only, so
//! nothing a user typed can ride along). Any other inline script — an injected one — has no
//! hash in the policy and does not run.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Pages bigger than this are not rewritten; they get the policy without page hashes.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

const HYDRATION_PREFIX: &str = "window.initial_dioxus_hydration_data=\"";

/// What responses of non-page routes (JSON, images, files) may do: nothing.
const LOCKED_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub struct SecurityHeaders {
    /// Hashes of the inline scripts every page may run (template and streaming set-up).
    trusted_scripts: BTreeSet<String>,
    /// `max-age` for Strict-Transport-Security, sent when the public URL is https.
    hsts: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// `index_html` is the built page template (None when the web client is not built).
    pub fn new(index_html: Option<&str>, https: bool) -> Self {
        let mut trusted: BTreeSet<String> =
            index_html.map(inline_scripts).unwrap_or_default().into_iter().map(hash).collect();
        trusted.insert(hash(dioxus_interpreter_js::INITIALIZE_STREAMING_JS));
        let hsts = https.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
        Self { trusted_scripts: trusted, hsts }
    }

    /// The page policy, with the hashes of the scripts this page needs.
    fn page_policy(&self, page_hashes: &BTreeSet<String>) -> String {
        let hashes: String = self.trusted_scripts.union(page_hashes).map(|h| format!(" '{h}'")).collect();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; \
             worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'"
        )
    }

    /// Hashes of the page's own inline scripts that are allowed to run.
    fn page_hashes(&self, html: &str) -> BTreeSet<String> {
        inline_scripts(html).into_iter().filter(|s| is_hydration_data(s)).map(hash).collect()
    }
}

/// Middleware: the headers every response gets, and the policy (with hashes) of pages.
pub async fn secure(State(policy): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    set_common(&mut parts.headers, &policy);
    if !is_type(&parts.headers, "text/html") {
        // A script's policy is the policy of the worker it may start (sw.js fetches and caches).
        let policy = if is_type(&parts.headers, "text/javascript") || is_type(&parts.headers, "application/javascript")
        {
            HeaderValue::from_str(&policy.page_policy(&BTreeSet::new()))
                .unwrap_or(HeaderValue::from_static(LOCKED_POLICY))
        } else {
            HeaderValue::from_static(LOCKED_POLICY)
        };
        parts.headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(policy);
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        // Too big or broken mid-way: no page to send; the strict policy goes with the error.
        Err(_) => {
            let mut response = crate::error::AppError::internal().into_response();
            set_common(response.headers_mut(), &policy);
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(LOCKED_POLICY));
            return response;
        }
    };
    let page_hashes = std::str::from_utf8(&bytes).map(|html| policy.page_hashes(html)).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&policy.page_policy(&page_hashes)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

fn set_common(headers: &mut HeaderMap, policy: &SecurityHeaders) {
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(headers, header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(headers, header::HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    // The app needs none of these; notifications are asked for through the Push API.
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), midi=(), \
         magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()",
    );
    if let Some(hsts) = &policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
}

fn is_type(headers: &HeaderMap, mime: &str) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with(mime))
}

/// The text of every `<script>` without a `src`. Text a user wrote is HTML-escaped by SSR,
/// so every `<script` here was written by the template or the renderer.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !tag.contains(" src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

/// `window.initial_dioxus_hydration_data="<base64>";` and, in debug builds, the renderer's
/// type names and source locations after it.
fn is_hydration_data(script: &str) -> bool {
    let Some(rest) = script.strip_prefix(HYDRATION_PREFIX) else { return false };
    let Some((data, tail)) = rest.split_once("\";") else { return false };
    let base64 = data.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    base64
        && (tail.is_empty()
            || (cfg!(debug_assertions) && tail.starts_with("window.initial_dioxus_hydration_debug_types=")))
}

fn hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_src_less_scripts_are_inline_and_their_text_is_exact() {
        let html = r#"<head><script src="/pwa.js"></script><script type="module">import x from "/a.js";</script></head><script>a()</script>"#;
        assert_eq!(inline_scripts(html), vec![r#"import x from "/a.js";"#, "a()"]);
        assert!(inline_scripts("<script>never closed").is_empty());
    }

    #[test]
    fn hydration_data_is_trusted_only_when_it_is_base64() {
        assert!(is_hydration_data(r#"window.initial_dioxus_hydration_data="QUJD+/==";"#));
        assert!(!is_hydration_data(r#"window.initial_dioxus_hydration_data="x";alert(1);"#));
        assert!(!is_hydration_data(r#"window.initial_dioxus_hydration_data="a\"b";"#));
        assert!(!is_hydration_data("alert(1)"));
    }

    #[test]
    fn a_page_policy_lists_template_and_page_hashes_but_not_injected_scripts() {
        let policy = SecurityHeaders::new(Some("<script>boot()</script>"), false);
        let page = r#"<script>window.initial_dioxus_hydration_data="QQ==";</script><script>alert(1)</script>"#;
        let csp = policy.page_policy(&policy.page_hashes(page));
        assert!(csp.contains(&hash("boot()")));
        assert!(csp.contains(&hash(r#"window.initial_dioxus_hydration_data="QQ==";"#)));
        assert!(!csp.contains(&hash("alert(1)")));
        let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
