//! Push rules: a subscription belongs to the signed-in device that made it (and goes when
//! that device signs out); whether notifications show previews belongs to the person.

use super::repo;
use crate::error::AppError;
use crate::platform::entity::push_subscription;
use crate::platform::state::AppState;
use crate::platform::webpush::subscription::NewSubscription;
use crate::push::model::*;
use chrono::Utc;
use uuid::Uuid;

pub fn public_key(state: &AppState) -> PushKeyResponse {
    PushKeyResponse { public_key: state.push.public_key().to_owned() }
}

/// Stores the browser's subscription for this device. The same endpoint again replaces the
/// old row (keys, owner and device), so a browser is never notified twice.
pub async fn subscribe(
    state: &AppState,
    me: Uuid,
    session_id: Uuid,
    req: &SubscribeRequest,
) -> Result<Subscription, AppError> {
    let parsed = NewSubscription::parse(req, state.push.allow_http())?;
    let written = push_subscription::Model {
        id: Uuid::now_v7(),
        user_id: me,
        session_id,
        endpoint: parsed.endpoint.clone(),
        p256dh: parsed.p256dh,
        auth: parsed.auth,
        created_at: Utc::now(),
    };
    repo::upsert_subscription(&state.db, written.clone()).await?;
    repo::delete_oldest_beyond(&state.db, me, MAX_SUBSCRIPTIONS_PER_USER).await?;
    // An unsubscribe of the same endpoint may have removed the row in between: that is the
    // subscribe happening first, so the answer describes what was written.
    let stored = repo::find_subscription_by_endpoint(&state.db, &parsed.endpoint).await?.unwrap_or(written);
    Ok(Subscription { id: stored.id, endpoint: stored.endpoint, created_at: stored.created_at })
}

/// Removes one of the caller's subscriptions; anyone else's endpoint is left alone.
pub async fn unsubscribe(state: &AppState, me: Uuid, endpoint: &str) -> Result<(), AppError> {
    Ok(repo::delete_subscription_of(&state.db, me, endpoint).await?)
}

/// Forgets the subscriptions of device sessions that were signed out.
pub async fn forget_sessions(state: &AppState, sessions: &[Uuid]) -> Result<(), AppError> {
    if sessions.is_empty() {
        return Ok(());
    }
    Ok(repo::delete_subscriptions_of_sessions(&state.db, sessions).await?)
}

pub async fn settings(state: &AppState, me: Uuid) -> Result<PushSettings, AppError> {
    let stored = repo::find_preference(&state.db, me).await?;
    Ok(stored.map(|p| PushSettings { previews: p.previews }).unwrap_or_default())
}

pub async fn set_settings(state: &AppState, me: Uuid, settings: PushSettings) -> Result<PushSettings, AppError> {
    repo::upsert_preference(&state.db, me, settings.previews, Utc::now()).await?;
    Ok(settings)
}
