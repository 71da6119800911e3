//! What the user is sending: the queue of messages on their way (see `messages::outbox`), why
//! the last one was refused, and what the composer is doing.

use crate::messages::model::Message;
use dioxus::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct Outbox {
    /// Messages on their way to the server, oldest first, shown with a clock.
    pub pending: Signal<Vec<Pending>>,
    /// Why the last queued message was refused, if it was.
    pub send_error: Signal<Option<String>>,
    /// What the composer is doing besides writing a new message.
    pub draft: Signal<Draft>,
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

impl Outbox {
    pub(super) fn new() -> Self {
        Self { pending: Signal::new(Vec::new()), send_error: Signal::new(None), draft: Signal::new(Draft::New) }
    }

    /// Drops the queued messages the server has now stored (matched by clientId); answers
    /// whether any were.
    pub fn settle(&mut self, stored: &[Message]) -> bool {
        // peek: merging must not make the caller (often an effect) depend on the outbox.
        if !self.pending.peek().iter().any(|p| stored.iter().any(|m| m.client_id == p.client_id)) {
            return false;
        }
        self.pending.write().retain(|p| !stored.iter().any(|m| m.client_id == p.client_id));
        true
    }
}
