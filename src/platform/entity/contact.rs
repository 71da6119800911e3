//! The `contacts` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub contact_id: Uuid,
    pub status: crate::contacts::model::ContactStatus,
    pub requested_by: Uuid,
    pub created_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    /// The request behind a pending or accepted pair: the id the recipient answers it by.
    pub request_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
