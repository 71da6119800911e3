//! The background tasks every instance runs for its life: writing delivery marks, renewing
//! its presence and visibility leases, sweeping vanished presence, and the hourly clean-up.

use crate::platform::state::AppState;
use std::time::Duration;

pub fn spawn_all(state: &AppState) {
    spawn_delivery_flush(state.clone());
    state.live.online.clone().spawn_heartbeat(state.live.hub.clone());
    state.live.visibility.clone().spawn_heartbeat(state.live.hub.clone());
    spawn_presence_sweep(state.clone());
    spawn_cleanup(state.clone());
}

/// Delivery marks are written once a second. Marks still pending when the server stops are
/// lost, which is harmless: a client's next history load marks what it received.
fn spawn_delivery_flush(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = crate::chats::server::deliveries::flush(&state).await {
                tracing::warn!(error = %e.message, "recording deliveries");
            }
        }
    });
}

/// Every few seconds, people stored as online but connected nowhere become offline.
fn spawn_presence_sweep(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.live.online.beat());
        loop {
            tick.tick().await;
            if let Err(e) = crate::presence::server::service::sweep_vanished(&state).await {
                tracing::warn!(error = %e.message, "sweeping vanished presence");
            }
        }
    });
}

/// Hourly sweep of expired cookie sessions and of uploads never sent.
fn spawn_cleanup(state: AppState) {
    tokio::spawn(async move {
        let store = crate::auth::server::store::DbSessionStore::new(state.db.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "sweeping expired cookie sessions");
            }
            if let Err(e) = crate::media::server::service::sweep_unsent(&state).await {
                tracing::warn!(error = %e.message, "sweeping unsent uploads");
            }
        }
    });
}
