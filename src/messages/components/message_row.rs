//! One message in the timeline: its bubble, reactions, ticks, and the actions that open on
//! hover, keyboard focus or a long press (a bottom sheet on phones).

use super::Formatted;
use crate::chats::components::short_time;
use crate::chats::store::{ChatStore, Draft};
use crate::media::components::gallery::Gallery;
use crate::messages::api;
use crate::messages::model::Message;
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;

/// How long a finger rests on a message before its actions open.
const LONG_PRESS_MS: u32 = 450;

/// Quick reactions offered on every message.
const QUICK: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
/// The fuller picker behind "＋".
const PICKER: [&str; 32] = [
    "😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😊", "😇", "🙂", "😉", "😍", "🥰", "😘", "😎", "🤔", "🤗", "🙄", "😴",
    "🤯", "🥳", "😭", "😡", "👏", "🙌", "👌", "✌️", "🤝", "💪", "🔥", "🎉", "✅",
];

#[component]
#[allow(clippy::too_many_arguments)]
pub fn MessageRow(
    message: Message,
    mine: bool,
    first_of_run: bool,
    show_sender: bool,
    ticks: String,
    hydrated: bool,
    can_moderate: bool,
    highlighted: bool,
    readers: Vec<String>,
    day: Option<String>,
) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut confirm_delete = use_signal(|| false);
    let mut edits = use_signal(|| None::<Vec<crate::messages::model::Edit>>);
    let mut show_readers = use_signal(|| false);
    let mut picker = use_signal(|| false);
    // Long-press (touch) opens the actions as a sheet; each new press or release bumps `press`,
    // so only a finger held still for LONG_PRESS_MS opens it.
    let mut press = use_signal(|| 0u32);
    let mut sheet = use_signal(|| false);
    // When the sheet opened (ms): the click that ends the press must not close it again.
    let mut opened_at = use_signal(|| 0i64);
    let class = format!(
        "msg {} {} {} {}",
        if mine { "mine" } else { "theirs" },
        if first_of_run { "first" } else { "" },
        if highlighted { "highlight" } else { "" },
        if sheet() { "actions-open" } else { "" }
    );
    let deleted = message.deleted_at.is_some();
    let id = message.id;
    let toggle = move |emoji: String, mine_already: bool| {
        spawn(async move {
            let _ = if mine_already { api::unreact(id, &emoji).await } else { api::react(id, emoji).await };
        });
    };
    let quick: Vec<(&'static str, bool)> =
        QUICK.iter().map(|e| (*e, message.reactions.iter().any(|r| r.emoji == *e && r.me))).collect();
    let for_reply = message.clone();
    let for_edit = message.clone();
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
                            onclick: move |_| toggle(emoji.to_owned(), already),
                            "{emoji}"
                        }
                    }
                    button { r#type: "button", class: "action", "aria-label": "More reactions", "aria-expanded": picker(), onclick: move |_| picker.toggle(), "＋" }
                    button { r#type: "button", class: "action", onclick: move |_| store.draft.set(Draft::Reply(for_reply.clone())), "Reply" }
                    if mine {
                        button { r#type: "button", class: "action", onclick: move |_| store.draft.set(Draft::Edit(for_edit.clone())), "Edit" }
                    }
                    if mine || can_moderate {
                        button {
                            r#type: "button",
                            class: if confirm_delete() { "action danger" } else { "action" },
                            onclick: move |_| {
                                if confirm_delete() {
                                    spawn(async move { let _ = api::delete(id).await; });
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
            if picker() {
                div { class: "emoji-picker", role: "dialog", "aria-label": "Pick a reaction",
                    for emoji in PICKER {
                        button {
                            r#type: "button",
                            class: "action emoji",
                            "aria-label": "React {emoji}",
                            onclick: move |_| {
                                picker.set(false);
                                toggle(emoji.to_owned(), false);
                            },
                            "{emoji}"
                        }
                    }
                }
            }
            // In groups, who wrote a run of messages shows as a face beside its first one.
            if show_sender && !mine {
                div { class: "msg-avatar", "aria-hidden": "true",
                    if first_of_run {
                        Avatar { name: message.sender.display_name.clone(), url: message.sender.avatar_url.clone(), size: 32 }
                    }
                }
            }
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
                    div { class: "reactions",
                        for r in message.reactions.clone() {
                            button {
                                r#type: "button",
                                class: if r.me { "reaction me" } else { "reaction" },
                                "aria-pressed": r.me,
                                onclick: move |_| toggle(r.emoji.clone(), r.me),
                                "{r.emoji} {r.count}"
                            }
                        }
                    }
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
                    if !ticks.is_empty() {
                        button {
                            r#type: "button",
                            class: if ticks.ends_with("read") || ticks.starts_with("seen") { "tick read link-button" } else { "tick link-button" },
                            title: "{ticks}",
                            "aria-label": "{ticks}",
                            onclick: move |_| show_readers.toggle(),
                            {tick_marks(&ticks)}
                            if ticks.starts_with("seen") { " {ticks}" }
                        }
                    }
                }
                if show_readers() && !readers.is_empty() {
                    p { class: "readers muted", "Seen by " {readers.join(", ")} }
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
}

fn tick_marks(state: &str) -> &'static str {
    match state {
        "sent" => "✓",
        _ => "✓✓",
    }
}
