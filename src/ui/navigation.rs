//! Full-page navigation: used after signing in or out so the server renders the new state;
//! and scrolling to a message or a list's row.

use crate::browser::{location, page};

/// Loads `path` as a new page (no-op during server rendering).
pub fn go_to(path: &str) {
    location::assign(path);
}

/// Whether the page's address has `name` in its query (browser only; false on the server).
pub fn query_has(name: &str) -> bool {
    location::search()
        .is_some_and(|q| q.trim_start_matches('?').split('&').any(|pair| pair.split('=').next() == Some(name)))
}

/// Marks the server-rendered response "404 Not Found" (no-op in the browser).
pub fn not_found_status() {
    #[cfg(feature = "server")]
    dioxus::fullstack::FullstackContext::commit_http_status(dioxus::fullstack::StatusCode::NOT_FOUND, None);
}

/// Scrolls the element with this id to the middle of the view (no-op during server rendering).
pub fn scroll_to(id: &str) {
    page::scroll_into_view(id, page::Block::Center);
}

/// Scrolls the element with this id just enough to show it, e.g. a list's selected row.
pub fn reveal(id: &str) {
    page::scroll_into_view(id, page::Block::Nearest);
}

/// Sends a signed-out (or revoked) device to sign-in, remembering where it was.
pub fn go_to_sign_in() {
    let Some(here) = location::pathname() else { return };
    let target = if here.is_empty() || here == "/" || here == "/login" {
        "/login".to_owned()
    } else {
        format!("/login?next={here}")
    };
    location::assign(&target);
}
