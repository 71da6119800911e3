use super::Formatted;
use crate::media::components::gallery::Gallery;
use crate::ui::avatar::Avatar;
use crate::chats::components::short_time;
use crate::chats::model::Chat;
use crate::chats::store::{ChatStore, Draft, now_ms};
use crate::messages::api;
use crate::messages::model::Message;
use dioxus::prelude::*;
use uuid::Uuid;

/// A chat's messages, oldest first, grouped by sender, with ticks on your own.
#[component]
pub fn Timeline(chat: Chat, initial: Vec<Message>, initial_has_older: bool, highlight: Option<Uuid>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut loading = use_signal(|| false);
    // Times depend on the viewer's clock and zone: render them after hydration only.
    let mut hydrated = use_signal(|| false);
    use_effect(move || hydrated.set(true));
    // Typing indicators lapse ~5 s after the last refresh: forget them on time. (An effect,
    // not a future: effects run only in the browser, where the sleep really waits.)
    use_effect(move || {
        spawn(async move {
            loop {
                crate::ui::navigation::sleep_ms(1_000).await;
                let now = now_ms();
                if store.typing.peek().values().any(|users| users.values().any(|until| *until <= now)) {
                    for users in store.typing.write().values_mut() {
                        users.retain(|_, until| *until > now);
                    }
                }
            }
        });
    });
    let me = store.me.read().id;
    let messages = store.timelines.read().get(&chat.id).cloned().unwrap_or(initial);
    let mut live = store.chats.read().iter().find(|c| c.id == chat.id).cloned().unwrap_or_else(|| chat.clone());
    // The page's member list, kept current by receipts (the chat list omits group members).
    if let Some(members) = store.members.read().get(&chat.id) {
        live.members = members.clone();
    }
    let pending: Vec<_> = store.pending.read().iter().filter(|p| p.chat_id == chat.id).cloned().collect();
    let group = chat.kind == "group";
    let typing = typing_names(&store, &live, me);
    let has_older = store.has_older.read().get(&chat.id).copied().unwrap_or(initial_has_older);
    let chat_id = chat.id;
    // One page of earlier messages, unless one is already on its way or there are none.
    let mut load_older = move || {
        let oldest = store.timelines.peek().get(&chat_id).and_then(|l| l.first().map(|m| m.seq));
        let more = store.has_older.peek().get(&chat_id).copied().unwrap_or(false);
        let Some(before) = oldest.filter(|_| more && !*loading.peek()) else { return };
        loading.set(true);
        spawn(async move {
            if let Ok(page) = api::before(chat_id, before).await {
                store.merge(chat_id, page.messages);
                store.has_older.write().insert(chat_id, page.has_more);
            }
            loading.set(false);
        });
    };
    // Scrolling near the top asks for more (infinite scroll); the button does the same by hand.
    // Only requests made while this timeline is shown count (the store outlives chats).
    let asked_before = use_hook(|| *store.want_older.peek());
    use_effect(move || {
        if *store.want_older.read() > asked_before {
            load_older();
        }
    });
    rsx! {
        if has_older {
            div { class: "load-older",
                button { class: "btn btn-ghost", r#type: "button", disabled: loading(), onclick: move |_| load_older(), "Load earlier messages" }
            }
        }
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
                    readers: if m.sender.id == me && group { readers(&live, me, m.seq) } else { Vec::new() },
                    hydrated: hydrated(),
                    can_moderate: group && live.members.iter().any(|x| x.user.id == me && (x.role == "owner" || x.role == "admin")),
                    highlighted: highlight == Some(m.id),
                    day: (hydrated() && (i == 0 || local_day(&messages[i - 1]) != local_day(m))).then(|| day_label(m)),
                }
            }
            for p in pending {
                li { key: "{p.client_id}", class: "msg mine first pending",
                    div { class: "bubble",
                        Gallery { media: p.media.clone() }
                        if !p.content.is_empty() {
                            div { class: "content", Formatted { text: p.content.clone() } }
                        }
                        div { class: "meta", span { class: "tick", title: "Sending", "🕓" } }
                    }
                }
            }
        }
        p { class: "typing", "aria-live": "polite", "{typing}" }
    }
}

/// Quick reactions offered on every message.
const QUICK: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
/// The fuller picker behind "＋".
const PICKER: [&str; 32] = [
    "😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😊", "😇", "🙂", "😉", "😍", "🥰", "😘", "😎", "🤔",
    "🤗", "🙄", "😴", "🤯", "🥳", "😭", "😡", "👏", "🙌", "👌", "✌️", "🤝", "💪", "🔥", "🎉", "✅",
];

#[component]
#[allow(clippy::too_many_arguments)]
fn MessageRow(
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
    let class = format!(
        "msg {} {} {}",
        if mine { "mine" } else { "theirs" },
        if first_of_run { "first" } else { "" },
        if highlighted { "highlight" } else { "" }
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
            li { class: "day", role: "separator", "{label}" }
        }
        li { class: "{class}", id: "m-{message.id}", "data-seq": "{message.seq}", tabindex: "0",
            if hydrated && !deleted {
                div { class: "actions", role: "toolbar", "aria-label": "Message actions",
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
                    if hydrated { span { {short_time(message.created_at)} } }
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

fn local_day(m: &Message) -> chrono::NaiveDate {
    m.created_at.with_timezone(&chrono::Local).date_naive()
}

/// "Today", "Yesterday", or the date.
fn day_label(m: &Message) -> String {
    let day = local_day(m);
    let today = chrono::Local::now().date_naive();
    if day == today {
        "Today".to_owned()
    } else if today.pred_opt() == Some(day) {
        "Yesterday".to_owned()
    } else {
        day.format("%A, %B %-d, %Y").to_string()
    }
}

/// Names of the members (other than me) who have read up to `seq`.
fn readers(chat: &Chat, me: Uuid, seq: i64) -> Vec<String> {
    chat.members
        .iter()
        .filter(|m| m.user.id != me && m.last_read_seq >= seq)
        .map(|m| m.user.display_name.clone())
        .collect()
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
