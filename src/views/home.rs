use super::layout::{Focus, Shell};
use crate::auth::api::load_viewer;
use dioxus::prelude::*;

/// The signed-in home: the chat list in the sidebar, an invitation in the main pane.
#[component]
pub fn HomePage() -> Element {
    let viewer = use_server_future(load_viewer)?;
    let Some(Ok(Some(user))) = viewer() else {
        return rsx! { super::not_found::SignedOut {} };
    };
    rsx! {
        document::Title { "Chats · Parlor" }
        Shell { user, focus: Focus::Sidebar,
            sidebar: rsx! {
                section { class: "chat-list", "aria-label": "Chats",
                    h2 { class: "section-title", "Chats" }
                    div { class: "empty-list",
                        p { "No conversations yet." }
                        p { class: "muted", "When you start a chat or someone messages you, it shows up here." }
                    }
                }
            },
            div { class: "empty-pane",
                div { class: "empty-art", "aria-hidden": "true", "💬" }
                h1 { "Welcome to Parlor" }
                p { class: "muted", "Pick a conversation on the left, or start a new one." }
            }
        }
    }
}
