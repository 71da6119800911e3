//! Blocking: it ends any contact or request between the two, and only the blocker hears of it.

use super::repo;
use crate::auth::server::service::{user_not_found, users_by_ids};
use crate::contacts::model::ContactStatus;
use crate::error::AppError;
use crate::platform::db::UniqueRace;
use crate::platform::events::Event;
use crate::platform::state::AppState;
use chrono::Utc;
use uuid::Uuid;

async fn existing(state: &AppState, me: Uuid, other: Uuid) -> Result<(), AppError> {
    if other == me {
        return Err(AppError::bad_request("invalid_contact", "You cannot block yourself."));
    }
    if users_by_ids(state, &[other]).await?.is_empty() {
        return Err(user_not_found());
    }
    Ok(())
}

/// Blocks someone (again is fine). The blocked person gets no frame: to them nothing happened.
pub async fn block(state: &AppState, me: Uuid, other: Uuid) -> Result<(), AppError> {
    existing(state, me, other).await?;
    let txn = crate::platform::db::begin_write(&state.db).await?;
    repo::delete_pair(&txn, me, other).await?;
    let created = match repo::find_block(&txn, me, other).await? {
        Some(_) => Ok(()),
        None => repo::create_block(&txn, me, other, Utc::now()).await,
    };
    match created.or_taken()? {
        Some(()) => txn.commit().await?,
        // Another tab blocked the same person at the same moment and did all of this.
        None => txn.rollback().await?,
    }
    // The blocked person is not told.
    let status = ContactStatus::Blocked.as_str().to_owned();
    state.publish(Event::ContactChanged { user_id: me, other_id: other, status, private: true }).await
}

pub async fn unblock(state: &AppState, me: Uuid, other: Uuid) -> Result<(), AppError> {
    existing(state, me, other).await?;
    if repo::delete_block(&state.db, me, other).await? {
        let status = "none".to_owned();
        state.publish(Event::ContactChanged { user_id: me, other_id: other, status, private: true }).await?;
    }
    Ok(())
}
