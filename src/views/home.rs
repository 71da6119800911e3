use dioxus::prelude::*;

/// The signed-in home: the chat list is in the sidebar; the pane invites to pick one.
#[component]
pub fn HomePage() -> Element {
    rsx! {
        document::Title { "Chats · Parlor" }
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
