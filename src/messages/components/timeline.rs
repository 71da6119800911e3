use super::Formatted;
use super::bubble::Receipts;
use super::message_row::{MessageRow, Placement};
use super::ticks::Ticks;
use crate::chats::model::Chat;
use crate::chats::store::{ChatStore, now_ms};
use crate::media::components::gallery::Gallery;
use crate::messages::api;
use crate::messages::model::Message;
use crate::ui::hydrated::use_hydrated;
use dioxus::prelude::*;
use uuid::Uuid;

/// A chat's messages, oldest first, grouped by sender, with ticks on your own.
#[component]
pub fn Timeline(chat: Chat, initial: Vec<Message>, initial_has_older: bool, highlight: Option<Uuid>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut loading = use_signal(|| false);
    // Times depend on the viewer's clock and zone: told after hydration only, in places kept
    // for them from the start.
    let hydrated = use_hydrated();
    // Typing indicators lapse ~5 s after the last refresh: forget them on time. (An effect,
    // not a future: effects run only in the browser, where the sleep really waits.)
    use_effect(move || {
        spawn(async move {
            loop {
                crate::browser::sleep_ms(1_000).await;
                let now = now_ms();
                if store.typing.users.peek().values().any(|users| users.values().any(|until| *until <= now)) {
                    for users in store.typing.users.write().values_mut() {
                        users.retain(|_, until| *until > now);
                    }
                }
            }
        });
    });
    let me = store.me.read().id;
    let messages = store.timelines.messages.read().get(&chat.id).cloned().unwrap_or(initial);
    let mut live = store.list.chats.read().iter().find(|c| c.id == chat.id).cloned().unwrap_or_else(|| chat.clone());
    // The page's member list, kept current by receipts (the chat list omits group members).
    if let Some(members) = store.timelines.members.read().get(&chat.id) {
        live.members = members.clone();
    }
    let pending: Vec<_> = store.outbox.pending.read().iter().filter(|p| p.chat_id == chat.id).cloned().collect();
    let group = chat.kind == "group";
    let typing = typing_names(&store, &live, me);
    let has_older = store.timelines.has_older.read().get(&chat.id).copied().unwrap_or(initial_has_older);
    let chat_id = chat.id;
    // One page of earlier messages, unless one is already on its way or there are none.
    let mut load_older = move || {
        let oldest = store.timelines.messages.peek().get(&chat_id).and_then(|l| l.first().map(|m| m.seq));
        let more = store.timelines.has_older.peek().get(&chat_id).copied().unwrap_or(false);
        let Some(before) = oldest.filter(|_| more && !*loading.peek()) else { return };
        loading.set(true);
        spawn(async move {
            if let Ok(page) = api::before(chat_id, before).await {
                store.merge(chat_id, page.messages);
                store.timelines.has_older.write().insert(chat_id, page.has_more);
            }
            loading.set(false);
        });
    };
    // Scrolling near the top asks for more (infinite scroll); the button does the same by hand.
    // Only requests made while this timeline is shown count (the store outlives chats).
    let asked_before = use_hook(|| *store.timelines.want_older.peek());
    use_effect(move || {
        if *store.timelines.want_older.read() > asked_before {
            load_older();
        }
    });
    rsx! {
        if has_older {
            div { class: "load-older",
                button { class: "btn btn-ghost", r#type: "button", disabled: loading(), onclick: move |_| load_older(), "Load earlier messages" }
            }
        }
        ol { class: "timeline", "aria-label": "Messages", "aria-live": "polite", "aria-relevant": "additions",
            if messages.is_empty() && pending.is_empty() {
                li { class: "timeline-empty muted", "No messages yet. Say hello!" }
            }
            for (i, m) in messages.iter().enumerate() {
                MessageRow {
                    key: "{m.id}",
                    message: m.clone(),
                    place: Placement {
                        mine: m.sender.id == me,
                        first_of_run: i == 0 || messages[i - 1].sender.id != m.sender.id,
                        show_sender: group && m.sender.id != me,
                        highlighted: highlight == Some(m.id),
                        day: (i == 0 || day_of(&messages[i - 1], hydrated()) != day_of(m, hydrated())).then(|| day_label(m, hydrated())),
                    },
                    receipts: (m.sender.id == me).then(|| Receipts {
                        ticks: Ticks::of(&live, me, m.seq),
                        readers: if group { readers(&live, me, m.seq) } else { Vec::new() },
                    }),
                    hydrated: hydrated(),
                    can_moderate: group && live.members.iter().any(|x| x.user.id == me && (x.role == "owner" || x.role == "admin")),
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

/// The day a message was sent, in the viewer's zone once the page runs. Before that (the
/// server's render and the first one in the browser, which must match) it is the UTC day: the
/// separators then stand, unseen, about where they will be, so the list does not jump.
fn day_of(m: &Message, local: bool) -> chrono::NaiveDate {
    if local { m.created_at.with_timezone(&chrono::Local).date_naive() } else { m.created_at.date_naive() }
}

/// "Today", "Yesterday", or the date.
fn day_label(m: &Message, local: bool) -> String {
    let day = day_of(m, local);
    let today = if local { chrono::Local::now().date_naive() } else { chrono::Utc::now().date_naive() };
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

/// "Alice is typing…", "Alice and Bob are typing…", or nothing.
fn typing_names(store: &ChatStore, chat: &Chat, me: Uuid) -> String {
    let now = now_ms();
    let typing = store.typing.users.read();
    let Some(users) = typing.get(&chat.id) else { return String::new() };
    let names: Vec<String> = users
        .iter()
        .filter(|(user, until)| **user != me && **until > now)
        .map(|(user, _)| {
            chat.members
                .iter()
                .find(|m| m.user.id == *user)
                .map_or_else(|| "Someone".to_owned(), |m| m.user.display_name.clone())
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("{one} is typing…"),
        [a, b] => format!("{a} and {b} are typing…"),
        [a, ..] => format!("{a} and {} others are typing…", names.len() - 1),
    }
}
