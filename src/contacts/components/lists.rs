use super::{BlockDialog, presence_text};
use crate::app::Route;
use crate::auth::model::User;
use crate::chats::store::ChatStore;
use crate::contacts::api;
use crate::ui::avatar::Avatar;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// The user's contacts: presence, a way to message them, remove them or block them.
#[component]
pub fn ContactList() -> Element {
    let mut store = use_context::<ChatStore>();
    let mut error = use_signal(|| None::<String>);
    let mut blocking = use_signal(|| None::<User>);
    let navigator = use_navigator();
    let message = move |user: User| {
        spawn(async move {
            match crate::chats::api::open_direct(user.id).await {
                Ok(res) => {
                    let id = res.chat.id;
                    if !store.list.chats.read().iter().any(|c| c.id == id) {
                        store.list.chats.write().insert(0, res.chat);
                    }
                    navigator.push(Route::ChatPage { id });
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let remove = move |user: User| {
        spawn(async move {
            match api::remove(user.id).await {
                Ok(()) => {
                    store.contacts.forget(user.id);
                    *store.contacts.stale.write() += 1;
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let contacts = store.contacts.book.read().contacts.clone();
    rsx! {
        ErrorBanner { message: error() }
        if contacts.is_empty() {
            p { class: "muted", "No contacts yet. Find people by username above and send them a request." }
        }
        ul { class: "people", "aria-label": "Contacts",
            for contact in contacts {
                li { key: "{contact.user.id}", class: "person", "data-user": "{contact.user.username}",
                    div { class: "avatar-wrap",
                        Avatar { name: contact.user.display_name.clone(), url: contact.user.avatar_url.clone(), size: 40 }
                        if contact.user.status == "online" {
                            span { class: "presence-dot", title: "Online" }
                        }
                    }
                    span { class: "user-names grow",
                        span { class: "me-name", "{contact.user.display_name}" }
                        span { class: "muted me-username", "data-testid": "presence", {presence_text(&contact.user)} }
                    }
                    div { class: "person-actions",
                        button { class: "btn btn-primary small", r#type: "button", "aria-label": "Message {contact.user.display_name}",
                            onclick: { let user = contact.user.clone(); move |_| message(user.clone()) }, "Message" }
                        button { class: "btn btn-ghost small", r#type: "button", "aria-label": "Remove {contact.user.display_name}",
                            onclick: { let user = contact.user.clone(); move |_| remove(user.clone()) }, "Remove" }
                        button { class: "btn btn-danger small", r#type: "button", "aria-label": "Block {contact.user.display_name}",
                            onclick: { let user = contact.user.clone(); move |_| blocking.set(Some(user.clone())) }, "Block" }
                    }
                }
            }
        }
        if let Some(user) = blocking() {
            BlockDialog { user, on_close: move |_| blocking.set(None) }
        }
    }
}

/// People the user blocked, each with Unblock.
#[component]
pub fn BlockList() -> Element {
    let mut store = use_context::<ChatStore>();
    let mut error = use_signal(|| None::<String>);
    let unblock = move |user: User| {
        spawn(async move {
            match api::unblock(user.id).await {
                Ok(()) => {
                    store.contacts.book.write().blocked.retain(|b| b.user.id != user.id);
                    *store.contacts.stale.write() += 1;
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let blocked = store.contacts.book.read().blocked.clone();
    rsx! {
        ErrorBanner { message: error() }
        if blocked.is_empty() {
            p { class: "muted", "You have not blocked anyone." }
        }
        ul { class: "people", "aria-label": "Blocked people",
            for entry in blocked {
                li { key: "{entry.user.id}", class: "person",
                    Avatar { name: entry.user.display_name.clone(), url: entry.user.avatar_url.clone(), size: 40 }
                    span { class: "user-names grow",
                        span { class: "me-name", "{entry.user.display_name}" }
                        span { class: "muted me-username", "@{entry.user.username}" }
                    }
                    button { class: "btn btn-ghost small", r#type: "button", "aria-label": "Unblock {entry.user.display_name}",
                        onclick: { let user = entry.user.clone(); move |_| unblock(user.clone()) }, "Unblock" }
                }
            }
        }
    }
}
