//! One message in the timeline: its day separator, the bubble (`bubble.rs`), the face beside
//! a group's run, and the actions that open on hover, keyboard focus or a long press (a bottom
//! sheet on phones).

use super::bubble::{Bubble, Receipts, toggle_reaction};
use crate::chats::store::{ChatStore, Draft};
use crate::messages::api;
use crate::messages::model::Message;
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;
use uuid::Uuid;

/// How long a finger rests on a message before its actions open.
const LONG_PRESS_MS: u32 = 450;

/// Quick reactions offered on every message.
const QUICK: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
/// The fuller picker behind "＋".
const PICKER: [&str; 32] = [
    "😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😊", "😇", "🙂", "😉", "😍", "🥰", "😘", "😎", "🤔", "🤗", "🙄", "😴",
    "🤯", "🥳", "😭", "😡", "👏", "🙌", "👌", "✌️", "🤝", "💪", "🔥", "🎉", "✅",
];

/// Where a message sits in the timeline, which decides how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Written by the viewer.
    pub mine: bool,
    /// The first of a run of messages by one sender.
    pub first_of_run: bool,
    /// A group message by someone else: show who wrote it.
    pub show_sender: bool,
    /// The message a link pointed at.
    pub highlighted: bool,
    /// The day separator above it, if it starts a day.
    pub day: Option<String>,
}

/// `receipts` is Some for the viewer's own messages only.
#[component]
pub fn MessageRow(
    message: Message,
    place: Placement,
    receipts: Option<Receipts>,
    hydrated: bool,
    can_moderate: bool,
) -> Element {
    let picker = use_signal(|| false);
    // Long-press (touch) opens the actions as a sheet; each new press or release bumps `press`,
    // so only a finger held still for LONG_PRESS_MS opens it.
    let mut press = use_signal(|| 0u32);
    let mut sheet = use_signal(|| false);
    // When the sheet opened (ms): the click that ends the press must not close it again.
    let mut opened_at = use_signal(|| 0i64);
    let Placement { mine, first_of_run, show_sender, highlighted, day } = place;
    let class = format!(
        "msg {} {} {} {}",
        if mine { "mine" } else { "theirs" },
        if first_of_run { "first" } else { "" },
        if highlighted { "highlight" } else { "" },
        if sheet() { "actions-open" } else { "" }
    );
    let deleted = message.deleted_at.is_some();
    rsx! {
        if let Some(label) = day {
            li { class: if hydrated { "day" } else { "day unsettled" }, "{label}" }
        }
        li { class: "{class}", id: "m-{message.id}", "data-seq": "{message.seq}", tabindex: "0",
            onpointerdown: move |e: PointerEvent| {
                if e.data().pointer_type() == "touch" && !deleted {
                    let this = press() + 1;
                    press.set(this);
                    spawn(async move {
                        crate::browser::sleep_ms(LONG_PRESS_MS).await;
                        if press() == this {
                            opened_at.set(chrono::Utc::now().timestamp_millis());
                            sheet.set(true);
                        }
                    });
                }
            },
            onpointerup: move |_| *press.write() += 1,
            onpointercancel: move |_| *press.write() += 1,
            // The browser's own long-press menu would cover ours.
            oncontextmenu: move |e: MouseEvent| {
                if sheet() {
                    e.prevent_default();
                }
            },
            if sheet() {
                div {
                    class: "sheet-backdrop",
                    "aria-hidden": "true",
                    onclick: move |_| {
                        if chrono::Utc::now().timestamp_millis() - opened_at() > 600 {
                            sheet.set(false);
                        }
                    },
                }
            }
            if hydrated && !deleted {
                Actions { message: message.clone(), mine, can_moderate, sheet, picker }
            }
            if picker() {
                EmojiPicker { message_id: message.id, open: picker }
            }
            // In groups, who wrote a run of messages shows as a face beside its first one.
            if show_sender && !mine {
                div { class: "msg-avatar", "aria-hidden": "true",
                    if first_of_run {
                        Avatar { name: message.sender.display_name.clone(), url: message.sender.avatar_url.clone(), size: 32 }
                    }
                }
            }
            Bubble { message: message.clone(), sender_name: show_sender && first_of_run, receipts, hydrated }
        }
    }
}

/// React, reply, edit (your own), delete (your own, or any as a group's moderator).
#[component]
fn Actions(message: Message, mine: bool, can_moderate: bool, sheet: Signal<bool>, picker: Signal<bool>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut confirm_delete = use_signal(|| false);
    let (mut sheet, mut picker) = (sheet, picker);
    let id = message.id;
    let quick: Vec<(&'static str, bool)> =
        QUICK.iter().map(|e| (*e, message.reactions.iter().any(|r| r.emoji == *e && r.me))).collect();
    let for_reply = message.clone();
    let for_edit = message.clone();
    rsx! {
        div {
            class: "actions",
            role: "toolbar",
            "aria-label": "Message actions",
            // Any choice closes the sheet, except the first tap of a two-step delete.
            onclick: move |_| {
                if !confirm_delete() {
                    sheet.set(false);
                }
            },
            for (emoji, already) in quick {
                button {
                    r#type: "button",
                    class: "action emoji",
                    "aria-label": "React {emoji}",
                    onclick: move |_| toggle_reaction(id, emoji.to_owned(), already),
                    "{emoji}"
                }
            }
            button { r#type: "button", class: "action", "aria-label": "More reactions", "aria-expanded": picker(), onclick: move |_| picker.toggle(), "＋" }
            button { r#type: "button", class: "action", onclick: move |_| store.outbox.draft.set(Draft::Reply(for_reply.clone())), "Reply" }
            if mine {
                button { r#type: "button", class: "action", onclick: move |_| store.outbox.draft.set(Draft::Edit(for_edit.clone())), "Edit" }
            }
            if mine || can_moderate {
                button {
                    r#type: "button",
                    class: if confirm_delete() { "action danger" } else { "action" },
                    onclick: move |_| {
                        if confirm_delete() {
                            // The toolbar goes with the deleted message: the request must outlive it.
                            dioxus::core::spawn_forever(async move { let _ = api::delete(id).await; });
                            confirm_delete.set(false);
                        } else {
                            confirm_delete.set(true);
                        }
                    },
                    if confirm_delete() { "Delete for everyone?" } else { "Delete" }
                }
            }
        }
    }
}

/// The fuller set of reactions behind "＋"; picking one closes it.
#[component]
fn EmojiPicker(message_id: Uuid, open: Signal<bool>) -> Element {
    let mut open = open;
    rsx! {
        div { class: "emoji-picker", role: "dialog", "aria-label": "Pick a reaction",
            for emoji in PICKER {
                button {
                    r#type: "button",
                    class: "action emoji",
                    "aria-label": "React {emoji}",
                    onclick: move |_| {
                        open.set(false);
                        toggle_reaction(message_id, emoji.to_owned(), false);
                    },
                    "{emoji}"
                }
            }
        }
    }
}
