//! The `chats` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "chats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: crate::chats::model::ChatKind,
    pub name: Option<String>,
    pub slug: Option<String>,
    pub direct_key: Option<String>,
    pub avatar_media_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub last_seq: i64,
    pub last_activity_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
