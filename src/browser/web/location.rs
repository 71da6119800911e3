//! The page's address: reading it and loading another page.

/// Loads `path` as a new page.
pub fn assign(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

/// The query part of the address, with its leading '?' (None without a window).
pub fn search() -> Option<String> {
    web_sys::window()?.location().search().ok()
}

/// The path of the address (None without a window; empty if the browser cannot tell).
pub fn pathname() -> Option<String> {
    Some(web_sys::window()?.location().pathname().unwrap_or_default())
}

/// "wss://host/path" or "ws://host/path", matching how this page was loaded.
pub fn websocket_url(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{path}", location.host().ok()?))
}
