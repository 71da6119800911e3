//! Restores the device copy when the server cannot be reached, then writes what changed
//! once a second: the chat list and the latest messages of recent chats. The outbox is kept
//! as it changes (`offline::keep_outbox`).

use super::{KEPT_MESSAGES, RECENT_CHATS, device};
use crate::browser::sleep_ms;
use crate::chats::model::{Chat, ChatView};
use crate::chats::store::{ChatStore, Pending};
use crate::messages::model::Message;
use dioxus::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

const OWNER: &str = "owner";
const CHATS: &str = "chats";
const RECENT: &str = "recent";

fn view_key(chat: Uuid) -> String {
    format!("view:{chat}")
}

/// How long to wait for the live connection before showing the device copy instead.
const PATIENCE_MS: u32 = 3_000;

pub async fn run(store: ChatStore) {
    let me = store.me.peek().id;
    if me.is_nil() {
        return;
    }
    // First, before anything can be queued and written over it.
    restore_outbox(store, me);
    if device::load::<Uuid>(OWNER).await.is_some_and(|owner| owner != me) {
        device::clear().await;
        super::keep_outbox(store);
    }
    device::save(OWNER, &me).await;
    let mut recent: Vec<Uuid> = device::load(RECENT).await.unwrap_or_default();
    if !reachable(store).await {
        restore(store, &recent).await;
    }
    let mut written = Written::default();
    loop {
        keep(store, &mut recent, &mut written).await;
        sleep_ms(1_000).await;
    }
}

/// Whether the live connection opens before we give up on it (or the browser says offline).
async fn reachable(store: ChatStore) -> bool {
    let mut waited = 0;
    while waited < PATIENCE_MS {
        if *store.link.online.peek() {
            return true;
        }
        if *store.link.offline.peek() || !device::browser_online() {
            return false;
        }
        sleep_ms(100).await;
        waited += 100;
    }
    *store.link.online.peek()
}

/// Messages written before a reload that never reached the server go out again, with the
/// same clientId, so the server stores each once.
fn restore_outbox(mut store: ChatStore, me: Uuid) {
    let saved: Vec<Pending> = device::load_now(&device::outbox_key(me)).unwrap_or_default();
    if saved.is_empty() {
        return;
    }
    let mut pending = store.outbox.pending.write();
    for message in saved {
        if !pending.iter().any(|p| p.client_id == message.client_id) {
            pending.push(message);
        }
    }
}

async fn restore(mut store: ChatStore, recent: &[Uuid]) {
    if let Some(chats) = device::load::<Vec<Chat>>(CHATS).await
        && !chats.is_empty()
        && !*store.link.online.peek()
    {
        store.list.chats.set(chats);
    }
    for chat in recent {
        let Some(view) = device::load::<ChatView>(&view_key(*chat)).await else { continue };
        store.fill(*chat, view.messages);
        store.timelines.has_older.write().entry(*chat).or_insert(view.has_more);
        if !store.timelines.members.peek().contains_key(chat) {
            store.seed_members(*chat, view.chat.members);
        }
    }
}

/// What was last written, to skip writes that would change nothing.
#[derive(Default)]
struct Written {
    chats: String,
    views: HashMap<Uuid, u64>,
}

async fn keep(store: ChatStore, recent: &mut Vec<Uuid>, written: &mut Written) {
    let chats = serde_json::to_string(&*store.list.chats.peek()).unwrap_or_default();
    if chats != written.chats {
        device::save_json(CHATS, &chats).await;
        written.chats = chats;
    }
    let open = *store.list.open_chat.peek();
    if let Some(open) = open
        && recent.first() != Some(&open)
    {
        recent.retain(|c| *c != open);
        recent.insert(0, open);
        for dropped in recent.split_off(recent.len().min(RECENT_CHATS)) {
            device::remove(&view_key(dropped)).await;
            written.views.remove(&dropped);
        }
        device::save(RECENT, recent).await;
    }
    for chat in recent.iter() {
        let Some(view) = latest(store, *chat) else { continue };
        let print = fingerprint(&view.messages, &view.chat);
        if written.views.get(chat) != Some(&print) {
            device::save(&view_key(*chat), &view).await;
            written.views.insert(*chat, print);
        }
    }
}

fn latest(store: ChatStore, chat_id: Uuid) -> Option<ChatView> {
    let chat = store.list.chats.peek().iter().find(|c| c.id == chat_id).cloned()?;
    let timelines = store.timelines.messages.peek();
    let list = timelines.get(&chat_id)?;
    let messages = list[list.len().saturating_sub(KEPT_MESSAGES)..].to_vec();
    let has_more =
        list.len() > KEPT_MESSAGES || store.timelines.has_older.peek().get(&chat_id).copied().unwrap_or(true);
    Some(ChatView { chat, messages, has_more })
}

/// Changes whenever a kept message is added, edited, deleted or reacted to, or the chat's
/// members or positions move.
fn fingerprint(messages: &[Message], chat: &Chat) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for m in messages {
        (m.seq, &m.content, m.edited_at, m.deleted_at.is_some()).hash(&mut hasher);
        for r in &m.reactions {
            (&r.emoji, r.count).hash(&mut hasher);
        }
    }
    for member in &chat.members {
        (member.user.id, member.last_read_seq, member.last_delivered_seq).hash(&mut hasher);
    }
    (chat.last_seq, &chat.name).hash(&mut hasher);
    hasher.finish()
}
