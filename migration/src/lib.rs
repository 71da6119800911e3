//! The database schema, as ordered migrations that run unchanged on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261124_000001_schema;
mod m20261124_000002_search;
mod m20261124_000003_member_read_times;
mod m20261124_000004_contacts;
mod m20261124_000005_search_trigram;
mod m20261124_000006_push;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_schema::Migration),
            Box::new(m20261124_000002_search::Migration),
            Box::new(m20261124_000003_member_read_times::Migration),
            Box::new(m20261124_000004_contacts::Migration),
            Box::new(m20261124_000005_search_trigram::Migration),
            Box::new(m20261124_000006_push::Migration),
        ]
    }
}
