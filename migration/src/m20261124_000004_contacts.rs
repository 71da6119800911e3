//! Contact requests get an id the recipient answers by, and every request sent is logged so
//! the daily limit still counts requests that were cancelled or declined since.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Alias::new("contacts")).add_column(uuid_null(Alias::new("request_id"))).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_contacts_request")
                .table(Alias::new("contacts"))
                .col(Alias::new("request_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("contact_request_log"))
                .col(uuid(Alias::new("id")).primary_key())
                .col(uuid(Alias::new("sender_id")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contact_request_log"), Alias::new("sender_id"))
                        .to(Alias::new("users"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_contact_request_log_sender")
                .table(Alias::new("contact_request_log"))
                .col(Alias::new("sender_id"))
                .col(Alias::new("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("contact_request_log")).to_owned()).await?;
        m.drop_index(Index::drop().name("uq_contacts_request").table(Alias::new("contacts")).to_owned()).await?;
        m.alter_table(Table::alter().table(Alias::new("contacts")).drop_column(Alias::new("request_id")).to_owned())
            .await
    }
}
