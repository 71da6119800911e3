use super::{NewChatDialog, short_time};
use crate::app::Route;
use crate::chats::store::ChatStore;
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;

/// The sidebar: filter box, "new chat", and every chat with its preview and unread count.
#[component]
pub fn ChatList() -> Element {
    let store = use_context::<ChatStore>();
    let mut filter = use_signal(String::new);
    let mut dialog = use_signal(|| false);
    // The installed app's "New chat" shortcut opens /?new=1.
    use_effect(move || {
        if crate::ui::navigation::query_has("new") {
            dialog.set(true);
        }
    });
    let me = store.me.read().id;
    let current = *store.list.open_chat.read();
    let needle = filter().to_lowercase();
    let chats: Vec<_> = store
        .list
        .chats
        .read()
        .iter()
        .filter(|c| needle.is_empty() || c.title(me).to_lowercase().contains(&needle))
        .cloned()
        .collect();
    let total = store.total_unread();
    let title = if total > 0 { format!("({total}) Parlor") } else { "Parlor".to_owned() };
    rsx! {
        document::Title { "{title}" }
        section { class: "chat-list", "aria-label": "Chats",
            div { class: "list-tools",
                input {
                    class: "search",
                    r#type: "search",
                    placeholder: "Search chats",
                    "aria-label": "Search chats",
                    value: "{filter}",
                    oninput: move |e| filter.set(e.value()),
                }
                button { class: "btn btn-primary new-chat", r#type: "button", onclick: move |_| dialog.set(true), "New chat" }
            }
            if !*store.link.online.read() && !*store.link.offline.read() {
                p { class: "link-status", role: "status", "Connecting…" }
            }
            if chats.is_empty() {
                div { class: "empty-list",
                    if needle.is_empty() {
                        p { "No conversations yet." }
                        p { class: "muted", "Start one with “New chat”." }
                    } else {
                        p { class: "muted", "No chat matches “{filter}”." }
                    }
                }
            }
            ul { class: "chats",
                for chat in chats {
                    li { key: "{chat.id}",
                        Link {
                            to: Route::ChatPage { id: chat.id },
                            class: if current == Some(chat.id) { "chat-item active" } else { "chat-item" },
                            div { class: "avatar-wrap",
                                Avatar { name: chat.title(me), url: chat.avatar_url.clone(), size: 44 }
                                if chat.kind == "direct" && chat.members.iter().any(|m| m.user.id != me && m.user.status == "online") {
                                    span { class: "presence-dot", title: "Online" }
                                }
                            }
                            div { class: "chat-text",
                                div { class: "chat-row",
                                    span { class: "chat-name", "{chat.title(me)}" }
                                    if let Some(last) = &chat.last_message {
                                        span { class: "chat-time muted", {short_time(last.created_at)} }
                                    }
                                }
                                div { class: "chat-row",
                                    span { class: "chat-snippet muted",
                                        match &chat.last_message {
                                            Some(last) if last.deleted => rsx! { em { "Message deleted" } },
                                            Some(last) => rsx! { "{last.snippet}" },
                                            None => rsx! { "No messages yet" },
                                        }
                                    }
                                    if chat.muted {
                                        span { class: "muted-icon", role: "img", "aria-label": "Muted",
                                            svg { view_box: "0 0 24 24", width: "16", height: "16", "aria-hidden": "true",
                                                path { fill: "currentColor", d: crate::push::components::BELL_OFF }
                                            }
                                        }
                                    }
                                    if chat.unread_count > 0 {
                                        span { class: "unread", "aria-label": "{chat.unread_count} unread", "{chat.unread_count}" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if dialog() {
            NewChatDialog { on_close: move |_| dialog.set(false) }
        }
    }
}
