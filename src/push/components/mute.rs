use crate::chats::store::ChatStore;
use crate::push::client;
use dioxus::prelude::*;
use uuid::Uuid;

const BELL: &str = "M12 22a2.5 2.5 0 0 0 2.4-2h-4.8A2.5 2.5 0 0 0 12 22Zm7-5v-1c-1-1.1-2-2.6-2-4.9V11a5 5 0 0 0-3.5-4.8V4.5a1.5 1.5 0 0 0-3 0v1.7A5 5 0 0 0 7 11v.1c0 2.3-1 3.8-2 4.9v1h14Z";
pub const BELL_OFF: &str = "M4.3 3 3 4.3l4 4V11c0 2.3-1 3.8-2 4.9V17h11.7l3 3 1.3-1.3L4.3 3ZM12 22a2.5 2.5 0 0 0 2.4-2h-4.8A2.5 2.5 0 0 0 12 22Zm6-7.6V11a6 6 0 0 0-4.5-5.8V4.5a1.5 1.5 0 0 0-3 0v.7c-.7.2-1.3.5-1.9.9L18 14.4Z";

/// The bell in a chat's header: mutes or unmutes its notifications for the signed-in user.
#[component]
pub fn MuteToggle(chat_id: Uuid) -> Element {
    let mut store = use_context::<ChatStore>();
    let muted = store.list.chats.read().iter().find(|c| c.id == chat_id).is_some_and(|c| c.muted);
    let label = if muted { "Unmute notifications" } else { "Mute notifications" };
    rsx! {
        button {
            class: "icon-btn",
            r#type: "button",
            "aria-label": label,
            "aria-pressed": muted,
            title: label,
            onclick: move |_| async move {
                if let Ok(res) = client::mute(chat_id, !muted).await
                    && let Some(chat) = store.list.chats.write().iter_mut().find(|c| c.id == chat_id)
                {
                    chat.muted = res.chat.muted;
                }
            },
            // One path whose shape changes: a branch inside <svg> does not hydrate.
            svg { view_box: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
                path { fill: "currentColor", d: if muted { BELL_OFF } else { BELL } }
            }
        }
    }
}
