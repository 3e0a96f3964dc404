//! Connecting to the database and migrating it.

use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
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
///
/// On PostgreSQL its sessions start with `app.operator = on`: RLS is forced
/// on the table owner too, and only this setting (honoured for the migrating
/// role alone) lets a non-superuser owner run operator commands.
pub async fn connect_owner(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url.expose_secret();
    if url.starts_with("postgres") {
        let mut u = url::Url::parse(url).context("DATABASE_URL is not a valid URL")?;
        u.query_pairs_mut()
            .append_pair("options[app.operator]", "on");
        connect(u.as_str(), 4).await
    } else {
        connect(url, 4).await
    }
}

/// The application connection the server uses (on PostgreSQL: `daoshi_app`,
/// subject to RLS). Refuses a role that RLS would not bind.
pub async fn connect_app(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = connect(config.app_database_url.expose_secret(), 16).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        check_app_role(&db).await?;
    }
    Ok(db)
}

/// What makes a PostgreSQL role unfit to be the server's: RLS does not bind
/// a superuser, a BYPASSRLS role or (without FORCE) a table's owner, and a
/// member of such a role can become it with `SET ROLE`.
const ROLE_CHECK: &str = "SELECT current_user::text, \
    EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolsuper AND pg_has_role(current_user, r.oid, 'MEMBER')), \
    EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolbypassrls AND pg_has_role(current_user, r.oid, 'MEMBER')), \
    COALESCE((SELECT string_agg(t.tablename, ', ' ORDER BY t.tablename) FROM pg_tables t \
        WHERE t.schemaname = current_schema() AND pg_has_role(current_user, t.tableowner, 'MEMBER')), '')";

/// Refuses to serve through a role that row-level security does not bind.
async fn check_app_role(db: &DatabaseConnection) -> anyhow::Result<()> {
    let row = db
        .query_one(Statement::from_string(DbBackend::Postgres, ROLE_CHECK))
        .await
        .context("checking the application role")?
        .context("checking the application role: no answer")?;
    let role: String = row.try_get_by_index(0)?;
    let superuser: bool = row.try_get_by_index(1)?;
    let bypass: bool = row.try_get_by_index(2)?;
    let owned: String = row.try_get_by_index(3)?;
    let mut problems = vec![];
    if superuser {
        problems.push("is (or can become) a superuser".to_string());
    }
    if bypass {
        problems.push("has (or can assume) BYPASSRLS".to_string());
    }
    if !owned.is_empty() {
        problems.push(format!("owns (or can act as the owner of) tables: {owned}"));
    }
    if !problems.is_empty() {
        bail!(
            "refusing to start: the application database role `{role}` {}; row-level security would not confine it. \
             Point DATABASE_APP_URL at `{}` (created by the migrations: NOSUPERUSER NOBYPASSRLS, owns nothing)",
            problems.join(", "),
            migrations::APP_ROLE
        );
    }
    Ok(())
}

/// Applies pending migrations as the owner.
pub async fn migrate(owner: &DatabaseConnection) -> anyhow::Result<()> {
    migrations::Migrator::up(owner, None)
        .await
        .context("running migrations")
}
