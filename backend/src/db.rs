//! Connecting to the database and migrating it.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use secrecy::ExposeSecret;

use crate::config::Config;

async fn connect(url: &str, max: u32) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    let db = Database::connect(opts)
        .await
        .context("connecting to the database")?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            .await
            .context("setting SQLite pragmas")?;
    }
    Ok(db)
}

/// The owner connection: migrations, and operator commands (seeding, CLI import).
pub async fn connect_owner(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect(config.database_url.expose_secret(), 4).await
}

/// The application connection the server uses (on PostgreSQL: `daoshi_app`, subject to RLS).
pub async fn connect_app(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect(config.app_database_url.expose_secret(), 16).await
}

/// Applies pending migrations as the owner.
pub async fn migrate(owner: &DatabaseConnection) -> anyhow::Result<()> {
    migrations::Migrator::up(owner, None)
        .await
        .context("running migrations")
}
