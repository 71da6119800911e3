use crate::chats::store::{ChatStore, Pending};
use crate::messages::model::MessageBody;
use crate::realtime::client::{new_client_id, send_frame};
use crate::realtime::model::ClientFrame;
use dioxus::prelude::*;
use uuid::Uuid;

/// Write and send: Enter sends, Shift+Enter starts a new line.
#[component]
pub fn Composer(chat_id: Uuid) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut text = use_signal(String::new);
    let mut last_typing = use_signal(|| 0.0f64);
    // Textareas hydrate poorly: the composer exists only once the app runs in the browser.
    let mut hydrated = use_signal(|| false);
    use_effect(move || hydrated.set(true));

    // Queue it; the outbox sends it (now, or when the network is back).
    let mut send = move || {
        let content = text();
        if MessageBody::parse(&content).is_err() {
            return;
        }
        store.pending.write().push(Pending { chat_id, client_id: new_client_id(), content });
        text.set(String::new());
        send_frame(&ClientFrame::Typing { chat_id, typing: false });
    };

    if !hydrated() {
        return rsx! { div { class: "composer placeholder" } };
    }
    rsx! {
        if let Some(message) = store.send_error.read().clone() {
            p { class: "banner banner-error composer-error", role: "alert", "{message}" }
        }
        form {
            class: "composer",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                send();
            },
            textarea {
                class: "composer-input",
                rows: "1",
                placeholder: "Write a message",
                "aria-label": "Message",
                value: "{text}",
                oninput: move |e| {
                    text.set(e.value());
                    let now = crate::chats::store::now_ms();
                    if now - last_typing() > 3_000.0 {
                        last_typing.set(now);
                        send_frame(&ClientFrame::Typing { chat_id, typing: true });
                    }
                },
                onkeydown: move |e: KeyboardEvent| {
                    if e.key() == Key::Enter && !e.modifiers().shift() {
                        e.prevent_default();
                        send();
                    }
                },
            }
            button { class: "btn btn-primary send", r#type: "submit", "aria-label": "Send", disabled: text().trim().is_empty(), "Send" }
        }
    }
}
