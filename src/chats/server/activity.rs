//! What members do in a chat besides writing: typing, and reading up to a message. Both are
//! published for the live fan-out; across a block in a direct chat neither reaches the other
//! person (it would show them activity the block hides).

use super::service::{self as chats, can_send};
use crate::error::AppError;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use uuid::Uuid;

/// "Alice is typing…" for the other members; clients forget it after ~5 s without a refresh.
pub async fn typing(state: &AppState, me: Uuid, chat_id: Uuid, typing: bool) -> Result<(), AppError> {
    let (chat, _) = chats::joined(state, chat_id, me).await?;
    if !can_send(state, &chat, me).await? {
        return Ok(());
    }
    state.publish(Event::Typing { chat_id, user_id: me, typing }).await
}

/// The member read up to `seq`: store it and tell the chat (only the reader's own devices
/// when a block closes it).
pub async fn read(state: &AppState, me: Uuid, chat_id: Uuid, seq: i64) -> Result<(), AppError> {
    let Some(read_seq) = chats::mark_read(state, me, chat_id, seq).await? else { return Ok(()) };
    let (chat, _) = chats::joined(state, chat_id, me).await?;
    let private = !can_send(state, &chat, me).await?;
    state.publish(Event::ReadMoved { chat_id, user_id: me, read_seq, private }).await
}
