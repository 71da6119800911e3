//! Who receives which live frame, presence (online, away, offline with last seen) and typing.

use crate::auth::server::service as accounts;
use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::realtime::model::ServerFrame;
use crate::server::state::AppState;
use chrono::Utc;
use uuid::Uuid;

/// Sends a frame to the chat's current members.
pub async fn to_chat(state: &AppState, chat_id: Uuid, frame: ServerFrame) -> Result<(), AppError> {
    let members = chats::member_ids(state, chat_id).await?;
    state.hub.send(&members, &frame);
    Ok(())
}

pub fn to_users(state: &AppState, users: &[Uuid], frame: ServerFrame) {
    state.hub.send(users, &frame);
}

/// "Alice is typing…" for the other members of the chat; clients forget it after ~5 s without a refresh.
pub async fn typing(state: &AppState, me: Uuid, chat_id: Uuid, typing: bool) -> Result<(), AppError> {
    let (chat, _) = chats::membership(state, chat_id, me).await?;
    // Typing into a direct chat with someone who blocked you (or whom you blocked) reaches nobody.
    match chats::ensure_can_send(state, &chat, me).await {
        Err(e) if e.status == 403 => return Ok(()),
        other => other?,
    }
    let others: Vec<Uuid> = chats::member_ids(state, chat_id).await?.into_iter().filter(|u| *u != me).collect();
    state.hub.send(&others, &ServerFrame::Typing { chat_id, user_id: me, typing });
    Ok(())
}

/// Stores and announces a presence status to those the contacts rule lets see it.
pub async fn set_presence(state: &AppState, me: Uuid, status: &str) -> Result<(), AppError> {
    let status = match status {
        "online" | "away" => status,
        "offline" if !state.hub.is_online(me) => status,
        "offline" => return Ok(()),
        _ => return Err(AppError::bad_request("invalid_status", "Presence is online or away.")),
    };
    let last_seen = (status == "offline").then(Utc::now);
    let user = accounts::set_presence(state, me, status, last_seen).await?;
    let audience = crate::contacts::server::service::presence_audience(state, me).await?;
    state
        .hub
        .send(&audience, &ServerFrame::Presence { user_id: me, status: user.status, last_seen_at: user.last_seen_at });
    Ok(())
}

/// Marks offline whoever is stored as present but connected nowhere: the users of an
/// instance that died (or of this one, before a crash) would otherwise stay online.
pub async fn sweep_vanished(state: &AppState) -> Result<usize, AppError> {
    let candidates: Vec<Uuid> =
        accounts::present_user_ids(state).await?.into_iter().filter(|u| !state.hub.is_online(*u)).collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    let vanished = state.presence.held_nowhere(&candidates).await;
    for user in &vanished {
        set_presence(state, *user, "offline").await?;
    }
    Ok(vanished.len())
}

/// The member read up to `seq`: store it and tell the chat.
pub async fn read(state: &AppState, me: Uuid, chat_id: Uuid, seq: i64) -> Result<(), AppError> {
    if let Some(read_seq) = chats::mark_read(state, me, chat_id, seq).await? {
        let frame = ServerFrame::Receipt { chat_id, user_id: me, read_seq, delivered_seq: read_seq };
        // Like typing, reading a direct chat closed by a block (either way) tells the other
        // person nothing: it would show them activity the block hides. My own devices still hear.
        let (chat, _) = chats::membership(state, chat_id, me).await?;
        match chats::ensure_can_send(state, &chat, me).await {
            Err(e) if e.status == 403 => to_users(state, &[me], frame),
            other => {
                other?;
                to_chat(state, chat_id, frame).await?;
            }
        }
    }
    Ok(())
}
