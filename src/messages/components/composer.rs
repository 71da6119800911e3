use crate::chats::store::{ChatStore, Draft, Pending};
use crate::messages::api;
use crate::realtime::model::ServerFrame;
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

    // Editing starts from the message's text.
    use_effect(move || {
        if let Draft::Edit(m) = &*store.draft.read() {
            text.set(m.content.clone());
        }
    });

    // A new message is queued (the outbox sends it, now or when the network is back);
    // an edit is sent at once.
    let mut send = move || {
        let content = text();
        if MessageBody::parse(&content).is_err() {
            return;
        }
        let draft = store.draft.read().clone();
        store.draft.set(Draft::New);
        text.set(String::new());
        send_frame(&ClientFrame::Typing { chat_id, typing: false });
        match draft {
            Draft::Edit(m) => {
                spawn(async move {
                    match api::edit(m.id, content).await {
                        Ok(res) => store.apply(ServerFrame::MessageEdited(res.message)),
                        Err(e) => store.send_error.set(Some(e.message)),
                    }
                });
            }
            Draft::Reply(m) => store.pending.write().push(Pending { chat_id, client_id: new_client_id(), content, reply_to: Some(m.id) }),
            Draft::New => store.pending.write().push(Pending { chat_id, client_id: new_client_id(), content, reply_to: None }),
        }
    };
    // Ctrl+B / Ctrl+I and the B / I buttons wrap the text in ** or *.
    let mut wrap = move |marker: &str| {
        let current = text();
        let trimmed = current.trim();
        if !trimmed.is_empty() {
            text.set(format!("{marker}{trimmed}{marker}"));
        }
    };
    let mut cancel = move || {
        if matches!(*store.draft.read(), Draft::Edit(_)) {
            text.set(String::new());
        }
        store.draft.set(Draft::New);
    };

    if !hydrated() {
        return rsx! { div { class: "composer placeholder" } };
    }
    rsx! {
        if let Some(message) = store.send_error.read().clone() {
            p { class: "banner banner-error composer-error", role: "alert", "{message}" }
        }
        match store.draft.read().clone() {
            Draft::Reply(m) => rsx! {
                div { class: "draft-bar",
                    span { "Replying to " strong { "{m.sender.display_name}" } ": " span { class: "muted", {crate::messages::format::plain_text(&m.content).chars().take(80).collect::<String>()} } }
                    button { class: "icon-btn", r#type: "button", "aria-label": "Cancel reply", onclick: move |_| cancel(), "✕" }
                }
            },
            Draft::Edit(_) => rsx! {
                div { class: "draft-bar",
                    span { "Editing your message" }
                    button { class: "icon-btn", r#type: "button", "aria-label": "Cancel editing", onclick: move |_| cancel(), "✕" }
                }
            },
            Draft::New => rsx! {},
        }
        form {
            class: "composer",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                send();
            },
            div { class: "format-buttons",
                button { class: "action", r#type: "button", "aria-label": "Bold", title: "Bold (Ctrl+B)", onclick: move |_| wrap("**"), strong { "B" } }
                button { class: "action", r#type: "button", "aria-label": "Italic", title: "Italic (Ctrl+I)", onclick: move |_| wrap("*"), em { "I" } }
            }
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
                    } else if e.key() == Key::Escape {
                        cancel();
                    } else if e.modifiers().ctrl() && e.key() == Key::Character("b".into()) {
                        e.prevent_default();
                        wrap("**");
                    } else if e.modifiers().ctrl() && e.key() == Key::Character("i".into()) {
                        e.prevent_default();
                        wrap("*");
                    }
                },
            }
            button { class: "btn btn-primary send", r#type: "submit", "aria-label": "Send", disabled: text().trim().is_empty(), "Send" }
        }
    }
}
