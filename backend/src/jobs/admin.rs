//! Dead-letter jobs for the school admin (issue 14): the school's jobs
//! whose attempts are spent, with their last error (which holds no
//! personal data, see [`super::HandlerResult`]), and retrying one.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use uuid::Uuid;

use super::queue::now_ms;
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// Most dead jobs listed.
pub const MAX_DEAD: u64 = 200;

/// A dead job as the admin sees it.
#[derive(Debug, Clone)]
pub struct DeadJob {
    /// The job.
    pub id: Uuid,
    /// Its handler's name.
    pub kind: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was enqueued (ms since the epoch).
    pub created_at: i64,
    /// When it died (ms since the epoch).
    pub died_at: Option<i64>,
}

fn stmt(b: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if b == DbBackend::Sqlite {
        sql.replace('$', "?")
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(b, sql, values)
}

/// The school's dead jobs, latest first (the school admin).
pub async fn dead_jobs(ctx: &Ctx) -> ApiResult<Vec<DeadJob>> {
    let (district, school) = ctx.require_school_admin()?;
    let b = ctx.db().get_database_backend();
    let rows = ctx
        .db()
        .query_all(stmt(
            b,
            &format!(
                "SELECT id, kind, attempts, last_error, created_at, finished_at FROM jobs \
                 WHERE district_id = $1 AND school_id = $2 AND state = 'dead' \
                 ORDER BY finished_at DESC LIMIT {MAX_DEAD}"
            ),
            vec![district.into(), school.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DeadJob {
                id: r.try_get("", "id")?,
                kind: r.try_get("", "kind")?,
                attempts: r.try_get("", "attempts")?,
                last_error: r.try_get("", "last_error")?,
                created_at: r.try_get("", "created_at")?,
                died_at: r.try_get("", "finished_at")?,
            })
        })
        .collect()
}

/// Puts a dead job of the school back in the queue with fresh attempts
/// (the school admin; audited). Another school's or a live job: `NOT_FOUND`.
pub async fn retry_dead_job(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    let (district, school) = ctx.require_school_admin()?;
    let b = ctx.db().get_database_backend();
    let r = ctx
        .db()
        .execute(stmt(
            b,
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, finished_at = NULL, \
             lease_until = NULL, locked_by = NULL \
             WHERE id = $2 AND district_id = $3 AND school_id = $4 AND state = 'dead'",
            vec![now_ms().into(), id.into(), district.into(), school.into()],
        ))
        .await?;
    if r.rows_affected() != 1 {
        return Err(ApiError::not_found("失败任务"));
    }
    audit::record(ctx, "retry_dead_job", "job", Some(id), None).await?;
    Ok(true)
}
