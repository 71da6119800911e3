use super::Formatted;
use crate::chats::components::short_time;
use crate::chats::model::Chat;
use crate::chats::store::{ChatStore, now_ms};
use crate::messages::model::Message;
use dioxus::prelude::*;
use uuid::Uuid;

/// A chat's messages, oldest first, grouped by sender, with ticks on your own.
#[component]
pub fn Timeline(chat: Chat, initial: Vec<Message>) -> Element {
    let store = use_context::<ChatStore>();
    // Times depend on the viewer's clock and zone: render them after hydration only.
    let mut hydrated = use_signal(|| false);
    use_effect(move || hydrated.set(true));
    let me = store.me.read().id;
    let messages = store.timelines.read().get(&chat.id).cloned().unwrap_or(initial);
    let live = store.chats.read().iter().find(|c| c.id == chat.id).cloned().unwrap_or_else(|| chat.clone());
    let pending: Vec<_> = store.pending.read().iter().filter(|p| p.chat_id == chat.id).cloned().collect();
    let group = chat.kind == "group";
    let typing = typing_names(&store, &live, me);
    rsx! {
        ol { class: "timeline", "aria-label": "Messages", "aria-live": "polite",
            if messages.is_empty() && pending.is_empty() {
                li { class: "timeline-empty muted", "No messages yet. Say hello!" }
            }
            for (i, m) in messages.iter().enumerate() {
                MessageRow {
                    key: "{m.id}",
                    message: m.clone(),
                    mine: m.sender.id == me,
                    first_of_run: i == 0 || messages[i - 1].sender.id != m.sender.id,
                    show_sender: group && m.sender.id != me,
                    ticks: if m.sender.id == me { ticks(&live, me, m.seq) } else { String::new() },
                    hydrated: hydrated(),
                }
            }
            for p in pending {
                li { key: "{p.client_id}", class: "msg mine first pending",
                    div { class: "bubble",
                        div { class: "content", Formatted { text: p.content.clone() } }
                        div { class: "meta", span { class: "tick", title: "Sending", "🕓" } }
                    }
                }
            }
        }
        p { class: "typing", "aria-live": "polite", "{typing}" }
    }
}

#[component]
fn MessageRow(message: Message, mine: bool, first_of_run: bool, show_sender: bool, ticks: String, hydrated: bool) -> Element {
    let class = format!("msg {} {}", if mine { "mine" } else { "theirs" }, if first_of_run { "first" } else { "" });
    let deleted = message.deleted_at.is_some();
    rsx! {
        li { class: "{class}", id: "m-{message.id}", "data-seq": "{message.seq}",
            div { class: "bubble",
                if show_sender && first_of_run {
                    span { class: "sender", "{message.sender.display_name}" }
                }
                if let Some(reply) = &message.reply_to {
                    a { class: "quote", href: "#m-{reply.id}",
                        span { class: "sender", "{reply.sender_name}" }
                        span { class: "muted", if reply.deleted { "Message deleted" } else { "{reply.snippet}" } }
                    }
                }
                div { class: "content",
                    if deleted {
                        em { class: "muted", "This message was deleted" }
                    } else {
                        Formatted { text: message.content.clone() }
                    }
                }
                if !message.reactions.is_empty() {
                    div { class: "reactions",
                        for r in message.reactions.iter() {
                            span { class: if r.me { "reaction me" } else { "reaction" }, "{r.emoji} {r.count}" }
                        }
                    }
                }
                div { class: "meta",
                    if message.edited_at.is_some() && !deleted { span { "edited" } }
                    if hydrated { span { {short_time(message.created_at)} } }
                    if !ticks.is_empty() {
                        span { class: if ticks.ends_with("read") { "tick read" } else { "tick" }, title: "{ticks}",
                            {tick_marks(&ticks)}
                        }
                    }
                }
            }
        }
    }
}

/// "sent", "delivered", "read", or "seen by N" in groups.
fn ticks(chat: &Chat, me: Uuid, seq: i64) -> String {
    let others: Vec<_> = chat.members.iter().filter(|m| m.user.id != me).collect();
    if others.is_empty() {
        return "sent".to_owned();
    }
    let read = others.iter().filter(|m| m.last_read_seq >= seq).count();
    let delivered = others.iter().filter(|m| m.last_delivered_seq >= seq).count();
    if chat.kind == "group" && read > 0 && read < others.len() {
        return format!("seen by {read}");
    }
    if read == others.len() {
        "read".to_owned()
    } else if delivered == others.len() {
        "delivered".to_owned()
    } else {
        "sent".to_owned()
    }
}

fn tick_marks(state: &str) -> &'static str {
    match state {
        "sent" => "✓",
        _ => "✓✓",
    }
}

/// "Alice is typing…", "Alice and Bob are typing…", or nothing.
fn typing_names(store: &ChatStore, chat: &Chat, me: Uuid) -> String {
    let now = now_ms();
    let typing = store.typing.read();
    let Some(users) = typing.get(&chat.id) else { return String::new() };
    let names: Vec<String> = users
        .iter()
        .filter(|(user, until)| **user != me && **until > now)
        .map(|(user, _)| chat.members.iter().find(|m| m.user.id == *user).map_or_else(|| "Someone".to_owned(), |m| m.user.display_name.clone()))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("{one} is typing…"),
        [a, b] => format!("{a} and {b} are typing…"),
        [a, ..] => format!("{a} and {} others are typing…", names.len() - 1),
    }
}
