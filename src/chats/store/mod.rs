//! The client's live picture of the user's chats, one small store per concern: the chat list,
//! the loaded timelines, who is typing, the outbox and composer, the live link, the address
//! book. `ChatStore` holds them all (it is what the shell puts in context) and folds live
//! frames and HTTP answers into the ones concerned; components read the store they need.

mod list;
mod outbox;
mod timelines;
mod typing;

pub use list::ChatList;
pub use outbox::{Draft, Outbox, Pending};
pub use timelines::Timelines;
pub use typing::Typing;

use crate::auth::model::User;
use crate::chats::model::{Chat, ChatMember};
use crate::contacts::store::ContactStore;
use crate::messages::model::{Message, ReactionCount};
use crate::realtime::model::ServerFrame;
use dioxus::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct ChatStore {
    pub me: Signal<User>,
    pub list: ChatList,
    pub timelines: Timelines,
    pub typing: Typing,
    pub outbox: Outbox,
    pub link: LinkState,
    pub contacts: ContactStore,
}

/// The live connection as the page shows it.
#[derive(Clone, Copy, PartialEq)]
pub struct LinkState {
    pub online: Signal<bool>,
    /// The last attempt to reach the server failed: the app shows what the device kept.
    pub offline: Signal<bool>,
}

impl ChatStore {
    pub fn new(me: User, chats: Vec<Chat>) -> Self {
        Self {
            me: Signal::new(me),
            list: ChatList::new(chats),
            timelines: Timelines::new(),
            typing: Typing::new(),
            outbox: Outbox::new(),
            link: LinkState { online: Signal::new(false), offline: Signal::new(false) },
            contacts: ContactStore::new(Default::default()),
        }
    }

    pub fn total_unread(&self) -> i64 {
        self.list.total_unread()
    }

    /// Adds or replaces messages of a chat, kept in seq order without duplicates; the ones
    /// that were queued here leave the outbox.
    pub fn merge(&mut self, chat_id: Uuid, incoming: Vec<Message>) {
        if self.outbox.settle(&incoming) {
            crate::offline::keep_outbox(*self);
        }
        self.timelines.merge(chat_id, incoming);
    }

    /// Adds the messages of a chat this timeline lacks (see `Timelines::fill`).
    pub fn fill(&mut self, chat_id: Uuid, saved: Vec<Message>) {
        self.timelines.fill(chat_id, saved);
    }

    pub fn seed_members(&mut self, chat_id: Uuid, fresh: Vec<ChatMember>) {
        self.timelines.seed_members(chat_id, fresh);
    }

    pub fn mark_read_locally(&mut self, chat_id: Uuid) {
        self.list.mark_read_locally(chat_id);
    }

    /// Folds one live frame into the stores it concerns.
    pub fn apply(&mut self, frame: ServerFrame) {
        let me = self.me.read().id;
        match frame {
            ServerFrame::MessageNew(message) | ServerFrame::Ack { message, .. } => {
                self.list.touch(&message, me);
                if self.timelines.is_loaded(message.chat_id) {
                    self.merge(message.chat_id, vec![message]);
                }
            }
            ServerFrame::MessageEdited(edited) => self.timelines.update_message(edited.chat_id, edited.id, |m| {
                m.content = edited.content;
                m.edited_at = edited.edited_at;
            }),
            ServerFrame::MessageDeleted { chat_id, message_id, .. } => {
                self.timelines.update_message(chat_id, message_id, |m| {
                    m.content.clear();
                    m.reactions.clear();
                    m.deleted_at = Some(chrono::Utc::now());
                })
            }
            ServerFrame::ReactionAdded { chat_id, message_id, user_id, emoji } => {
                self.timelines.update_message(chat_id, message_id, |m| {
                    match m.reactions.iter_mut().find(|r| r.emoji == emoji) {
                        Some(r) => {
                            r.count += 1;
                            r.me |= user_id == me;
                        }
                        None => m.reactions.push(ReactionCount { emoji, count: 1, me: user_id == me }),
                    }
                })
            }
            ServerFrame::ReactionRemoved { chat_id, message_id, user_id, emoji } => {
                self.timelines.update_message(chat_id, message_id, |m| {
                    if let Some(r) = m.reactions.iter_mut().find(|r| r.emoji == emoji) {
                        r.count -= 1;
                        r.me &= user_id != me;
                    }
                    m.reactions.retain(|r| r.count > 0);
                })
            }
            ServerFrame::Receipt { chat_id, user_id, read_seq, delivered_seq } => {
                let advance = |member: &mut ChatMember| {
                    member.last_read_seq = member.last_read_seq.max(read_seq);
                    member.last_delivered_seq = member.last_delivered_seq.max(delivered_seq);
                };
                self.list.update_member(chat_id, user_id, advance);
                self.timelines.update_member(chat_id, user_id, advance);
            }
            ServerFrame::Typing { chat_id, user_id, typing } => self.typing.set(chat_id, user_id, typing),
            ServerFrame::Presence { user_id, status, last_seen_at } => {
                self.contacts.set_presence(user_id, &status, last_seen_at);
                self.list.set_presence(user_id, &status, last_seen_at);
            }
            ServerFrame::ChatCreated { .. }
            | ServerFrame::ChatUpdated { .. }
            | ServerFrame::ChatDeleted { .. }
            | ServerFrame::MemberAdded { .. }
            | ServerFrame::MemberRemoved { .. } => *self.list.stale.write() += 1,
            ServerFrame::ContactRequest(request) => self.contacts.add_request(me, request),
            ServerFrame::ContactUpdated { user_id, status } => {
                if status != "accepted" {
                    self.contacts.forget(user_id);
                }
                *self.contacts.stale.write() += 1;
                // Whose presence the user may see can change with it: the chat list shows presence.
                *self.list.stale.write() += 1;
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
