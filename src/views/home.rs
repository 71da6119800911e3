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
                div { class: "empty-art", "aria-hidden": "true",
                    svg { view_box: "0 0 48 48", width: "48", height: "48",
                        path { fill: "currentColor", d: "M10 8h28a6 6 0 0 1 6 6v16a6 6 0 0 1-6 6H22l-9 8v-8h-3a6 6 0 0 1-6-6V14a6 6 0 0 1 6-6Z" }
                        circle { cx: "17", cy: "22", r: "2.5", fill: "var(--accent-soft)" }
                        circle { cx: "24", cy: "22", r: "2.5", fill: "var(--accent-soft)" }
                        circle { cx: "31", cy: "22", r: "2.5", fill: "var(--accent-soft)" }
                    }
                }
                h1 { "Welcome to Parlor" }
                p { class: "muted", "Pick a conversation on the left, or start a new one." }
            }
        }
    }
}
