//! Connecting to the database and migrating it.

use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use secrecy::ExposeSecret;

use crate::config::Config;
use crate::error::{ApiError, ApiResult};

/// Longest wait for a pooled connection, including opening a new one (the
/// pool's deadline covers the TCP connect and the start-up handshake). Long
/// enough for a rush of requests to queue for the pool; an unreachable
/// database is noticed sooner by the health probe (see [`begin`]). Below
/// the 30 s request timeout; a self-selection rush of ~1,000 concurrent
/// selections on SQLite (writes one at a time) queues for about 13 s on a
/// loaded 2-core machine, so 10 s turned some into `UNAVAILABLE`.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(25);
/// How often the health probe asks PostgreSQL `SELECT 1`, and how long it
/// waits for the answer. A database that does not answer is known as down
/// within about twice this.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);
/// PostgreSQL `statement_timeout` of the application role's sessions: no
/// statement of a request runs longer (a cancelled one answers `UNAVAILABLE`).
pub const STATEMENT_TIMEOUT: &str = "5s";
/// PostgreSQL `idle_in_transaction_session_timeout`: a transaction left open
/// by a stuck request is ended by the server, releasing its locks.
pub const IDLE_IN_TX_TIMEOUT: &str = "30s";

async fn connect(url: &str, max: u32) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, max, ACQUIRE_TIMEOUT).await
}

async fn connect_with(
    url: &str,
    max: u32,
    acquire: Duration,
) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max)
        .min_connections(1)
        .connect_timeout(acquire)
        .acquire_timeout(acquire)
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
///
/// On PostgreSQL every session of the pool carries `statement_timeout`,
/// `lock_timeout` and `idle_in_transaction_session_timeout` (start-up
/// options), so no request waits on the database without bound.
pub async fn connect_app(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.app_database_url.expose_secret();
    let db = if url.starts_with("postgres") {
        let mut u = url::Url::parse(url).context("DATABASE_APP_URL is not a valid URL")?;
        u.query_pairs_mut()
            .append_pair("options[statement_timeout]", STATEMENT_TIMEOUT)
            .append_pair(
                "options[idle_in_transaction_session_timeout]",
                IDLE_IN_TX_TIMEOUT,
            );
        let db = connect(u.as_str(), 16).await?;
        check_app_role(&db).await?;
        let probe = connect_with(u.as_str(), 1, PROBE_EVERY).await?;
        start_health_probe(probe);
        db
    } else {
        connect(url, 16).await?
    };
    Ok(db)
}

/// Whether the database answered the health probe last time; unset (no
/// probe: SQLite, operator commands) counts as reachable. One per process:
/// the server has one application pool.
static HEALTH: std::sync::OnceLock<tokio::sync::watch::Receiver<bool>> = std::sync::OnceLock::new();

/// Asks the database `SELECT 1` every [`PROBE_EVERY`] on a connection of
/// its own (a busy pool does not make the database look down) and
/// publishes the answer for [`begin`].
fn start_health_probe(probe: DatabaseConnection) {
    let (tx, rx) = tokio::sync::watch::channel(true);
    if HEALTH.set(rx).is_err() {
        return;
    }
    tokio::spawn(async move {
        loop {
            let ok = matches!(
                tokio::time::timeout(PROBE_EVERY, probe.execute_unprepared("SELECT 1")).await,
                Ok(Ok(_))
            );
            tx.send_if_modified(|was| {
                if *was != ok {
                    if ok {
                        tracing::info!("database reachable again");
                    } else {
                        tracing::warn!("database unreachable (health probe)");
                    }
                    *was = ok;
                    true
                } else {
                    false
                }
            });
            tokio::time::sleep(PROBE_EVERY).await;
        }
    });
}

/// Whether the health probe last reached the database (true without a probe).
pub fn reachable() -> bool {
    HEALTH.get().is_none_or(|h| *h.borrow())
}

/// Opens a transaction. While the health probe finds the database down it
/// fails at once, and a request already waiting for a connection stops
/// waiting when the probe finds it down: `UNAVAILABLE` within about two
/// seconds of an outage, while a busy pool still queues requests for up to
/// [`ACQUIRE_TIMEOUT`].
pub async fn begin(db: &DatabaseConnection) -> ApiResult<DatabaseTransaction> {
    let Some(health) = HEALTH.get() else {
        return Ok(db.begin().await?);
    };
    let mut health = health.clone();
    if !*health.borrow_and_update() {
        return Err(ApiError::dependency_down(
            "database",
            &"health probe failing",
        ));
    }
    tokio::select! {
        tx = db.begin() => Ok(tx?),
        _ = health.wait_for(|ok| !ok) => {
            Err(ApiError::dependency_down("database", &"health probe failed while waiting"))
        }
    }
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

/// Whether a database error means "the database is unreachable, restarting,
/// overloaded or too slow" — a condition a client may retry — rather than a
/// fault in the request or the server. Such errors answer `UNAVAILABLE`.
pub fn is_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, SqlxError};
    let sqlx = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(x))
        | DbErr::Exec(RuntimeErr::SqlxError(x))
        | DbErr::Query(RuntimeErr::SqlxError(x)) => x,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed
        | SqlxError::Protocol(_) => true,
        SqlxError::Database(d) => d.code().is_some_and(|c| unavailable_sqlstate(&c)),
        _ => false,
    }
}

/// SQLSTATEs (PostgreSQL, always five characters) and result codes
/// (SQLite, numeric and extended) of retryable outages: connection
/// exceptions (08…), shutdown and start-up (57P01–57P03), a cancelled
/// statement (57014: `statement_timeout`), lock timeout (55P03), too many
/// connections (53300); SQLite's BUSY and LOCKED (primary codes 5 and 6,
/// after its busy timeout).
fn unavailable_sqlstate(code: &str) -> bool {
    if code.len() == 5 {
        code.starts_with("08")
            || matches!(
                code,
                "57P01" | "57P02" | "57P03" | "57014" | "55P03" | "53300"
            )
    } else {
        code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_unavailable_and_request_faults_are_not() {
        use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, SqlxError};
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            SqlxError::Io(io)
        ))));
        assert!(is_unavailable(&DbErr::Exec(RuntimeErr::SqlxError(
            SqlxError::PoolTimedOut
        ))));
        assert!(!is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            SqlxError::RowNotFound
        ))));
        assert!(!is_unavailable(&DbErr::RecordNotFound("x".into())));
        for c in ["08006", "57P01", "57014", "5", "517"] {
            assert!(unavailable_sqlstate(c), "{c}");
        }
        for c in ["23505", "42501", "22P02", "2067", "19"] {
            assert!(!unavailable_sqlstate(c), "{c}");
        }
    }
}
