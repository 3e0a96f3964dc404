//! The queue's statements. Placeholders are written `$n` and rewritten to
//! SQLite's `?n`; times are milliseconds since the epoch.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement, Value,
};
use uuid::Uuid;

use super::{Job, NewJob, validate};
use crate::error::ApiResult;

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Sqlite {
        sql.replace('$', "?")
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Stores a job for a tenant (or for nobody) on `conn`, usually the
/// caller's transaction. `None` when a job with the same dedupe key exists.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    district: Option<Uuid>,
    school: Option<Uuid>,
    job: NewJob,
) -> ApiResult<Option<Uuid>> {
    let payload = validate(&job)?;
    let id = Uuid::new_v4();
    let now = now_ms();
    let b = conn.get_database_backend();
    let r = conn
        .execute(stmt(
            b,
            "INSERT INTO jobs (id, district_id, school_id, kind, payload, state, attempts, max_attempts, run_at, dedupe_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            vec![
                id.into(),
                district.into(),
                school.into(),
                job.kind.into(),
                payload.into(),
                job.max_attempts.into(),
                job.run_at.unwrap_or(now).into(),
                job.dedupe_key.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok((r.rows_affected() == 1).then_some(id))
}

/// Ready to run: queued and due, or running with an expired lease.
const READY: &str =
    "((state = 'queued' AND run_at <= $1) OR (state = 'running' AND lease_until <= $1))";

/// Claims one ready job (tenant picked at random among those with ready
/// work, then its oldest job), setting a lease until `lease_until` and the
/// token. Runs as the worker (its own short transaction).
pub async fn claim(db: &DatabaseConnection, lease_ms: i64) -> ApiResult<Option<Job>> {
    let tx = crate::db::begin(db).await?;
    super::set_tenant(&tx, None, None).await?;
    let now = now_ms();
    let token = Uuid::new_v4().to_string();
    let b = tx.get_database_backend();
    let ready_j = READY
        .replace("state", "j.state")
        .replace("run_at", "j.run_at")
        .replace("lease_until", "j.lease_until");
    let pick = if b == DbBackend::Postgres {
        // SKIP LOCKED: concurrent claimers never wait on or take the same row.
        format!(
            "SELECT j.id FROM (SELECT d FROM (SELECT DISTINCT district_id AS d FROM jobs WHERE {READY}) x ORDER BY random()) t \
             CROSS JOIN LATERAL (SELECT j.id FROM jobs j WHERE j.district_id IS NOT DISTINCT FROM t.d AND {ready_j} \
             ORDER BY j.run_at LIMIT 1 FOR UPDATE SKIP LOCKED) j LIMIT 1"
        )
    } else {
        // One statement under SQLite's write lock.
        format!(
            "SELECT j.id FROM jobs j WHERE {ready_j} AND j.district_id IS \
             (SELECT district_id FROM jobs WHERE {READY} GROUP BY district_id ORDER BY random() LIMIT 1) \
             ORDER BY j.run_at LIMIT 1"
        )
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, locked_by = $3 \
         WHERE id = ({pick}) RETURNING id, district_id, school_id, kind, payload, attempts, max_attempts"
    );
    let row = tx
        .query_one(stmt(
            b,
            &sql,
            vec![now.into(), (now + lease_ms).into(), token.clone().into()],
        ))
        .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Job {
        id: row.try_get("", "id")?,
        district_id: row.try_get("", "district_id")?,
        school_id: row.try_get("", "school_id")?,
        kind: row.try_get("", "kind")?,
        payload: row.try_get("", "payload")?,
        attempt: row.try_get("", "attempts")?,
        max_attempts: row.try_get("", "max_attempts")?,
        token,
    }))
}

/// Marks the job done inside the handler's transaction; false when the
/// claim no longer holds (the caller must roll back).
pub async fn finish(tx: &DatabaseTransaction, job: &Job) -> ApiResult<bool> {
    let b = tx.get_database_backend();
    let r = tx
        .execute(stmt(
            b,
            "UPDATE jobs SET state = 'done', finished_at = $1, lease_until = NULL WHERE id = $2 AND locked_by = $3 AND state = 'running'",
            vec![now_ms().into(), job.id.into(), job.token.clone().into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Extends the lease while the handler runs; false when the claim was lost.
pub async fn renew(db: &DatabaseConnection, job: &Job, lease_ms: i64) -> ApiResult<bool> {
    let tx = crate::db::begin(db).await?;
    super::set_tenant(&tx, None, None).await?;
    let b = tx.get_database_backend();
    let r = tx
        .execute(stmt(
            b,
            "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND locked_by = $3 AND state = 'running'",
            vec![
                (now_ms() + lease_ms).into(),
                job.id.into(),
                job.token.clone().into(),
            ],
        ))
        .await?;
    tx.commit().await?;
    Ok(r.rows_affected() == 1)
}

/// Records a failed attempt: back to the queue after the back-off, or dead
/// when attempts are spent (or `dead` is asked for). The error text is cut
/// to 500 characters.
pub async fn fail(db: &DatabaseConnection, job: &Job, error: &str, dead: bool) -> ApiResult<()> {
    let tx = crate::db::begin(db).await?;
    super::set_tenant(&tx, None, None).await?;
    let b = tx.get_database_backend();
    let now = now_ms();
    let dead = dead || job.attempt >= job.max_attempts;
    let retry_at =
        now + i64::try_from(super::backoff(job.attempt).as_millis()).unwrap_or(3_600_000);
    let error: String = error.chars().take(500).collect();
    tx.execute(stmt(
        b,
        "UPDATE jobs SET state = $1, run_at = $2, lease_until = NULL, locked_by = NULL, last_error = $3, finished_at = $4 \
         WHERE id = $5 AND locked_by = $6",
        vec![
            (if dead { "dead" } else { "queued" }).into(),
            retry_at.into(),
            error.into(),
            (if dead { Some(now) } else { None }).into(),
            job.id.into(),
            job.token.clone().into(),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}
