//! Search UI: the dialog (Ctrl+K, Cmd+K or a search button), its grouped results, and the
//! launcher state the buttons and the shortcut share.
mod dialog;

pub use dialog::SearchDialog;

use crate::browser::use_shortcut;
use dioxus::prelude::*;
use uuid::Uuid;

/// Where the search dialog looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIn {
    AllChats,
    Chat(Uuid),
}

/// Whether the search dialog is open and where it searches. Provided by the signed-in shell.
#[derive(Clone, Copy, PartialEq)]
pub struct SearchLauncher {
    pub open: Signal<Option<SearchIn>>,
}

impl SearchLauncher {
    pub fn new() -> Self {
        Self { open: Signal::new(None) }
    }
}

impl Default for SearchLauncher {
    fn default() -> Self {
        Self::new()
    }
}

/// The dialog when it is open, and the Ctrl+K / Cmd+K shortcut that opens it.
#[component]
pub fn SearchHost() -> Element {
    let mut launcher = use_context::<SearchLauncher>();
    let open_all = use_callback(move |()| launcher.open.set(Some(SearchIn::AllChats)));
    use_shortcut('k', open_all);
    match launcher.open.read().as_ref() {
        Some(place) => rsx! {
            SearchDialog { key: "{place:?}", place: *place, on_close: move |_| launcher.open.set(None) }
        },
        None => rsx! {},
    }
}

/// A magnifier button that opens search: across all chats, or within one.
#[component]
pub fn SearchButton(#[props(default)] chat_id: Option<Uuid>) -> Element {
    let mut launcher = use_context::<SearchLauncher>();
    let (place, label) = match chat_id {
        Some(id) => (SearchIn::Chat(id), "Search in this chat"),
        None => (SearchIn::AllChats, "Search messages (Ctrl+K)"),
    };
    rsx! {
        button {
            class: "icon-btn",
            r#type: "button",
            "aria-label": "{label}",
            title: "{label}",
            "data-testid": if chat_id.is_some() { "search-chat" } else { "search-all" },
            onclick: move |_| launcher.open.set(Some(place)),
            svg { view_box: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
                path { fill: "currentColor", d: "M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.25 4.24-1.42 1.42-4.24-4.25A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Z" }
            }
        }
    }
}
