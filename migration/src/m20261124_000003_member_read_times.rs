//! When each member last moved their read and delivered positions: the time a receipt shows.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in ["last_read_at", "last_delivered_at"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("chat_members"))
                    .add_column(timestamp_with_time_zone_null(Alias::new(column)))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["last_read_at", "last_delivered_at"] {
            m.alter_table(Table::alter().table(Alias::new("chat_members")).drop_column(Alias::new(column)).to_owned())
                .await?;
        }
        Ok(())
    }
}
