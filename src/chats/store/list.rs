//! The chat list as the sidebar shows it: newest activity first, with unread counts.

use crate::chats::model::{Chat, ChatMember};
use crate::messages::model::{Message, MessagePreview};
use dioxus::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct ChatList {
    pub chats: Signal<Vec<Chat>>,
    /// Bumped when the chat list should be fetched again (membership changed).
    pub stale: Signal<u32>,
    /// The chat on screen: its new messages are read at once.
    pub open_chat: Signal<Option<Uuid>>,
}

impl ChatList {
    pub fn new(chats: Vec<Chat>) -> Self {
        Self { chats: Signal::new(chats), stale: Signal::new(0), open_chat: Signal::new(None) }
    }

    pub fn total_unread(&self) -> i64 {
        self.chats.read().iter().map(|c| c.unread_count).sum()
    }

    /// Moves the message's chat to the top with its preview; a chat not in the list makes the
    /// list stale. Unread counts grow for others' messages in chats not on screen.
    pub fn touch(&mut self, message: &Message, me: Uuid) {
        let open = *self.open_chat.read() == Some(message.chat_id);
        let mut chats = self.chats.write();
        let Some(pos) = chats.iter().position(|c| c.id == message.chat_id) else {
            drop(chats);
            *self.stale.write() += 1;
            return;
        };
        let mut chat = chats.remove(pos);
        if message.seq > chat.last_seq {
            chat.last_seq = message.seq;
            if message.sender.id != me && !open {
                chat.unread_count += 1;
            }
        }
        chat.last_activity_at = message.created_at;
        chat.last_message = Some(MessagePreview {
            id: message.id,
            seq: message.seq,
            sender_id: message.sender.id,
            snippet: crate::messages::format::snippet_or_photo(&message.content, message.deleted_at.is_some()),
            deleted: message.deleted_at.is_some(),
            created_at: message.created_at,
        });
        chats.insert(0, chat);
    }

    pub fn mark_read_locally(&mut self, chat_id: Uuid) {
        if let Some(chat) = self.chats.write().iter_mut().find(|c| c.id == chat_id) {
            chat.unread_count = 0;
        }
    }

    /// Applies `change` to a member of a listed chat, if both are there.
    pub fn update_member(&mut self, chat_id: Uuid, user_id: Uuid, change: impl FnOnce(&mut ChatMember)) {
        if let Some(chat) = self.chats.write().iter_mut().find(|c| c.id == chat_id)
            && let Some(member) = chat.members.iter_mut().find(|m| m.user.id == user_id)
        {
            change(member);
        }
    }

    /// A person's presence, wherever they appear as a member.
    pub fn set_presence(&mut self, user_id: Uuid, status: &str, last_seen_at: Option<chrono::DateTime<chrono::Utc>>) {
        for chat in self.chats.write().iter_mut() {
            for member in chat.members.iter_mut().filter(|m| m.user.id == user_id) {
                member.user.status = status.to_owned();
                member.user.last_seen_at = last_seen_at;
            }
        }
    }
}
