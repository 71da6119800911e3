//! Queries for push subscriptions and preferences, in CRUD order.

use crate::platform::entity::{push_preference, push_subscription, session};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// Stores a subscription, or takes over the row of the same endpoint (new keys, owner, device).
pub async fn upsert_subscription(db: &impl ConnectionTrait, model: push_subscription::Model) -> Result<(), DbErr> {
    let active = push_subscription::ActiveModel {
        id: Set(model.id),
        user_id: Set(model.user_id),
        session_id: Set(model.session_id),
        endpoint: Set(model.endpoint),
        p256dh: Set(model.p256dh),
        auth: Set(model.auth),
        created_at: Set(model.created_at),
    };
    use push_subscription::Column as C;
    push_subscription::Entity::insert(active)
        .on_conflict(
            OnConflict::column(C::Endpoint)
                .update_columns([C::UserId, C::SessionId, C::P256dh, C::Auth, C::CreatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn upsert_preference(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    previews: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let active = push_preference::ActiveModel { user_id: Set(user_id), previews: Set(previews), updated_at: Set(now) };
    use push_preference::Column as C;
    push_preference::Entity::insert(active)
        .on_conflict(OnConflict::column(C::UserId).update_columns([C::Previews, C::UpdatedAt]).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find_subscription_by_endpoint(
    db: &impl ConnectionTrait,
    endpoint: &str,
) -> Result<Option<push_subscription::Model>, DbErr> {
    push_subscription::Entity::find().filter(push_subscription::Column::Endpoint.eq(endpoint)).one(db).await
}

pub async fn find_preference(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Option<push_preference::Model>, DbErr> {
    push_preference::Entity::find_by_id(user_id).one(db).await
}

/// Of `users`, those who turned previews off.
pub async fn list_private_users(db: &impl ConnectionTrait, users: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    let rows = push_preference::Entity::find()
        .filter(push_preference::Column::UserId.is_in(users.iter().copied()))
        .filter(push_preference::Column::Previews.eq(false))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| p.user_id).collect())
}

/// The subscriptions of `users` made on devices that are still signed in.
pub async fn list_live_subscriptions(
    db: &impl ConnectionTrait,
    users: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<push_subscription::Model>, DbErr> {
    let live_sessions = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(Expr::col(session::Column::RevokedAt).is_null())
        .and_where(Expr::col(session::Column::ExpiresAt).gt(now))
        .to_owned();
    push_subscription::Entity::find()
        .filter(push_subscription::Column::UserId.is_in(users.iter().copied()))
        .filter(push_subscription::Column::SessionId.in_subquery(live_sessions))
        .all(db)
        .await
}

/// Deletes one subscription, if it is the user's.
pub async fn delete_subscription_of(db: &impl ConnectionTrait, user_id: Uuid, endpoint: &str) -> Result<(), DbErr> {
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::UserId.eq(user_id))
        .filter(push_subscription::Column::Endpoint.eq(endpoint))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a subscription the push service called gone.
pub async fn delete_subscription(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    push_subscription::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Deletes the subscriptions made on these device sessions.
pub async fn delete_subscriptions_of_sessions(db: &impl ConnectionTrait, sessions: &[Uuid]) -> Result<(), DbErr> {
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::SessionId.is_in(sessions.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps the user's `keep` newest subscriptions and deletes the rest.
pub async fn delete_oldest_beyond(db: &impl ConnectionTrait, user_id: Uuid, keep: u64) -> Result<(), DbErr> {
    let extra: Vec<Uuid> = push_subscription::Entity::find()
        .select_only()
        .column(push_subscription::Column::Id)
        .filter(push_subscription::Column::UserId.eq(user_id))
        .order_by_desc(push_subscription::Column::CreatedAt)
        .order_by_desc(push_subscription::Column::Id)
        .offset(keep)
        // SQLite needs a LIMIT with an OFFSET; nobody holds anywhere near this many.
        .limit(10_000)
        .into_tuple()
        .all(db)
        .await?;
    if !extra.is_empty() {
        push_subscription::Entity::delete_many().filter(push_subscription::Column::Id.is_in(extra)).exec(db).await?;
    }
    Ok(())
}
