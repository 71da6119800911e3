//! Delivery marks ("this connection received the chat up to seq") from every live connection
//! of this instance, kept here until the chats domain writes them, once a second, in one
//! transaction (`chats::server::deliveries`). Done per connection, each mark
//! cost a membership check, an update, a read-back and a member lookup every second: with
//! thousands of connections in busy groups that was most of the database's work.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

/// What one (user, chat) received since the last flush.
#[derive(Debug, Default, PartialEq)]
pub struct Mark {
    pub seq: i64,
    /// Who sent the messages it covers: only they show ticks that the receipt moves. `None`
    /// (a history load, which may cover anything) tells the whole chat.
    pub senders: Option<Vec<Uuid>>,
}

/// The marks of this instance's connections, by (user, chat).
#[derive(Default)]
pub struct Deliveries {
    pending: Mutex<HashMap<(Uuid, Uuid), Mark>>,
}

impl Deliveries {
    /// A live connection of `user` received `sender`'s message `seq` of the chat.
    pub fn received(&self, user: Uuid, chat: Uuid, seq: i64, sender: Uuid) {
        let mut pending = self.lock();
        let mark = pending.entry((user, chat)).or_insert_with(|| Mark { seq, senders: Some(Vec::new()) });
        mark.seq = mark.seq.max(seq);
        if let Some(senders) = &mut mark.senders
            && !senders.contains(&sender)
        {
            senders.push(sender);
        }
    }

    /// `user` loaded the chat's history up to `seq`.
    pub fn caught_up(&self, user: Uuid, chat: Uuid, seq: i64) {
        let mut pending = self.lock();
        let mark = pending.entry((user, chat)).or_default();
        mark.seq = mark.seq.max(seq);
        mark.senders = None;
    }

    /// Everything pending, leaving nothing.
    pub fn take(&self) -> HashMap<(Uuid, Uuid), Mark> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back marks a failed flush could not write (merged with any newer ones).
    pub fn restore(&self, marks: HashMap<(Uuid, Uuid), Mark>) {
        let mut pending = self.lock();
        for (key, old) in marks {
            let mark = pending.entry(key).or_insert_with(|| Mark { seq: old.seq, senders: Some(Vec::new()) });
            mark.seq = mark.seq.max(old.seq);
            match (&mut mark.senders, old.senders) {
                (Some(senders), Some(more)) => {
                    senders.extend(more.into_iter().filter(|s| !senders.contains(s)).collect::<Vec<_>>())
                }
                (senders, None) => *senders = None,
                (None, Some(_)) => {}
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(Uuid, Uuid), Mark>> {
        // A panic while holding this lock cannot leave the map half-updated.
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_moves_forward_and_remembers_whose_messages_it_covers() {
        let deliveries = Deliveries::default();
        let (user, chat, other, alice, bob) =
            (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        deliveries.received(user, chat, 5, alice);
        deliveries.received(user, chat, 3, bob);
        deliveries.received(user, chat, 4, alice);
        deliveries.caught_up(user, other, 9);
        deliveries.received(user, other, 10, alice);
        let taken = deliveries.take();
        assert_eq!(taken[&(user, chat)], Mark { seq: 5, senders: Some(vec![alice, bob]) });
        assert_eq!(taken[&(user, other)], Mark { seq: 10, senders: None }, "a history load tells the whole chat");
        assert!(deliveries.take().is_empty(), "taking empties the pending marks");
        deliveries.received(user, chat, 7, bob);
        deliveries.restore(taken);
        let merged = deliveries.take();
        assert_eq!(merged[&(user, chat)], Mark { seq: 7, senders: Some(vec![bob, alice]) });
        assert_eq!(merged[&(user, other)].senders, None);
    }
}
