//! The messages of the chats opened in this tab, in seq order, with what paging and receipts
//! need: whether older messages remain, and the members' read and delivered positions.

use crate::chats::model::ChatMember;
use crate::messages::model::Message;
use dioxus::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct Timelines {
    pub messages: Signal<HashMap<Uuid, Vec<Message>>>,
    /// Chats whose timeline has older messages not loaded yet.
    pub has_older: Signal<HashMap<Uuid, bool>>,
    /// Bumped when the reader scrolls near the top: load earlier messages if there are any.
    pub want_older: Signal<u32>,
    /// Members with their read and delivered positions, for chats opened in this tab.
    pub members: Signal<HashMap<Uuid, Vec<ChatMember>>>,
}

impl Timelines {
    pub(super) fn new() -> Self {
        Self {
            messages: Signal::new(HashMap::new()),
            has_older: Signal::new(HashMap::new()),
            members: Signal::new(HashMap::new()),
            want_older: Signal::new(0),
        }
    }

    /// Adds or replaces messages of a chat, kept in seq order without duplicates.
    pub fn merge(&mut self, chat_id: Uuid, incoming: Vec<Message>) {
        let mut timelines = self.messages.write();
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
        let mut timelines = self.messages.write();
        let list = timelines.entry(chat_id).or_default();
        for message in saved {
            if let Err(i) = list.binary_search_by_key(&message.seq, |m| m.seq) {
                list.insert(i, message);
            }
        }
    }

    pub fn is_loaded(&self, chat_id: Uuid) -> bool {
        self.messages.read().contains_key(&chat_id)
    }

    pub fn update_message(&mut self, chat_id: Uuid, message_id: Uuid, change: impl FnOnce(&mut Message)) {
        if let Some(m) = self.messages.write().get_mut(&chat_id).and_then(|l| l.iter_mut().find(|m| m.id == message_id))
        {
            change(m);
        }
    }

    /// Seeds a chat's members from page data without moving anyone's positions backwards
    /// (receipts that arrived meanwhile are newer than the page).
    pub fn seed_members(&mut self, chat_id: Uuid, fresh: Vec<ChatMember>) {
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

    /// Applies `change` to a member of an opened chat, if both are there.
    pub fn update_member(&mut self, chat_id: Uuid, user_id: Uuid, change: impl FnOnce(&mut ChatMember)) {
        if let Some(members) = self.members.write().get_mut(&chat_id)
            && let Some(member) = members.iter_mut().find(|m| m.user.id == user_id)
        {
            change(member);
        }
    }
}
