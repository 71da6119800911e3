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

/// Whether the page's address has `name` in its query (browser only; false on the server).
pub fn query_has(name: &str) -> bool {
    #[cfg(feature = "web")]
    return web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.trim_start_matches('?').split('&').any(|pair| pair.split('=').next() == Some(name)));
    #[cfg(not(feature = "web"))]
    {
        let _ = name;
        false
    }
}

/// Marks the server-rendered response "404 Not Found" (no-op in the browser).
pub fn not_found_status() {
    #[cfg(feature = "server")]
    dioxus::fullstack::FullstackContext::commit_http_status(dioxus::fullstack::StatusCode::NOT_FOUND, None);
}

/// Waits in the browser; on the server (never awaited there) it returns at once.
pub async fn sleep_ms(ms: u32) {
    #[cfg(feature = "web")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "web"))]
    let _ = ms;
}

/// Scrolls the element with this id to the middle of the view (no-op during server rendering).
pub fn scroll_to(id: &str) {
    #[cfg(feature = "web")]
    scroll_into_view(id, web_sys::ScrollLogicalPosition::Center);
    #[cfg(not(feature = "web"))]
    let _ = id;
}

/// Scrolls the element with this id just enough to show it, e.g. a list's selected row.
pub fn reveal(id: &str) {
    #[cfg(feature = "web")]
    scroll_into_view(id, web_sys::ScrollLogicalPosition::Nearest);
    #[cfg(not(feature = "web"))]
    let _ = id;
}

#[cfg(feature = "web")]
fn scroll_into_view(id: &str, block: web_sys::ScrollLogicalPosition) {
    if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(block);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
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
