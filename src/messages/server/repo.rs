//! Queries for messages, edits and reactions, in CRUD order.

use crate::platform::entity::{chat, message, message_edit, reaction};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// Takes the chat's next seq. As the first statement of the send transaction it also takes
/// the write lock (SQLite) or the chat row's lock (PostgreSQL): concurrent senders queue here.
pub async fn next_seq(db: &impl ConnectionTrait, chat_id: Uuid, now: DateTime<Utc>) -> Result<Option<i64>, DbErr> {
    let bumped = chat::Entity::update_many()
        .col_expr(chat::Column::LastSeq, Expr::col(chat::Column::LastSeq).add(1))
        .col_expr(chat::Column::LastActivityAt, Expr::value(now))
        .filter(chat::Column::Id.eq(chat_id))
        .filter(chat::Column::DeletedAt.is_null())
        .exec_with_returning(db)
        .await?;
    Ok(bumped.first().map(|c| c.last_seq))
}

pub async fn create_message(db: &impl ConnectionTrait, model: message::ActiveModel) -> Result<message::Model, DbErr> {
    model.insert(db).await
}

pub async fn create_edit(
    db: &impl ConnectionTrait,
    message_id: Uuid,
    old_content: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    message_edit::ActiveModel {
        id: Set(Uuid::now_v7()),
        message_id: Set(message_id),
        content: Set(old_content.to_owned()),
        edited_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Adds a reaction; adding one that exists changes nothing.
pub async fn create_reaction(
    db: &impl ConnectionTrait,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> Result<bool, DbErr> {
    let inserted = reaction::Entity::insert(reaction::ActiveModel {
        message_id: Set(message_id),
        user_id: Set(user_id),
        emoji: Set(emoji.to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([reaction::Column::MessageId, reaction::Column::UserId, reaction::Column::Emoji])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}

pub async fn find_message(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_client_id(
    db: &impl ConnectionTrait,
    sender_id: Uuid,
    client_id: &str,
) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find()
        .filter(message::Column::SenderId.eq(sender_id))
        .filter(message::Column::ClientId.eq(client_id))
        .one(db)
        .await
}

pub async fn find_messages(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<message::Model>, DbErr> {
    message::Entity::find().filter(message::Column::Id.is_in(ids.iter().copied())).all(db).await
}

/// Up to `limit` messages of a chat after `after` (ascending) or before `before` (descending).
pub async fn page(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    after: Option<i64>,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<message::Model>, DbErr> {
    let mut query = message::Entity::find().filter(message::Column::ChatId.eq(chat_id));
    query = match (after, before) {
        (Some(after), _) => query.filter(message::Column::Seq.gt(after)).order_by_asc(message::Column::Seq),
        (None, Some(before)) => query.filter(message::Column::Seq.lt(before)).order_by_desc(message::Column::Seq),
        (None, None) => query.order_by_desc(message::Column::Seq),
    };
    query.limit(limit).all(db).await
}

pub async fn list_edits(db: &impl ConnectionTrait, message_id: Uuid) -> Result<Vec<message_edit::Model>, DbErr> {
    message_edit::Entity::find()
        .filter(message_edit::Column::MessageId.eq(message_id))
        .order_by_asc(message_edit::Column::EditedAt)
        .all(db)
        .await
}

pub async fn list_reactions(db: &impl ConnectionTrait, message_ids: &[Uuid]) -> Result<Vec<reaction::Model>, DbErr> {
    reaction::Entity::find()
        .filter(reaction::Column::MessageId.is_in(message_ids.iter().copied()))
        .order_by_asc(reaction::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn update_content(
    db: &impl ConnectionTrait,
    id: Uuid,
    content: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    message::Entity::update_many()
        .col_expr(message::Column::Content, Expr::value(content))
        .col_expr(message::Column::EditedAt, Expr::value(at))
        .filter(message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Erases a message for everyone: content, edit history and reactions go; the tombstone stays.
pub async fn erase(db: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> Result<(), DbErr> {
    message::Entity::update_many()
        .col_expr(message::Column::Content, Expr::value(""))
        .col_expr(message::Column::DeletedAt, Expr::value(at))
        .filter(message::Column::Id.eq(id))
        .exec(db)
        .await?;
    message_edit::Entity::delete_many().filter(message_edit::Column::MessageId.eq(id)).exec(db).await?;
    reaction::Entity::delete_many().filter(reaction::Column::MessageId.eq(id)).exec(db).await?;
    Ok(())
}

pub async fn delete_reaction(
    db: &impl ConnectionTrait,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> Result<bool, DbErr> {
    let result = reaction::Entity::delete_many()
        .filter(reaction::Column::MessageId.eq(message_id))
        .filter(reaction::Column::UserId.eq(user_id))
        .filter(reaction::Column::Emoji.eq(emoji))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
