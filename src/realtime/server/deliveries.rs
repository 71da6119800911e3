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

/// The highest seq each (user, chat) received since the last flush.
#[derive(Default)]
pub struct Deliveries {
    pending: Mutex<HashMap<(Uuid, Uuid), i64>>,
}

impl Deliveries {
    pub fn record(&self, user: Uuid, chat: Uuid, seq: i64) {
        let mut pending = self.lock();
        let entry = pending.entry((user, chat)).or_insert(seq);
        *entry = (*entry).max(seq);
    }

    fn take(&self) -> HashMap<(Uuid, Uuid), i64> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(Uuid, Uuid), i64>> {
        // A panic while holding this lock cannot leave the map half-updated.
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Stores the pending marks and sends each moved position to its chat as a `receipt`.
/// Returns how many positions moved.
pub async fn flush(state: &AppState) -> Result<usize, AppError> {
    let pending = state.deliveries.take();
    if pending.is_empty() {
        return Ok(0);
    }
    let marks: Vec<(Uuid, Uuid, i64)> = pending.iter().map(|(&(user, chat), &seq)| (user, chat, seq)).collect();
    let moved = match chats::advance_deliveries(state, &marks).await {
        Ok(moved) => moved,
        Err(e) => {
            // Keep them for the next round: a mark is only ever moved forward.
            for (user, chat, seq) in marks {
                state.deliveries.record(user, chat, seq);
            }
            return Err(e);
        }
    };
    let mut chat_ids: Vec<Uuid> = moved.iter().map(|m| m.chat_id).collect();
    chat_ids.sort_unstable();
    chat_ids.dedup();
    let mut audience: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for member in chats::members_of(state, &chat_ids).await? {
        audience.entry(member.chat_id).or_default().push(member.user_id);
    }
    for m in &moved {
        let frame = ServerFrame::Receipt { chat_id: m.chat_id, user_id: m.user_id, read_seq: m.last_read_seq, delivered_seq: m.last_delivered_seq };
        state.hub.send(audience.get(&m.chat_id).map_or(&[][..], Vec::as_slice), &frame);
    }
    Ok(moved.len())
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
    fn a_mark_only_moves_forward_until_flushed() {
        let deliveries = Deliveries::default();
        let (user, chat, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        deliveries.record(user, chat, 5);
        deliveries.record(user, chat, 3);
        deliveries.record(user, other, 1);
        let taken = deliveries.take();
        assert_eq!(taken.get(&(user, chat)), Some(&5));
        assert_eq!(taken.get(&(user, other)), Some(&1));
        assert!(deliveries.take().is_empty(), "taking empties the pending marks");
    }
}
