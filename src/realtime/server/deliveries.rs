//! Delivery marks ("this connection received the chat up to seq") from every live connection
//! of this instance, written once a second in one transaction. Done per connection, each mark
//! cost a membership check, an update, a read-back and a member lookup every second: with
//! thousands of connections in busy groups that was most of the database's work.

use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::realtime::model::ServerFrame;
use crate::server::state::AppState;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use uuid::Uuid;

const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// What one (user, chat) received since the last flush.
#[derive(Debug, Default, PartialEq)]
struct Mark {
    seq: i64,
    /// Who sent the messages it covers: only they show ticks that the receipt moves. `None`
    /// (a history load, which may cover anything) tells the whole chat.
    senders: Option<Vec<Uuid>>,
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

    fn take(&self) -> HashMap<(Uuid, Uuid), Mark> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back marks a failed flush could not write (merged with any newer ones).
    fn restore(&self, marks: HashMap<(Uuid, Uuid), Mark>) {
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

/// Stores the pending marks and announces each moved position as a `receipt`: to the senders
/// of the messages it covers (a delivered tick is only ever shown on one's own messages), or
/// to the whole chat after a history load. Returns how many positions moved.
pub async fn flush(state: &AppState) -> Result<usize, AppError> {
    let pending = state.deliveries.take();
    if pending.is_empty() {
        return Ok(0);
    }
    let marks: Vec<(Uuid, Uuid, i64)> = pending.iter().map(|(&(user, chat), mark)| (user, chat, mark.seq)).collect();
    let moved = match chats::advance_deliveries(state, &marks).await {
        Ok(moved) => moved,
        Err(e) => {
            // Kept for the next round: a mark only ever moves forward.
            state.deliveries.restore(pending);
            return Err(e);
        }
    };
    let mut whole_chats: Vec<Uuid> = moved
        .iter()
        .filter(|m| pending.get(&(m.user_id, m.chat_id)).is_some_and(|p| p.senders.is_none()))
        .map(|m| m.chat_id)
        .collect();
    whole_chats.sort_unstable();
    whole_chats.dedup();
    let mut audience: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for member in chats::members_of(state, &whole_chats).await? {
        audience.entry(member.chat_id).or_default().push(member.user_id);
    }
    for m in &moved {
        let frame = ServerFrame::Receipt {
            chat_id: m.chat_id,
            user_id: m.user_id,
            read_seq: m.last_read_seq,
            delivered_seq: m.last_delivered_seq,
        };
        let to: Vec<Uuid> = match pending.get(&(m.user_id, m.chat_id)).and_then(|p| p.senders.as_ref()) {
            Some(senders) => senders.iter().copied().filter(|s| *s != m.user_id).collect(),
            // A direct chat closed by a block shows neither person the other's activity (as
            // with typing and reads): only the mover's own devices hear of a history load.
            None if closed_by_block(state, m.chat_id, m.user_id).await => vec![m.user_id],
            None => audience.get(&m.chat_id).cloned().unwrap_or_default(),
        };
        if !to.is_empty() {
            state.hub.send(&to, &frame);
        }
    }
    Ok(moved.len())
}

/// Whether `user`'s direct chat is closed by a block either way. A failed lookup says yes: a
/// receipt kept to the mover's own devices costs nothing, one shown across a block leaks.
async fn closed_by_block(state: &AppState, chat_id: Uuid, user: Uuid) -> bool {
    match chats::membership(state, chat_id, user).await {
        Ok((chat, _)) => chats::ensure_can_send(state, &chat, user).await.is_err(),
        Err(_) => true,
    }
}

/// Flushes once a second for the life of the server. Marks still pending when it stops are
/// lost, which is harmless: a client's next history load marks what it received.
pub fn spawn_flush(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = flush(&state).await {
                tracing::warn!(error = %e.message, "recording deliveries");
            }
        }
    });
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
