//! The `chat_members` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub chat_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub role: crate::chats::model::Role,
    pub joined_at: DateTimeUtc,
    pub left_at: Option<DateTimeUtc>,
    pub last_read_seq: i64,
    pub last_delivered_seq: i64,
    pub muted: bool,
    pub last_read_at: Option<DateTimeUtc>,
    pub last_delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
