//! Queries for the `media` table and the avatars that point into it.

use crate::platform::entity::{chat, media, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

pub async fn create(db: &impl ConnectionTrait, model: media::ActiveModel) -> Result<media::Model, DbErr> {
    model.insert(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<media::Model>, DbErr> {
    media::Entity::find_by_id(id).one(db).await
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<media::Model>, DbErr> {
    media::Entity::find().filter(media::Column::Id.is_in(ids.iter().copied())).all(db).await
}

pub async fn for_messages(db: &impl ConnectionTrait, message_ids: &[Uuid]) -> Result<Vec<media::Model>, DbErr> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    media::Entity::find().filter(media::Column::MessageId.is_in(message_ids.iter().copied())).all(db).await
}

/// Links the caller's unsent images to a message; returns how many were linked.
pub async fn attach(db: &impl ConnectionTrait, uploader: Uuid, message_id: Uuid, ids: &[Uuid]) -> Result<u64, DbErr> {
    let result = media::Entity::update_many()
        .col_expr(media::Column::MessageId, Expr::value(message_id))
        .filter(media::Column::Id.is_in(ids.iter().copied()))
        .filter(media::Column::UploaderId.eq(uploader))
        .filter(media::Column::MessageId.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Unlinks an image from its message (it stays as someone's avatar).
pub async fn detach(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    media::Entity::update_many()
        .col_expr(media::Column::MessageId, Expr::value(Option::<Uuid>::None))
        .filter(media::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    media::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn is_user_avatar(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    Ok(user::Entity::find().filter(user::Column::AvatarMediaId.eq(id)).count(db).await? > 0)
}

/// Chats (not deleted) that show this image as their avatar.
pub async fn avatar_of_chats(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let chats = chat::Entity::find()
        .filter(chat::Column::AvatarMediaId.eq(id))
        .filter(chat::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    Ok(chats.into_iter().map(|c| c.id).collect())
}

/// Uploads never sent in a message, older than `before`: candidates for the sweep.
pub async fn unsent_before(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<Vec<media::Model>, DbErr> {
    media::Entity::find()
        .filter(media::Column::MessageId.is_null())
        .filter(media::Column::CreatedAt.lt(before))
        .all(db)
        .await
}
