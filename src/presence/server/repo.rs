//! Presence queries: the status columns of `users`, and the relationships the rule reads
//! (chat partners, contact rows), which the chats and contacts domains write.

use crate::platform::entity::{chat, chat_member, contact, user};
use crate::presence::model::PresenceStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// Stores a status, and the last seen time when one is given; the row as it is now, if the user exists.
pub async fn update_status(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    status: &str,
    last_seen: Option<DateTime<Utc>>,
) -> Result<Option<user::Model>, DbErr> {
    let mut model = user::ActiveModel { id: Set(user_id), status: Set(status.to_owned()), ..Default::default() };
    if last_seen.is_some() {
        model.last_seen_at = Set(last_seen);
    }
    match user::Entity::update(model).exec(db).await {
        Ok(row) => Ok(Some(row)),
        Err(DbErr::RecordNotUpdated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Everyone whose stored status is not offline.
pub async fn list_present(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Status.ne(PresenceStatus::Offline.as_str()))
        .into_tuple()
        .all(db)
        .await
}

/// Everyone who shares at least one chat (not deleted, not left) with the user, the user
/// excluded; sorted, without repeats.
pub async fn list_chat_partners(db: &impl ConnectionTrait, me: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let my_chats = Query::select()
        .column(chat_member::Column::ChatId)
        .from(chat_member::Entity)
        .and_where(Expr::col(chat_member::Column::UserId).eq(me))
        .and_where(Expr::col(chat_member::Column::LeftAt).is_null())
        .to_owned();
    let live_chats = Query::select()
        .column(chat::Column::Id)
        .from(chat::Entity)
        .and_where(Expr::col(chat::Column::DeletedAt).is_null())
        .to_owned();
    let mut people: Vec<Uuid> = chat_member::Entity::find()
        .select_only()
        .column(chat_member::Column::UserId)
        .filter(chat_member::Column::ChatId.in_subquery(my_chats))
        .filter(chat_member::Column::ChatId.in_subquery(live_chats))
        .filter(chat_member::Column::LeftAt.is_null())
        .filter(chat_member::Column::UserId.ne(me))
        .into_tuple()
        .all(db)
        .await?;
    people.sort_unstable();
    people.dedup();
    Ok(people)
}

/// The contact rows naming the user, on either side.
pub async fn list_contact_rows(db: &impl ConnectionTrait, me: Uuid) -> Result<Vec<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(Condition::any().add(contact::Column::UserId.eq(me)).add(contact::Column::ContactId.eq(me)))
        .all(db)
        .await
}
