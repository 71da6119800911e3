//! Substring search: a trigram index beside the word index of 000002, so "ploy" finds
//! "deployment". Case and accents are folded on both backends; deleted messages stay out.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

// SQLite fires the triggers of one event newest first, so the word index's separate
// "unindex" and "reindex" triggers (000002) inserted an edit's new text before deleting the
// old, which left FTS5 with a row it reports as "malformed". One trigger per table now does
// both, in order; the word index is refilled from live messages to repair rows already hit.
// The trigram table has the same external-content shape and holds live messages only
// ('rebuild' would index tombstones too).
const SQLITE_UP: &str = r#"
DROP TRIGGER IF EXISTS messages_fts_unindex;
DROP TRIGGER IF EXISTS messages_fts_reindex;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, deleted_at ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.deleted_at IS NULL;
    INSERT INTO messages_fts(rowid, content) SELECT new.rowid, new.content WHERE new.deleted_at IS NULL;
END;
INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');
INSERT INTO messages_fts(rowid, content) SELECT rowid, content FROM messages WHERE deleted_at IS NULL;

CREATE VIRTUAL TABLE messages_trgm USING fts5(
    content, content='messages', content_rowid='rowid',
    tokenize='trigram remove_diacritics 1 case_sensitive 0'
);
INSERT INTO messages_trgm(rowid, content) SELECT rowid, content FROM messages WHERE deleted_at IS NULL;
CREATE TRIGGER messages_trgm_insert AFTER INSERT ON messages WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO messages_trgm(rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_trgm_update AFTER UPDATE OF content, deleted_at ON messages BEGIN
    INSERT INTO messages_trgm(messages_trgm, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.deleted_at IS NULL;
    INSERT INTO messages_trgm(rowid, content) SELECT new.rowid, new.content WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER messages_trgm_delete AFTER DELETE ON messages WHEN old.deleted_at IS NULL BEGIN
    INSERT INTO messages_trgm(messages_trgm, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
"#;

// Back to exactly what 000002 made, so its own `down` finds what it expects.
const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS messages_trgm_insert;
DROP TRIGGER IF EXISTS messages_trgm_update;
DROP TRIGGER IF EXISTS messages_trgm_delete;
DROP TABLE IF EXISTS messages_trgm;
DROP TRIGGER IF EXISTS messages_fts_update;
CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, deleted_at ON messages
WHEN old.deleted_at IS NULL BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_reindex AFTER UPDATE OF content, deleted_at ON messages
WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
"#;

// unaccent() is only STABLE (its dictionary could change), so a generated column cannot use
// it directly; the wrapper names the dictionary and schema, which makes IMMUTABLE a fair
// promise. The folded text is stored once (NULL when deleted, like `search`), so queries
// neither call unaccent per row nor see deleted messages.
const POSTGRES_UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION parlor_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
ALTER TABLE messages ADD COLUMN search_text text GENERATED ALWAYS AS (
    CASE WHEN deleted_at IS NULL THEN parlor_fold(content) END
) STORED;
CREATE INDEX idx_messages_search_text ON messages USING GIN (search_text gin_trgm_ops);
"#;

// The extensions stay: other objects may use them, and `up` tolerates their presence.
const POSTGRES_DOWN: &str = r#"
DROP INDEX IF EXISTS idx_messages_search_text;
ALTER TABLE messages DROP COLUMN IF EXISTS search_text;
DROP FUNCTION IF EXISTS parlor_fold(text);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = match m.get_database_backend() {
            DatabaseBackend::Sqlite => SQLITE_UP,
            DatabaseBackend::Postgres => POSTGRES_UP,
            other => return Err(DbErr::Custom(format!("unsupported database {other:?}"))),
        };
        m.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = match m.get_database_backend() {
            DatabaseBackend::Sqlite => SQLITE_DOWN,
            DatabaseBackend::Postgres => POSTGRES_DOWN,
            other => return Err(DbErr::Custom(format!("unsupported database {other:?}"))),
        };
        m.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }
}
