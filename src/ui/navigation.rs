//! Full-page navigation: used after signing in or out so the server renders the new state.

/// Loads `path` as a new page (no-op during server rendering).
pub fn go_to(path: &str) {
    #[cfg(feature = "web")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "web"))]
    let _ = path;
}

/// Sends a signed-out (or revoked) device to sign-in, remembering where it was.
pub fn go_to_sign_in() {
    #[cfg(feature = "web")]
    if let Some(window) = web_sys::window() {
        let here = window.location().pathname().unwrap_or_default();
        let target = if here.is_empty() || here == "/" || here == "/login" {
            "/login".to_owned()
        } else {
            format!("/login?next={here}")
        };
        let _ = window.location().assign(&target);
    }
}
