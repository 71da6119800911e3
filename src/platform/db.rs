//! Database connection: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, migrated at start.

use super::config::Settings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::time::Duration;

pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    }
    let timeouts = &settings.timeouts;
    let mut options = ConnectOptions::new(url);
    // Taking a pooled connection checks it first, and opening one happens within the same
    // wait: a database that stopped answering costs a request this long, then a 503.
    options
        .sqlx_logging(false)
        .connect_timeout(timeouts.db_acquire)
        .acquire_timeout(timeouts.db_acquire)
        .max_connections(if sqlite { 8 } else { 20 });
    if !sqlite && !timeouts.db_statement.is_zero() {
        options.statement_timeout(timeouts.db_statement);
    }
    if sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    let db = Database::connect(options).await.context("connecting to the database")?;
    if sqlite {
        Migrator::up(&db, None).await.context("running migrations")?;
    } else {
        migrate_one_at_a_time(&settings.database_url(), timeouts.db_acquire).await?;
    }
    Ok(db)
}

/// Any number for the migration lock, as long as every instance uses the same one.
const MIGRATION_LOCK: i64 = 0x7061_726c_6f72;

/// Several instances starting together on PostgreSQL: the first to take a session advisory
/// lock migrates, the others wait for it and then find nothing left to do.
async fn migrate_one_at_a_time(url: &str, acquire: Duration) -> anyhow::Result<()> {
    // A connection of its own: the lock belongs to the session that took it. It migrates too,
    // free of the statement timeout (a migration may rightly take long, and so may the wait for
    // the lock while another instance migrates).
    let mut lock_options = ConnectOptions::new(url.to_owned());
    lock_options.sqlx_logging(false).max_connections(1).min_connections(1).connect_timeout(acquire);
    let lock = Database::connect(lock_options).await.context("connecting for the migration lock")?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await
        .context("taking the migration lock")?;
    let migrated = Migrator::up(&lock, None).await.context("running migrations");
    let _ = lock.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).await;
    let _ = lock.close().await;
    migrated
}

/// Begins a transaction that will write. On SQLite it takes the write lock at BEGIN
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes cannot wait for a
/// writer that committed after its read, so SQLite fails it at once with "database is locked"
/// instead of honouring the busy timeout. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options =
        TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    db.begin_with_options(options).await
}

/// A write that can lose a race: a concurrent request wrote the same unique key first.
/// (The pattern of realworld-axum-sqlx's `on_constraint`.)
pub trait UniqueRace<T> {
    /// `Some` when written, `None` when a unique constraint refused it, other errors as they were.
    fn or_taken(self) -> Result<Option<T>, DbErr>;
}

impl<T> UniqueRace<T> for Result<T, DbErr> {
    fn or_taken(self) -> Result<Option<T>, DbErr> {
        match self {
            Ok(written) => Ok(Some(written)),
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// True when the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}
