//! Presence changes: a status a client reports, a person's first connection and last
//! disconnection on any instance, and the sweep for people whose instance vanished. Each
//! stored change is published as `PresenceChanged`; the live fan-out tells the rule's audience.

use super::repo;
use crate::error::AppError;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use crate::presence::model::PresenceStatus;
use chrono::Utc;
use uuid::Uuid;

/// Stores and announces a status a client reported ("online", "away", or "offline", which
/// holds only when the user has no connection here).
pub async fn report(state: &AppState, me: Uuid, status: &str) -> Result<(), AppError> {
    match PresenceStatus::parse(status) {
        Some(status @ (PresenceStatus::Online | PresenceStatus::Away)) => set(state, me, status).await,
        Some(PresenceStatus::Offline) if !state.live.hub.is_online(me) => set(state, me, PresenceStatus::Offline).await,
        Some(PresenceStatus::Offline) => Ok(()),
        None => Err(AppError::bad_request("invalid_status", "Presence is online or away.")),
    }
}

/// Stores a status (going offline also stores last seen) and publishes it.
pub async fn set(state: &AppState, me: Uuid, status: PresenceStatus) -> Result<(), AppError> {
    let last_seen = (status == PresenceStatus::Offline).then(Utc::now);
    let user = repo::update_status(&state.db, me, status.as_str(), last_seen).await?.ok_or_else(AppError::not_found)?;
    state.publish(Event::PresenceChanged { user_id: me, status: user.status, last_seen_at: user.last_seen_at }).await
}

/// A live connection of `user` opened: the first one on this instance claims presence here
/// and marks them online.
pub async fn arrived(state: &AppState, user: Uuid, first_here: bool) {
    if !first_here {
        return;
    }
    state.live.online.arrive(user).await;
    if let Err(e) = set(state, user, PresenceStatus::Online).await {
        tracing::warn!(error = %e, "marking a user online");
    }
}

/// A live connection of `user` closed: when it was their last one on every instance, they go
/// offline with last seen now.
pub async fn departed(state: &AppState, user: Uuid) {
    if state.live.hub.is_online(user) {
        return;
    }
    state.live.online.leave(user).await;
    // Still connected through another instance: still online.
    if !state.live.online.online_elsewhere(user).await
        && let Err(e) = report(state, user, PresenceStatus::Offline.as_str()).await
    {
        tracing::warn!(error = %e, "marking a user offline");
    }
}

/// Marks offline whoever is stored as present but connected nowhere: the users of an
/// instance that died (or of this one, before a crash) would otherwise stay online.
pub async fn sweep_vanished(state: &AppState) -> Result<usize, AppError> {
    let stored = repo::list_present(&state.db).await?;
    let candidates: Vec<Uuid> = stored.into_iter().filter(|u| !state.live.hub.is_online(*u)).collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    let vanished = state.live.online.held_nowhere(&candidates).await;
    for user in &vanished {
        report(state, *user, PresenceStatus::Offline.as_str()).await?;
    }
    Ok(vanished.len())
}
