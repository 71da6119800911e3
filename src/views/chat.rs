use crate::app::Route;
use crate::chats::api::{load_chat_view, mark_read};
use crate::chats::store::ChatStore;
use crate::messages::components::{Composer, Timeline};
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;
use uuid::Uuid;

/// One conversation: rendered on the server with its latest messages, then kept live.
#[component]
pub fn ChatPage(id: Uuid) -> Element {
    let view = use_server_future(use_reactive!(|id| load_chat_view(id)))?;
    let mut store = use_context::<ChatStore>();
    let mut marked = use_signal(|| (Uuid::nil(), 0i64));

    // Hand the server's messages to the live store, and say which chat is on screen.
    use_effect(move || {
        if let Some(Ok(Some(page))) = view() {
            store.merge(page.chat.id, page.messages.clone());
            store.open_chat.set(Some(page.chat.id));
        }
    });
    use_drop(move || store.open_chat.set(None));
    // Everything on screen is read: tell the server whenever newer messages arrive.
    use_effect(move || {
        let Some(chat) = *store.open_chat.read() else { return };
        let Some(latest) = store.timelines.read().get(&chat).and_then(|l| l.last().map(|m| m.seq)) else { return };
        let (done_chat, done_seq) = *marked.peek();
        if done_chat == chat && done_seq >= latest {
            return;
        }
        marked.set((chat, latest));
        store.mark_read_locally(chat);
        spawn(async move {
            let _ = mark_read(chat, latest).await;
        });
    });

    let Some(Ok(Some(page))) = view() else {
        return rsx! {
            div { class: "empty-pane",
                h1 { "Chat not found" }
                p { class: "muted", "It does not exist, or you are not in it." }
                Link { to: Route::HomePage {}, class: "btn btn-primary", "Back to your chats" }
            }
        };
    };
    let me = store.me.read().id;
    let title = page.chat.title(me);
    let subtitle = match page.chat.kind.as_str() {
        "group" => format!("{} members", page.chat.members.len()),
        _ => page.chat.members.iter().find(|m| m.user.id != me).map(|m| m.user.status.clone()).unwrap_or_default(),
    };
    rsx! {
        document::Title { "{title} · Parlor" }
        div { class: "chat-view",
            header { class: "chat-header",
                Link { to: Route::HomePage {}, class: "icon-btn back", "aria-label": "Back to chats", "←" }
                Avatar { name: title.clone(), url: page.chat.avatar_url.clone(), size: 40 }
                div { class: "chat-heading",
                    h1 { "{title}" }
                    p { class: "muted", "{subtitle}" }
                }
            }
            div { class: "scroller",
                Timeline { chat: page.chat.clone(), initial: page.messages.clone() }
            }
            Composer { chat_id: page.chat.id }
        }
    }
}
