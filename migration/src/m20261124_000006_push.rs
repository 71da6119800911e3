//! Web Push: each browser subscription belongs to the device session that made it (and goes
//! with it), and each person chooses whether notifications show who wrote and what.
//! (Muting a chat needs nothing new: `chat_members.muted` is in the first schema.)
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: (&str, &str), to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("push_subscriptions"))
                .col(uuid(Alias::new("id")).primary_key())
                .col(uuid(Alias::new("user_id")))
                .col(uuid(Alias::new("session_id")))
                .col(string_len_uniq(Alias::new("endpoint"), 2048))
                .col(string_len(Alias::new("p256dh"), 128))
                .col(string_len(Alias::new("auth"), 64))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .foreign_key(&mut fk(("push_subscriptions", "user_id"), "users"))
                .foreign_key(&mut fk(("push_subscriptions", "session_id"), "sessions"))
                .to_owned(),
        )
        .await?;
        for (name, col) in
            [("idx_push_subscriptions_user", "user_id"), ("idx_push_subscriptions_session", "session_id")]
        {
            m.create_index(
                Index::create().name(name).table(Alias::new("push_subscriptions")).col(Alias::new(col)).to_owned(),
            )
            .await?;
        }
        // One row per person who changed the default (previews on).
        m.create_table(
            Table::create()
                .table(Alias::new("push_preferences"))
                .col(uuid(Alias::new("user_id")).primary_key())
                .col(boolean(Alias::new("previews")).default(true))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(&mut fk(("push_preferences", "user_id"), "users"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("push_preferences")).to_owned()).await?;
        m.drop_table(Table::drop().table(Alias::new("push_subscriptions")).to_owned()).await
    }
}
