//! Queries for chats and their members, in CRUD order. Only active rows (not deleted,
//! not left) are returned unless a name says otherwise.

use crate::chats::model::{ChatKind, Role};
use crate::platform::entity::{chat, chat_member, message};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Statement,
};
use uuid::Uuid;

pub async fn create_chat(db: &impl ConnectionTrait, model: chat::ActiveModel) -> Result<chat::Model, DbErr> {
    model.insert(db).await
}

/// Adds a member, or brings back one who had left (with the given role).
pub async fn upsert_member(db: &impl ConnectionTrait, model: chat_member::ActiveModel) -> Result<(), DbErr> {
    use sea_orm::sea_query::OnConflict;
    chat_member::Entity::insert(model)
        .on_conflict(
            OnConflict::columns([chat_member::Column::ChatId, chat_member::Column::UserId])
                .update_columns([chat_member::Column::Role, chat_member::Column::LeftAt, chat_member::Column::JoinedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find_chat(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<chat::Model>, DbErr> {
    chat::Entity::find_by_id(id).filter(chat::Column::DeletedAt.is_null()).one(db).await
}

pub async fn find_chat_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<chat::Model>, DbErr> {
    chat::Entity::find().filter(chat::Column::Slug.eq(slug)).filter(chat::Column::DeletedAt.is_null()).one(db).await
}

pub async fn find_direct(db: &impl ConnectionTrait, key: &str) -> Result<Option<chat::Model>, DbErr> {
    chat::Entity::find().filter(chat::Column::DirectKey.eq(key)).one(db).await
}

pub async fn slug_taken(db: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    Ok(chat::Entity::find().filter(chat::Column::Slug.eq(slug)).count(db).await? > 0)
}

pub async fn find_membership(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    user_id: Uuid,
) -> Result<Option<chat_member::Model>, DbErr> {
    chat_member::Entity::find_by_id((chat_id, user_id)).filter(chat_member::Column::LeftAt.is_null()).one(db).await
}

/// Active members of the given chats, oldest first.
pub async fn list_members(db: &impl ConnectionTrait, chat_ids: &[Uuid]) -> Result<Vec<chat_member::Model>, DbErr> {
    chat_member::Entity::find()
        .filter(chat_member::Column::ChatId.is_in(chat_ids.iter().copied()))
        .filter(chat_member::Column::LeftAt.is_null())
        .order_by_asc(chat_member::Column::JoinedAt)
        .all(db)
        .await
}

/// The user's chats (not deleted, not left), newest activity first.
pub async fn list_chats_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<chat::Model>, DbErr> {
    chat::Entity::find()
        .filter(chat::Column::DeletedAt.is_null())
        .filter(chat::Column::Id.in_subquery(active_chat_ids_of(user_id)))
        .order_by_desc(chat::Column::LastActivityAt)
        .all(db)
        .await
}

fn active_chat_ids_of(user_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(chat_member::Column::ChatId)
        .from(chat_member::Entity)
        .and_where(Expr::col(chat_member::Column::UserId).eq(user_id))
        .and_where(Expr::col(chat_member::Column::LeftAt).is_null())
        .to_owned()
}

/// How many live groups the user is in.
pub async fn count_groups_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    chat::Entity::find()
        .filter(chat::Column::Kind.eq(ChatKind::Group))
        .filter(chat::Column::DeletedAt.is_null())
        .filter(chat::Column::Id.in_subquery(active_chat_ids_of(user_id)))
        .count(db)
        .await
}

pub async fn count_members(db: &impl ConnectionTrait, chat_id: Uuid) -> Result<u64, DbErr> {
    chat_member::Entity::find()
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::LeftAt.is_null())
        .count(db)
        .await
}

/// The message at the chat's latest seq.
pub async fn last_message(db: &impl ConnectionTrait, chat: &chat::Model) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find()
        .filter(message::Column::ChatId.eq(chat.id))
        .filter(message::Column::Seq.eq(chat.last_seq))
        .one(db)
        .await
}

/// Others' live messages after the member's read position.
pub async fn count_unread(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    user_id: Uuid,
    read_seq: i64,
) -> Result<u64, DbErr> {
    message::Entity::find()
        .filter(message::Column::ChatId.eq(chat_id))
        .filter(message::Column::Seq.gt(read_seq))
        .filter(message::Column::SenderId.ne(user_id))
        .filter(message::Column::DeletedAt.is_null())
        .count(db)
        .await
}

pub async fn update_chat(db: &impl ConnectionTrait, model: chat::ActiveModel) -> Result<chat::Model, DbErr> {
    model.update(db).await
}

pub async fn set_role(db: &impl ConnectionTrait, chat_id: Uuid, user_id: Uuid, role: Role) -> Result<(), DbErr> {
    chat_member::Entity::update_many()
        .col_expr(chat_member::Column::Role, Expr::value(role.as_str()))
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_muted(db: &impl ConnectionTrait, chat_id: Uuid, user_id: Uuid, muted: bool) -> Result<(), DbErr> {
    chat_member::Entity::update_many()
        .col_expr(chat_member::Column::Muted, Expr::value(muted))
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves read (and with it delivered) positions forward, never back.
pub async fn advance_read(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    user_id: Uuid,
    seq: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = chat_member::Entity::update_many()
        .col_expr(chat_member::Column::LastReadSeq, Expr::value(seq))
        .col_expr(chat_member::Column::LastReadAt, Expr::value(now))
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::UserId.eq(user_id))
        .filter(chat_member::Column::LastReadSeq.lt(seq))
        .exec(db)
        .await?;
    advance_delivered(db, chat_id, user_id, seq, now).await?;
    Ok(result.rows_affected > 0)
}

pub async fn advance_delivered(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    user_id: Uuid,
    seq: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = chat_member::Entity::update_many()
        .col_expr(chat_member::Column::LastDeliveredSeq, Expr::value(seq))
        .col_expr(chat_member::Column::LastDeliveredAt, Expr::value(now))
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::UserId.eq(user_id))
        .filter(chat_member::Column::LastDeliveredSeq.lt(seq))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The updated row; SQLite's RETURNING takes no `table.*`, and a bare `*` would include v's columns.
const RETURNED: &str = "chat_members.chat_id, chat_members.user_id, chat_members.role, chat_members.joined_at, \
    chat_members.left_at, chat_members.last_read_seq, chat_members.last_delivered_seq, chat_members.muted, \
    chat_members.last_read_at, chat_members.last_delivered_at";

/// Marks per statement: three parameters each, well under SQLite's limit of 32,766.
const MARKS_PER_STATEMENT: usize = 500;

/// Moves many (user, chat, seq) delivered positions forward, current members only, with one
/// `UPDATE … FROM (VALUES …)` per 500 marks instead of one statement each; returns the rows
/// that moved.
/// A member's connections received the chat up to `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryMark {
    pub user_id: Uuid,
    pub chat_id: Uuid,
    pub seq: i64,
}

pub async fn advance_delivered_many(
    db: &impl ConnectionTrait,
    marks: &[DeliveryMark],
    now: DateTime<Utc>,
) -> Result<Vec<chat_member::Model>, DbErr> {
    let backend = db.get_database_backend();
    let mut moved = Vec::new();
    for chunk in marks.chunks(MARKS_PER_STATEMENT) {
        let mut values: Vec<sea_orm::Value> = vec![now.into()];
        let mut rows = Vec::with_capacity(chunk.len());
        for &DeliveryMark { user_id: user, chat_id: chat, seq } in chunk {
            let at = values.len();
            rows.push(match backend {
                DbBackend::Postgres => format!("(${}::uuid, ${}::uuid, ${}::bigint)", at + 1, at + 2, at + 3),
                _ => "(?, ?, ?)".to_owned(),
            });
            values.extend([chat.into(), user.into(), seq.into()]);
        }
        // SQLite names VALUES columns column1…; PostgreSQL takes the names in the alias.
        let (now_param, source) = match backend {
            DbBackend::Postgres => ("$1", format!("(VALUES {}) AS v(column1, column2, column3)", rows.join(", "))),
            _ => ("?", format!("(VALUES {}) AS v", rows.join(", "))),
        };
        let sql = format!(
            "UPDATE chat_members SET last_delivered_seq = v.column3, last_delivered_at = {now_param} FROM {source} \
             WHERE chat_members.chat_id = v.column1 AND chat_members.user_id = v.column2 \
             AND chat_members.left_at IS NULL AND chat_members.last_delivered_seq < v.column3 RETURNING {RETURNED}"
        );
        let statement = Statement::from_sql_and_values(backend, sql, values);
        moved.extend(chat_member::Entity::find().from_raw_sql(statement).all(db).await?);
    }
    Ok(moved)
}

pub async fn mark_left(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    chat_member::Entity::update_many()
        .col_expr(chat_member::Column::LeftAt, Expr::value(now))
        .filter(chat_member::Column::ChatId.eq(chat_id))
        .filter(chat_member::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
