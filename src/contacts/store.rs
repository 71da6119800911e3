//! The client's live address book: loaded with the shell, kept current by contact frames.

use crate::contacts::model::{ContactRequest, ContactsResponse};
use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
pub struct ContactStore {
    pub book: Signal<ContactsResponse>,
    /// Bumped when the book should be fetched again (a contact or block changed).
    pub stale: Signal<u32>,
}

impl ContactStore {
    pub fn new(book: ContactsResponse) -> Self {
        Self { book: Signal::new(book), stale: Signal::new(0) }
    }

    pub fn incoming_count(&self) -> usize {
        self.book.read().incoming.len()
    }

    /// A request to or from the user arrived (from another device, or from someone else).
    pub fn add_request(&mut self, me: Uuid, request: ContactRequest) {
        let mut book = self.book.write();
        let list = if request.to.id == me { &mut book.incoming } else { &mut book.outgoing };
        match list.iter_mut().find(|r| r.id == request.id) {
            Some(known) => *known = request,
            None => list.push(request),
        }
    }

    pub fn set_presence(&mut self, user_id: Uuid, status: &str, last_seen_at: Option<DateTime<Utc>>) {
        let mut book = self.book.write();
        for contact in book.contacts.iter_mut().filter(|c| c.user.id == user_id) {
            contact.user.status = status.to_owned();
            contact.user.last_seen_at = last_seen_at;
        }
    }

    /// Drops the user from requests and contacts at once, before the fresh book arrives.
    pub fn forget(&mut self, user_id: Uuid) {
        let mut book = self.book.write();
        book.incoming.retain(|r| r.from.id != user_id);
        book.outgoing.retain(|r| r.to.id != user_id);
        book.contacts.retain(|c| c.user.id != user_id);
    }
}
