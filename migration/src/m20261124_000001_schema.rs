//! Every table of the data model, created at once so later features add no churn.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [users(), sessions(), used_refresh_tokens(), web_sessions(), contacts()] {
            m.create_table(table).await?;
        }
        for table in [chats(), chat_members(), messages(), message_edits(), reactions(), media()] {
            m.create_table(table).await?;
        }
        for index in indexes() {
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "media",
            "reactions",
            "message_edits",
            "messages",
            "chat_members",
            "chats",
            "contacts",
            "web_sessions",
            "used_refresh_tokens",
            "sessions",
            "users",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned()).await?;
        }
        Ok(())
    }
}

fn fk(from: (&str, &str), to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn users() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("users"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(string_len(Alias::new("username"), 50))
        // Lower-cased copy: case-insensitive uniqueness that works the same on both backends.
        .col(string_len_uniq(Alias::new("username_lower"), 50))
        .col(string_len(Alias::new("password_hash"), 200))
        .col(string_len(Alias::new("display_name"), 100))
        .col(uuid_null(Alias::new("avatar_media_id")))
        .col(string_len(Alias::new("status"), 16).default("offline"))
        .col(timestamp_with_time_zone_null(Alias::new("last_seen_at")))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone(Alias::new("updated_at")))
        .to_owned()
}

fn sessions() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("sessions"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(uuid(Alias::new("user_id")))
        .col(string_len_uniq(Alias::new("refresh_token_hash"), 64))
        .col(string_len(Alias::new("device_name"), 100))
        .col(string_len_null(Alias::new("ip"), 64))
        .col(string_len_null(Alias::new("user_agent"), 300))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone(Alias::new("last_active_at")))
        .col(timestamp_with_time_zone(Alias::new("expires_at")))
        .col(timestamp_with_time_zone_null(Alias::new("revoked_at")))
        .foreign_key(&mut fk(("sessions", "user_id"), "users", ForeignKeyAction::Cascade))
        .to_owned()
}

/// Hashes of refresh tokens already rotated away: presenting one again means it leaked.
fn used_refresh_tokens() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("used_refresh_tokens"))
        .col(string_len(Alias::new("token_hash"), 64).primary_key())
        .col(uuid(Alias::new("session_id")))
        .col(timestamp_with_time_zone(Alias::new("used_at")))
        .foreign_key(&mut fk(("used_refresh_tokens", "session_id"), "sessions", ForeignKeyAction::Cascade))
        .to_owned()
}

/// Browser cookie sessions (tower-sessions records); each points at a row of `sessions`.
fn web_sessions() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("web_sessions"))
        .col(string_len(Alias::new("id"), 64).primary_key())
        .col(text(Alias::new("data")))
        .col(timestamp_with_time_zone(Alias::new("expires_at")))
        .to_owned()
}

fn contacts() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("contacts"))
        .col(uuid(Alias::new("user_id")))
        .col(uuid(Alias::new("contact_id")))
        .col(string_len(Alias::new("status"), 16))
        .col(uuid(Alias::new("requested_by")))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone_null(Alias::new("accepted_at")))
        .primary_key(Index::create().col(Alias::new("user_id")).col(Alias::new("contact_id")))
        .check(Expr::col(Alias::new("user_id")).ne(Expr::col(Alias::new("contact_id"))))
        .foreign_key(&mut fk(("contacts", "user_id"), "users", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("contacts", "contact_id"), "users", ForeignKeyAction::Cascade))
        .to_owned()
}

fn chats() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("chats"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(string_len(Alias::new("kind"), 8))
        .col(string_len_null(Alias::new("name"), 100))
        .col(string_len_null(Alias::new("slug"), 120).unique_key())
        // "smaller-uuid:larger-uuid" for direct chats: the pair can exist only once.
        .col(string_len_null(Alias::new("direct_key"), 80).unique_key())
        .col(uuid_null(Alias::new("avatar_media_id")))
        .col(uuid_null(Alias::new("owner_id")))
        .col(big_integer(Alias::new("last_seq")).default(0))
        .col(timestamp_with_time_zone(Alias::new("last_activity_at")))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
        .foreign_key(&mut fk(("chats", "owner_id"), "users", ForeignKeyAction::SetNull))
        .to_owned()
}

