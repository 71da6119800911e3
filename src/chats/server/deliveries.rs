//! Writing the delivery marks this instance's connections collected (`platform::live::deliveries`):
//! once a second, one transaction for all of them, then a `DeliveryMoved` for each position that
//! moved. Done per connection, each mark cost a membership check, an update, a read-back and a
//! member lookup every second: with thousands of connections in busy groups that was most of the
//! database's work.

use super::repo::DeliveryMark;
use super::service as chats;
use crate::error::AppError;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use std::collections::HashMap;
use uuid::Uuid;

/// Stores the pending marks and announces each moved position: to the senders
/// of the messages it covers (a delivered tick is only ever shown on one's own messages), or
/// to the whole chat after a history load. Returns how many positions moved.
pub async fn flush(state: &AppState) -> Result<usize, AppError> {
    let pending = state.live.deliveries.take();
    if pending.is_empty() {
        return Ok(0);
    }
    let marks: Vec<DeliveryMark> =
        pending.iter().map(|(&(user_id, chat_id), mark)| DeliveryMark { user_id, chat_id, seq: mark.seq }).collect();
    let moved = match chats::advance_deliveries(state, &marks).await {
        Ok(moved) => moved,
        Err(e) => {
            // Kept for the next round: a mark only ever moves forward.
            state.live.deliveries.restore(pending);
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
        let to: Vec<Uuid> = match pending.get(&(m.user_id, m.chat_id)).and_then(|p| p.senders.as_ref()) {
            Some(senders) => senders.iter().copied().filter(|s| *s != m.user_id).collect(),
            // A direct chat closed by a block shows neither person the other's activity (as
            // with typing and reads): only the mover's own devices hear of a history load.
            None if closed_by_block(state, m.chat_id, m.user_id).await => vec![m.user_id],
            None => audience.get(&m.chat_id).cloned().unwrap_or_default(),
        };
        if !to.is_empty() {
            let (chat_id, user_id) = (m.chat_id, m.user_id);
            let (read_seq, delivered_seq) = (m.last_read_seq, m.last_delivered_seq);
            state.publish(Event::DeliveryMoved { chat_id, user_id, read_seq, delivered_seq, to }).await?;
        }
    }
    Ok(moved.len())
}

/// Whether `user`'s direct chat is closed by a block either way. A failed lookup says yes: a
/// receipt kept to the mover's own devices costs nothing, one shown across a block leaks.
async fn closed_by_block(state: &AppState, chat_id: Uuid, user: Uuid) -> bool {
    match chats::joined(state, chat_id, user).await {
        Ok((chat, _)) => !chats::can_send(state, &chat, user).await.unwrap_or(false),
        Err(_) => true,
    }
}
