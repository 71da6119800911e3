//! Queries for contacts, blocks and the request log, in CRUD order.
//! A pending or accepted pair is one row keyed (smaller id, larger id); a block is one row
//! keyed (blocker, blocked). The rules never let both exist for the same two people.

use crate::platform::entity::{contact, contact_request_log};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::contacts::model::ContactStatus::{Accepted, Blocked, Pending};

/// The key of the one row a pair of people shares.
pub fn pair_key(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b { (a, b) } else { (b, a) }
}

pub async fn create_request(
    db: &impl ConnectionTrait,
    from: Uuid,
    to: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<contact::Model, DbErr> {
    let (low, high) = pair_key(from, to);
    contact::ActiveModel {
        user_id: Set(low),
        contact_id: Set(high),
        status: Set(Pending),
        requested_by: Set(from),
        created_at: Set(now),
        accepted_at: Set(None),
        request_id: Set(Some(id)),
    }
    .insert(db)
    .await
}

pub async fn create_block(
    db: &impl ConnectionTrait,
    blocker: Uuid,
    blocked: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    contact::ActiveModel {
        user_id: Set(blocker),
        contact_id: Set(blocked),
        status: Set(Blocked),
        requested_by: Set(blocker),
        created_at: Set(now),
        accepted_at: Set(None),
        request_id: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn log_request(db: &impl ConnectionTrait, sender: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    contact_request_log::ActiveModel { id: Set(Uuid::now_v7()), sender_id: Set(sender), created_at: Set(now) }
        .insert(db)
        .await?;
    Ok(())
}

/// The pending or accepted row of two people.
pub async fn find_pair(db: &impl ConnectionTrait, a: Uuid, b: Uuid) -> Result<Option<contact::Model>, DbErr> {
    let (low, high) = pair_key(a, b);
    contact::Entity::find()
        .filter(contact::Column::UserId.eq(low))
        .filter(contact::Column::ContactId.eq(high))
        .filter(contact::Column::Status.is_in([Pending, Accepted]))
        .one(db)
        .await
}

pub async fn find_pending_request(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::RequestId.eq(id))
        .filter(contact::Column::Status.eq(Pending))
        .one(db)
        .await
}

pub async fn find_block(
    db: &impl ConnectionTrait,
    blocker: Uuid,
    blocked: Uuid,
) -> Result<Option<contact::Model>, DbErr> {
    Ok(contact::Entity::find_by_id((blocker, blocked)).one(db).await?.filter(|row| row.status == Blocked))
}

/// Every row that names the user, on either side, oldest first.
pub async fn list_rows_of(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(Condition::any().add(contact::Column::UserId.eq(user)).add(contact::Column::ContactId.eq(user)))
        .order_by_asc(contact::Column::CreatedAt)
        .all(db)
        .await
}

/// Requests the user sent since `since`, and when the oldest of them was sent.
pub async fn requests_sent_since(
    db: &impl ConnectionTrait,
    sender: Uuid,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let window = contact_request_log::Entity::find()
        .filter(contact_request_log::Column::SenderId.eq(sender))
        .filter(contact_request_log::Column::CreatedAt.gt(since));
    let count = window.clone().count(db).await?;
    let oldest = window.order_by_asc(contact_request_log::Column::CreatedAt).one(db).await?.map(|row| row.created_at);
    Ok((count, oldest))
}

pub async fn accept(
    db: &impl ConnectionTrait,
    row: contact::Model,
    now: DateTime<Utc>,
) -> Result<contact::Model, DbErr> {
    let mut model: contact::ActiveModel = row.into();
    model.status = Set(Accepted);
    model.accepted_at = Set(Some(now));
    model.update(db).await
}

/// Removes the pending or accepted row of two people; returns whether there was one.
pub async fn delete_pair(db: &impl ConnectionTrait, a: Uuid, b: Uuid) -> Result<bool, DbErr> {
    let (low, high) = pair_key(a, b);
    let done = contact::Entity::delete_many()
        .filter(contact::Column::UserId.eq(low))
        .filter(contact::Column::ContactId.eq(high))
        .filter(contact::Column::Status.is_in([Pending, Accepted]))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

pub async fn delete_block(db: &impl ConnectionTrait, blocker: Uuid, blocked: Uuid) -> Result<bool, DbErr> {
    let done = contact::Entity::delete_many()
        .filter(contact::Column::UserId.eq(blocker))
        .filter(contact::Column::ContactId.eq(blocked))
        .filter(contact::Column::Status.eq(Blocked))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Forgets log entries older than the window, so the log stays about one day long.
pub async fn prune_log(db: &impl ConnectionTrait, sender: Uuid, before: DateTime<Utc>) -> Result<(), DbErr> {
    contact_request_log::Entity::delete_many()
        .filter(contact_request_log::Column::SenderId.eq(sender))
        .filter(contact_request_log::Column::CreatedAt.lte(before))
        .exec(db)
        .await?;
    Ok(())
}