fn chat_members() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("chat_members"))
        .col(uuid(Alias::new("chat_id")))
        .col(uuid(Alias::new("user_id")))
        .col(string_len(Alias::new("role"), 8))
        .col(timestamp_with_time_zone(Alias::new("joined_at")))
        .col(timestamp_with_time_zone_null(Alias::new("left_at")))
        .col(big_integer(Alias::new("last_read_seq")).default(0))
        .col(big_integer(Alias::new("last_delivered_seq")).default(0))
        .col(boolean(Alias::new("muted")).default(false))
        .primary_key(Index::create().col(Alias::new("chat_id")).col(Alias::new("user_id")))
        .foreign_key(&mut fk(("chat_members", "chat_id"), "chats", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("chat_members", "user_id"), "users", ForeignKeyAction::Cascade))
        .to_owned()
}

fn messages() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("messages"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(uuid(Alias::new("chat_id")))
        .col(big_integer(Alias::new("seq")))
        .col(uuid(Alias::new("sender_id")))
        .col(string_len(Alias::new("client_id"), 64))
        .col(text(Alias::new("content")))
        .col(uuid_null(Alias::new("reply_to_id")))
        .col(timestamp_with_time_zone_null(Alias::new("edited_at")))
        .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .foreign_key(&mut fk(("messages", "chat_id"), "chats", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("messages", "sender_id"), "users", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("messages", "reply_to_id"), "messages", ForeignKeyAction::SetNull))
        .to_owned()
}

fn message_edits() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("message_edits"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(uuid(Alias::new("message_id")))
        .col(text(Alias::new("content")))
        .col(timestamp_with_time_zone(Alias::new("edited_at")))
        .foreign_key(&mut fk(("message_edits", "message_id"), "messages", ForeignKeyAction::Cascade))
        .to_owned()
}

fn reactions() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("reactions"))
        .col(uuid(Alias::new("message_id")))
        .col(uuid(Alias::new("user_id")))
        .col(string_len(Alias::new("emoji"), 32))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .primary_key(Index::create().col(Alias::new("message_id")).col(Alias::new("user_id")).col(Alias::new("emoji")))
        .foreign_key(&mut fk(("reactions", "message_id"), "messages", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("reactions", "user_id"), "users", ForeignKeyAction::Cascade))
        .to_owned()
}

fn media() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("media"))
        .col(uuid(Alias::new("id")).primary_key())
        .col(uuid(Alias::new("uploader_id")))
        .col(uuid_null(Alias::new("message_id")))
        .col(string_len(Alias::new("mime"), 32))
        .col(big_integer(Alias::new("size")))
        .col(integer(Alias::new("width")))
        .col(integer(Alias::new("height")))
        .col(string_len(Alias::new("original_key"), 200))
        .col(string_len(Alias::new("medium_key"), 200))
        .col(string_len(Alias::new("thumbnail_key"), 200))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .foreign_key(&mut fk(("media", "uploader_id"), "users", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(("media", "message_id"), "messages", ForeignKeyAction::SetNull))
        .to_owned()
}

fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table));
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("idx_sessions_user", "sessions", &["user_id"], false),
        index("idx_used_refresh_session", "used_refresh_tokens", &["session_id"], false),
        index("idx_web_sessions_expiry", "web_sessions", &["expires_at"], false),
        index("idx_contacts_contact", "contacts", &["contact_id"], false),
        index("idx_contacts_requested", "contacts", &["requested_by", "created_at"], false),
        index("idx_chats_activity", "chats", &["last_activity_at"], false),
        index("idx_members_user", "chat_members", &["user_id"], false),
        index("uq_messages_chat_seq", "messages", &["chat_id", "seq"], true),
        index("uq_messages_sender_client", "messages", &["sender_id", "client_id"], true),
        index("idx_messages_reply", "messages", &["reply_to_id"], false),
        index("idx_edits_message", "message_edits", &["message_id", "edited_at"], false),
        index("idx_reactions_user", "reactions", &["user_id"], false),
        index("idx_media_message", "media", &["message_id"], false),
        index("idx_media_uploader", "media", &["uploader_id"], false),
    ]
}
