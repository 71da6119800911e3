//! The client's live picture of the user's chats: the chat list, the loaded timelines and
//! who is typing. Live frames and HTTP answers are folded in here; components read it.

use crate::auth::model::User;
use crate::chats::model::Chat;
use crate::contacts::store::ContactStore;
use crate::messages::model::{Message, MessagePreview, ReactionCount};
use crate::realtime::model::ServerFrame;
use dioxus::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct ChatStore {
    pub me: Signal<User>,
    pub chats: Signal<Vec<Chat>>,
    pub timelines: Signal<HashMap<Uuid, Vec<Message>>>,
    /// chat → (user → when the indicator expires, in ms since the epoch).
    pub typing: Signal<HashMap<Uuid, HashMap<Uuid, f64>>>,
    pub online: Signal<bool>,
    /// The last attempt to reach the server failed: the app shows what the device kept.
    pub offline: Signal<bool>,
    /// The chat on screen: its new messages are read at once.
    pub open_chat: Signal<Option<Uuid>>,
    /// Bumped when the chat list should be fetched again (membership changed).
    pub stale: Signal<u32>,
    /// The outbox: messages on their way to the server, oldest first, shown with a clock.
    pub pending: Signal<Vec<Pending>>,
    /// Why the last queued message was refused, if it was.
    pub send_error: Signal<Option<String>>,
    /// What the composer is doing besides writing a new message.
    pub draft: Signal<Draft>,
    /// Chats whose timeline has older messages not loaded yet.
    pub has_older: Signal<HashMap<Uuid, bool>>,
    /// Bumped when the reader scrolls near the top: load earlier messages if there are any.
    pub want_older: Signal<u32>,
    /// Members with their read and delivered positions, for chats opened in this tab.
    pub members: Signal<HashMap<Uuid, Vec<crate::chats::model::ChatMember>>>,
    pub contacts: ContactStore,
}

/// The composer's mode.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Draft {
    #[default]
    New,
    Reply(Message),
    Edit(Message),
}

/// Kept on the device (see `offline`), so a message written offline survives a reload.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub chat_id: Uuid,
    pub client_id: String,
    pub content: String,
    pub reply_to: Option<Uuid>,
    /// Uploaded already; sent by id.
    pub media: Vec<crate::media::model::Media>,
}

impl ChatStore {
    pub fn new(me: User, chats: Vec<Chat>) -> Self {
        Self {
            me: Signal::new(me),
            chats: Signal::new(chats),
            timelines: Signal::new(HashMap::new()),
            typing: Signal::new(HashMap::new()),
            online: Signal::new(false),
            offline: Signal::new(false),
            open_chat: Signal::new(None),
            stale: Signal::new(0),
            pending: Signal::new(Vec::new()),
            send_error: Signal::new(None),
            draft: Signal::new(Draft::New),
            has_older: Signal::new(HashMap::new()),
            members: Signal::new(HashMap::new()),
            want_older: Signal::new(0),
            contacts: ContactStore::new(Default::default()),
        }
    }

    pub fn total_unread(&self) -> i64 {
        self.chats.read().iter().map(|c| c.unread_count).sum()
    }

    /// Adds or replaces messages of a chat, kept in seq order without duplicates.
    pub fn merge(&mut self, chat_id: Uuid, incoming: Vec<Message>) {
        // peek: merging must not make the caller (often an effect) depend on the outbox.
        if self.pending.peek().iter().any(|p| incoming.iter().any(|m| m.client_id == p.client_id)) {
            self.pending.write().retain(|p| !incoming.iter().any(|m| m.client_id == p.client_id));
            crate::offline::keep_outbox(*self);
        }
        let mut timelines = self.timelines.write();
        let list = timelines.entry(chat_id).or_default();
        for message in incoming {
            match list.binary_search_by_key(&message.seq, |m| m.seq) {
                Ok(i) => list[i] = message,
                Err(i) => list.insert(i, message),
            }
        }
    }

    /// Adds the messages of a chat this timeline lacks, leaving the ones it has alone: the
    /// device copy may be older than what the server already sent.
    pub fn fill(&mut self, chat_id: Uuid, saved: Vec<Message>) {
        let mut timelines = self.timelines.write();
        let list = timelines.entry(chat_id).or_default();
        for message in saved {
            if let Err(i) = list.binary_search_by_key(&message.seq, |m| m.seq) {
                list.insert(i, message);
            }
        }
    }

