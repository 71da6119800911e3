//! Queries for users, sessions and used refresh tokens, in CRUD order.
//! Every function takes `&impl ConnectionTrait` so it runs inside a transaction too.

use crate::platform::entity::{session, used_refresh_token, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Inserts a user; fails with a unique violation when the username is taken.
pub async fn create_user(db: &impl ConnectionTrait, model: user::ActiveModel) -> Result<user::Model, DbErr> {
    model.insert(db).await
}

pub async fn find_user(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

pub async fn find_users(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Id.is_in(ids.iter().copied())).all(db).await
}

/// Users whose username starts with `prefix` (already lower-case), alphabetically.
pub async fn search_users(
    db: &impl ConnectionTrait,
    prefix: &str,
    exclude: Uuid,
    limit: u64,
) -> Result<Vec<user::Model>, DbErr> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{ExprTrait, LikeExpr};
    // LIKE wildcards in the query match literally (`_` is also a username character).
    let literal = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = LikeExpr::new(format!("{literal}%")).escape('\\');
    user::Entity::find()
        .filter(Expr::col(user::Column::UsernameLower).like(pattern))
        .filter(user::Column::Id.ne(exclude))
        .order_by_asc(user::Column::UsernameLower)
        .limit(limit)
        .all(db)
        .await
}

pub async fn find_user_by_key(db: &impl ConnectionTrait, username_key: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::UsernameLower.eq(username_key)).one(db).await
}

pub async fn update_user(db: &impl ConnectionTrait, model: user::ActiveModel) -> Result<user::Model, DbErr> {
    model.update(db).await
}

pub async fn create_session(db: &impl ConnectionTrait, model: session::ActiveModel) -> Result<session::Model, DbErr> {
    model.insert(db).await
}

pub async fn find_session(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(id).one(db).await
}

pub async fn find_session_by_refresh(db: &impl ConnectionTrait, hash: &str) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find().filter(session::Column::RefreshTokenHash.eq(hash)).one(db).await
}

pub async fn find_used_refresh(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<used_refresh_token::Model>, DbErr> {
    used_refresh_token::Entity::find_by_id(hash.to_owned()).one(db).await
}

/// Sessions of a user that are neither revoked nor expired, most recently active first.
pub async fn list_active_sessions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastActiveAt)
        .all(db)
        .await
}

/// Swaps the refresh token only if it is still `old_hash`; returns false when another
/// request rotated it first. The old hash is remembered to detect reuse.
pub async fn rotate_refresh(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    old_hash: &str,
    new_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = session::Entity::update_many()
        .col_expr(session::Column::RefreshTokenHash, Expr::value(new_hash))
        .col_expr(session::Column::LastActiveAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RefreshTokenHash.eq(old_hash))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    used_refresh_token::ActiveModel {
        token_hash: sea_orm::Set(old_hash.to_owned()),
        session_id: sea_orm::Set(session_id),
        used_at: sea_orm::Set(now),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Records activity at most as often as the caller decides; slides the expiry forward.
pub async fn touch_session(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    ip: Option<String>,
) -> Result<(), DbErr> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::LastActiveAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(ip) = ip {
        update = update.col_expr(session::Column::Ip, Expr::value(ip));
    }
    update.exec(db).await?;
    Ok(())
}

pub async fn revoke_session(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes every live session of a user; returns the ids revoked.
pub async fn revoke_all_sessions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    let live = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(live.into_iter().map(|s| s.id).collect())
}
