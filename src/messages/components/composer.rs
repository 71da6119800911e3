use crate::browser::files;
use crate::chats::store::{ChatStore, Draft, Pending};
use crate::media::components::attachments::{self, Attachment, AttachmentTray};
use crate::media::model::ACCEPTED_TYPES;
use crate::messages::api;
use crate::messages::model::MessageBody;
use crate::realtime::client::{new_client_id, send_frame};
use crate::realtime::model::ClientFrame;
use crate::realtime::model::ServerFrame;
use crate::ui::hydrated::use_hydrated;
use dioxus::prelude::*;
use uuid::Uuid;

/// Write and send: Enter sends, Shift+Enter starts a new line.
#[component]
pub fn Composer(chat_id: Uuid) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut text = use_signal(String::new);
    let mut last_typing = use_signal(|| 0.0f64);
    let images = use_signal(Vec::<Attachment>::new);
    let mut dragging = use_signal(|| false);
    // Textareas hydrate poorly: the composer exists only once the app runs in the browser.
    let hydrated = use_hydrated();

    // Editing starts from the message's text.
    use_effect(move || {
        if let Draft::Edit(m) = &*store.outbox.draft.read() {
            text.set(m.content.clone());
        }
    });

    // A new message is queued (the outbox sends it, now or when the network is back);
    // an edit is sent at once.
    // Images go with a new message or a reply, once every upload has finished.
    let ready = move || {
        let editing = matches!(*store.outbox.draft.read(), Draft::Edit(_));
        let list = images.read();
        let has_images = !editing && !attachments::uploaded(&list).is_empty();
        !attachments::uploading(&list) && (MessageBody::parse(&text()).is_ok() || has_images)
    };
    let mut send = move || {
        if !ready() {
            return;
        }
        let content = text();
        let draft = store.outbox.draft.read().clone();
        let media = if matches!(draft, Draft::Edit(_)) { Vec::new() } else { attachments::uploaded(&images.read()) };
        if !matches!(draft, Draft::Edit(_)) {
            attachments::clear(images);
        }
        store.outbox.draft.set(Draft::New);
        text.set(String::new());
        send_frame(&ClientFrame::Typing { chat_id, typing: false });
        match draft {
            Draft::Edit(m) => {
                spawn(async move {
                    match api::edit(m.id, content).await {
                        Ok(res) => store.apply(ServerFrame::MessageEdited(res.message)),
                        Err(e) => store.outbox.send_error.set(Some(e.message)),
                    }
                });
            }
            Draft::Reply(m) => {
                store.outbox.pending.write().push(Pending {
                    chat_id,
                    client_id: new_client_id(),
                    content,
                    reply_to: Some(m.id),
                    media,
                });
                crate::offline::keep_outbox(store);
            }
            Draft::New => {
                store.outbox.pending.write().push(Pending {
                    chat_id,
                    client_id: new_client_id(),
                    content,
                    reply_to: None,
                    media,
                });
                crate::offline::keep_outbox(store);
            }
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
        if matches!(*store.outbox.draft.read(), Draft::Edit(_)) {
            text.set(String::new());
        }
        store.outbox.draft.set(Draft::New);
    };

    if !hydrated() {
        return rsx! { div { class: "composer placeholder" } };
    }
    rsx! {
        if let Some(message) = store.outbox.send_error.read().clone() {
            p { class: "banner banner-error composer-error", role: "alert", "{message}" }
        }
        match store.outbox.draft.read().clone() {
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
        AttachmentTray { items: images }
        form {
            class: if dragging() { "composer dragging" } else { "composer" },
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                send();
            },
            ondragover: move |e: DragEvent| {
                e.prevent_default();
                dragging.set(true);
            },
            ondragleave: move |_| dragging.set(false),
            ondrop: move |e: DragEvent| {
                e.prevent_default();
                dragging.set(false);
                attachments::add_files(images, files::of_drop(&e));
            },
            if !matches!(*store.outbox.draft.read(), Draft::Edit(_)) {
                label { class: "action attach", title: "Attach images", "aria-label": "Attach images",
                    svg { view_box: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
                        path { d: "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5", fill: "none", stroke: "currentColor", stroke_width: "1.8", stroke_linecap: "round" }
                    }
                    input {
                        class: "visually-hidden",
                        r#type: "file",
                        multiple: true,
                        accept: ACCEPTED_TYPES,
                        "data-testid": "attach-input",
                        onchange: move |e: FormEvent| attachments::add_files(images, files::of_input(&e)),
                    }
                }
            }
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
                onpaste: move |e: ClipboardEvent| {
                    let pasted = files::of_paste(&e);
                    if !pasted.is_empty() {
                        e.prevent_default();
                        attachments::add_files(images, pasted);
                    }
                },
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
            button { class: "btn btn-primary send", r#type: "submit", "aria-label": "Send", disabled: !ready(), "Send" }
        }
    }
}