    fn touch_chat(&mut self, message: &Message) {
        let me = self.me.read().id;
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

    /// Seeds a chat's members from page data without moving anyone's positions backwards
    /// (receipts that arrived meanwhile are newer than the page).
    pub fn seed_members(&mut self, chat_id: Uuid, fresh: Vec<crate::chats::model::ChatMember>) {
        let mut all = self.members.write();
        let known = all.remove(&chat_id).unwrap_or_default();
        let merged = fresh
            .into_iter()
            .map(|mut m| {
                if let Some(k) = known.iter().find(|k| k.user.id == m.user.id) {
                    m.last_read_seq = m.last_read_seq.max(k.last_read_seq);
                    m.last_delivered_seq = m.last_delivered_seq.max(k.last_delivered_seq);
                }
                m
            })
            .collect();
        all.insert(chat_id, merged);
    }

    pub fn mark_read_locally(&mut self, chat_id: Uuid) {
        if let Some(chat) = self.chats.write().iter_mut().find(|c| c.id == chat_id) {
            chat.unread_count = 0;
        }
    }

    fn update_message(&mut self, chat_id: Uuid, message_id: Uuid, change: impl FnOnce(&mut Message)) {
        if let Some(m) =
            self.timelines.write().get_mut(&chat_id).and_then(|l| l.iter_mut().find(|m| m.id == message_id))
        {
            change(m);
        }
    }

    /// Folds one live frame into the picture.
    pub fn apply(&mut self, frame: ServerFrame) {
        let me = self.me.read().id;
        match frame {
            ServerFrame::MessageNew(message) | ServerFrame::Ack { message, .. } => {
                self.touch_chat(&message);
                if self.timelines.read().contains_key(&message.chat_id) {
                    self.merge(message.chat_id, vec![message]);
                }
            }
            ServerFrame::MessageEdited(edited) => self.update_message(edited.chat_id, edited.id, |m| {
                m.content = edited.content;
                m.edited_at = edited.edited_at;
            }),
            ServerFrame::MessageDeleted { chat_id, message_id, .. } => self.update_message(chat_id, message_id, |m| {
                m.content.clear();
                m.reactions.clear();
                m.deleted_at = Some(chrono::Utc::now());
            }),
            ServerFrame::ReactionAdded { chat_id, message_id, user_id, emoji } => {
                self.update_message(chat_id, message_id, |m| match m.reactions.iter_mut().find(|r| r.emoji == emoji) {
                    Some(r) => {
                        r.count += 1;
                        r.me |= user_id == me;
                    }
                    None => m.reactions.push(ReactionCount { emoji, count: 1, me: user_id == me }),
                })
            }
            ServerFrame::ReactionRemoved { chat_id, message_id, user_id, emoji } => {
                self.update_message(chat_id, message_id, |m| {
                    if let Some(r) = m.reactions.iter_mut().find(|r| r.emoji == emoji) {
                        r.count -= 1;
                        r.me &= user_id != me;
                    }
                    m.reactions.retain(|r| r.count > 0);
                })
            }
            ServerFrame::Receipt { chat_id, user_id, read_seq, delivered_seq } => {
                let advance = |member: &mut crate::chats::model::ChatMember| {
                    member.last_read_seq = member.last_read_seq.max(read_seq);
                    member.last_delivered_seq = member.last_delivered_seq.max(delivered_seq);
                };
                if let Some(chat) = self.chats.write().iter_mut().find(|c| c.id == chat_id)
                    && let Some(member) = chat.members.iter_mut().find(|m| m.user.id == user_id)
                {
                    advance(member);
                }
                if let Some(members) = self.members.write().get_mut(&chat_id)
                    && let Some(member) = members.iter_mut().find(|m| m.user.id == user_id)
                {
                    advance(member);
                }
            }
            ServerFrame::Typing { chat_id, user_id, typing } => {
                let mut all = self.typing.write();
                let users = all.entry(chat_id).or_default();
                if typing {
                    users.insert(user_id, now_ms() + 5_000.0);
                } else {
                    users.remove(&user_id);
                }
            }
            ServerFrame::Presence { user_id, status, last_seen_at } => {
                self.contacts.set_presence(user_id, &status, last_seen_at);
                for chat in self.chats.write().iter_mut() {
                    for member in chat.members.iter_mut().filter(|m| m.user.id == user_id) {
                        member.user.status = status.clone();
                        member.user.last_seen_at = last_seen_at;
                    }
                }
            }
            ServerFrame::ChatCreated { .. }
            | ServerFrame::ChatUpdated { .. }
            | ServerFrame::ChatDeleted { .. }
            | ServerFrame::MemberAdded { .. }
            | ServerFrame::MemberRemoved { .. } => *self.stale.write() += 1,
            ServerFrame::ContactRequest(request) => self.contacts.add_request(me, request),
            ServerFrame::ContactUpdated { user_id, status } => {
                if status != "accepted" {
                    self.contacts.forget(user_id);
                }
                *self.contacts.stale.write() += 1;
                // Whose presence the user may see can change with it: the chat list shows presence.
                *self.stale.write() += 1;
            }
            ServerFrame::SessionRevoked { .. } => crate::ui::navigation::go_to_sign_in(),
            ServerFrame::Ready { .. } | ServerFrame::Error { .. } | ServerFrame::Pong {} => {}
        }
    }
}

/// Milliseconds since the epoch (the browser's clock on the client).
pub fn now_ms() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64
}
