//! A message's bubble: who wrote it, what it answers, its images and text, its reactions,
//! and the line under it (edited, time, ticks), with the readers and earlier versions on demand.

use super::Formatted;
use super::ticks::Ticks;
use crate::chats::components::short_time;
use crate::media::components::gallery::Gallery;
use crate::messages::api;
use crate::messages::model::{Message, ReactionCount};
use dioxus::prelude::*;
use uuid::Uuid;

/// What your own message shows of its readers: the ticks, and in groups who has read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipts {
    pub ticks: Ticks,
    pub readers: Vec<String>,
}

/// Adds your reaction, or takes it back if it is yours already; the live frame updates the row.
pub fn toggle_reaction(message_id: Uuid, emoji: String, mine_already: bool) {
    // Not tied to the calling component: the picker that calls this closes at once, and a
    // task of its scope would be dropped with it before the request went out.
    dioxus::core::spawn_forever(async move {
        let _ = if mine_already { api::unreact(message_id, &emoji).await } else { api::react(message_id, emoji).await };
    });
}

#[component]
pub fn Bubble(message: Message, sender_name: bool, receipts: Option<Receipts>, hydrated: bool) -> Element {
    let mut edits = use_signal(|| None::<Vec<crate::messages::model::Edit>>);
    let mut show_readers = use_signal(|| false);
    let deleted = message.deleted_at.is_some();
    let id = message.id;
    rsx! {
        div { class: "bubble",
            if sender_name {
                span { class: "sender", "{message.sender.display_name}" }
            }
            if let Some(reply) = &message.reply_to {
                a { class: "quote", href: "#m-{reply.id}",
                    span { class: "sender", "{reply.sender_name}" }
                    span { class: "muted", if reply.deleted { "Message deleted" } else { "{reply.snippet}" } }
                }
            }
            if !deleted {
                Gallery { media: message.media.clone() }
            }
            if deleted || !message.content.is_empty() {
                div { class: "content",
                    if deleted {
                        em { class: "muted", "This message was deleted" }
                    } else {
                        Formatted { text: message.content.clone() }
                    }
                }
            }
            if !message.reactions.is_empty() {
                Reactions { message_id: id, reactions: message.reactions.clone() }
            }
            div { class: "meta",
                if message.edited_at.is_some() && !deleted {
                    button {
                        class: "link-button",
                        r#type: "button",
                        title: "Show earlier versions",
                        onclick: move |_| {
                            if edits.read().is_some() {
                                edits.set(None);
                                return;
                            }
                            spawn(async move {
                                if let Ok(res) = api::history(id).await {
                                    edits.set(Some(res.edits));
                                }
                            });
                        },
                        "edited"
                    }
                }
                if hydrated {
                    span { class: "time", {short_time(message.created_at)} }
                } else {
                    // Holds the time's place until it can be told in the viewer's zone,
                    // so nothing moves when it appears.
                    span { class: "time unsettled", "aria-hidden": "true", "00:00" }
                }
                if let Some(receipts) = &receipts {
                    TickButton { ticks: receipts.ticks, onclick: move |_| show_readers.toggle() }
                }
            }
            if let Some(receipts) = receipts.as_ref().filter(|r| show_readers() && !r.readers.is_empty()) {
                p { class: "readers muted", "Seen by " {receipts.readers.join(", ")} }
            }
            if let Some(list) = edits().filter(|_| !deleted) {
                ol { class: "edit-history", "aria-label": "Earlier versions",
                    for e in list {
                        li { span { class: "muted", {e.edited_at.format("%Y-%m-%d %H:%M").to_string()} " · " } "{e.content}" }
                    }
                }
            }
        }
    }
}

/// The reactions under a message, each a button that adds or takes back yours.
#[component]
fn Reactions(message_id: Uuid, reactions: Vec<ReactionCount>) -> Element {
    rsx! {
        div { class: "reactions",
            for r in reactions {
                button {
                    r#type: "button",
                    class: if r.me { "reaction me" } else { "reaction" },
                    "aria-pressed": r.me,
                    onclick: move |_| toggle_reaction(message_id, r.emoji.clone(), r.me),
                    "{r.emoji} {r.count}"
                }
            }
        }
    }
}

/// ✓ or ✓✓ (coloured once read); in groups read by some, "seen by N" beside them.
#[component]
fn TickButton(ticks: Ticks, onclick: EventHandler<()>) -> Element {
    rsx! {
        button {
            r#type: "button",
            class: if ticks.read() { "tick read link-button" } else { "tick link-button" },
            title: "{ticks}",
            "aria-label": "{ticks}",
            onclick: move |_| onclick.call(()),
            {ticks.marks()}
            if let Ticks::SeenBy(_) = ticks { " {ticks}" }
        }
    }
}
