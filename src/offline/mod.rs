//! The device copy: the chat list, the latest messages of recently opened chats and the
//! outbox, kept in the browser (IndexedDB through `parlorDevice` in public/pwa.js; the outbox
//! in local storage) so the app opens, reads and queues messages with no network. It belongs
//! to the signed-in user: signing out, or another user signing in on the device, wipes it.

mod device;
mod keep;

use crate::chats::model::ChatView;
use crate::chats::store::ChatStore;
use dioxus::prelude::*;
use uuid::Uuid;

/// Chats whose latest messages are kept, most recently opened first.
pub const RECENT_CHATS: usize = 20;
/// Messages kept per chat.
pub const KEPT_MESSAGES: usize = 50;

/// Runs for the life of the signed-in shell (browser only): restores the device copy when
/// the server cannot be reached, then keeps it up to date.
pub async fn run(store: ChatStore) {
    keep::run(store).await;
}

/// Writes the outbox to the device now; called whenever a message joins or leaves it, so
/// nothing queued is lost to a reload, a closed tab or a crash a moment later.
pub fn keep_outbox(store: ChatStore) {
    let me = store.me.peek().id;
    if let (false, Ok(json)) = (me.is_nil(), serde_json::to_string(&*store.outbox.pending.peek())) {
        device::save_now(&device::outbox_key(me), &json);
    }
}

/// Forgets everything this device kept for the user (sign-out).
pub async fn wipe() {
    device::wipe().await;
}

/// A chat page built from what the device holds, for when the server cannot be asked.
pub fn saved_view(store: ChatStore, chat_id: Uuid) -> Option<ChatView> {
    let chat = store.list.chats.read().iter().find(|c| c.id == chat_id).cloned()?;
    let messages = store
        .timelines
        .messages
        .read()
        .get(&chat_id)
        .map(|list| list[list.len().saturating_sub(KEPT_MESSAGES)..].to_vec())
        .unwrap_or_default();
    Some(ChatView { chat, messages, has_more: true })
}

/// The same, found by a group's address.
pub fn saved_group_view(store: ChatStore, slug: &str) -> Option<ChatView> {
    let id = store.list.chats.read().iter().find(|c| c.slug.as_deref() == Some(slug)).map(|c| c.id)?;
    saved_view(store, id)
}
