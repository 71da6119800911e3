use super::BlockDialog;
use crate::auth::model::User;
use crate::chats::store::ChatStore;
use crate::contacts::api;
use dioxus::prelude::*;

/// Block (after a confirmation) or unblock the person of a direct chat, from its header.
#[component]
pub fn BlockToggle(user: User) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut confirming = use_signal(|| false);
    let id = user.id;
    let blocked = store.contacts.book.read().has_blocked(id);
    let unblock = move |_| {
        spawn(async move {
            if api::unblock(id).await.is_ok() {
                store.contacts.book.write().blocked.retain(|b| b.user.id != id);
                *store.contacts.stale.write() += 1;
            }
        });
    };
    rsx! {
        if blocked {
            button { class: "btn btn-ghost", r#type: "button", onclick: unblock, "Unblock" }
        } else {
            button { class: "btn btn-ghost", r#type: "button", onclick: move |_| confirming.set(true), "Block" }
        }
        if confirming() {
            BlockDialog { user, on_close: move |_| confirming.set(false) }
        }
    }
}
