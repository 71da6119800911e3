//! The document as the reader sees it: scrolling an element into view, and whether the tab
//! is visible.

use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Where a scrolled element ends up in the view.
#[derive(Debug, Clone, Copy)]
pub enum Block {
    Center,
    Nearest,
}

/// Scrolls the element with this id into view (nothing if there is none).
pub fn scroll_into_view(id: &str, block: Block) {
    let block = match block {
        Block::Center => web_sys::ScrollLogicalPosition::Center,
        Block::Nearest => web_sys::ScrollLogicalPosition::Nearest,
    };
    if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(block);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Whether the tab is hidden (None without a document).
pub fn hidden() -> Option<bool> {
    Some(web_sys::window()?.document()?.hidden())
}

/// Calls `on_change` whenever the tab is hidden or shown. Installed once per tab: later calls
/// do nothing.
pub fn watch_visibility(on_change: fn()) {
    thread_local! { static WATCHING: Cell<bool> = const { Cell::new(false) }; }
    if WATCHING.with(|w| w.replace(true)) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let on_change = Closure::<dyn FnMut()>::new(on_change);
    let _ = document.add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
    // Lives as long as the tab.
    on_change.forget();
}
