//! The durable job queue (issue 14): background work that any replica may
//! run, each job exactly once in effect.
//!
//! - **Enqueue** inside the caller's transaction ([`enqueue`]): the job
//!   exists iff the change that caused it committed. Payloads are bounded
//!   ([`MAX_PAYLOAD`]) and carry ids and counts, never personal data.
//! - **Claim** ([`queue::claim`]): PostgreSQL picks with `FOR UPDATE SKIP
//!   LOCKED` (no two workers see the same row), SQLite in one statement
//!   under its write lock. A claim sets a lease and a fresh token.
//! - **Fairness**: each claim first picks a tenant (district) with ready
//!   work uniformly at random, then that tenant's oldest ready job; a
//!   district with ten thousand queued jobs gets the same share of claims
//!   as one with a single job.
//! - **Run**: the handler runs in a transaction set to the job's tenant
//!   (RLS applies); the job is marked done in that same transaction, and
//!   only while the claim's token still holds. A worker that lost its lease
//!   (it stalled and another took the job over) rolls its work back, so a
//!   handler's database effects happen once.
//! - **Lease**: a running job's lease is renewed while its handler runs; a
//!   worker that dies stops renewing, and after the lease expires another
//!   worker claims the job again.
//! - **Retry**: a failed job is retried with exponential back-off
//!   ([`backoff`]); after `max_attempts` it is dead (kept for operators,
//!   with its last error).

pub mod admin;
pub mod graphql;
pub mod queue;
pub mod worker;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseTransaction};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// Largest payload accepted, in bytes (JSON text).
pub const MAX_PAYLOAD: usize = 8 * 1024;
/// Longest job kind, in bytes.
pub const MAX_KIND: usize = 64;
/// Attempts before a job is dead, unless the enqueuer says otherwise.
pub const DEFAULT_ATTEMPTS: i32 = 5;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Which handler runs it (e.g. `notify.daily_reminders`).
    pub kind: String,
    /// The handler's input: JSON with ids and counts only.
    pub payload: serde_json::Value,
    /// Not before this instant (ms since the epoch); `None`: now.
    pub run_at: Option<i64>,
    /// At most one job ever exists per key (a second enqueue is a no-op).
    pub dedupe_key: Option<String>,
    /// Attempts before the job is dead.
    pub max_attempts: i32,
}

impl NewJob {
    /// A job of `kind` with `payload`, to run now.
    pub fn new(kind: &str, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind: kind.to_string(),
            payload,
            run_at: None,
            dedupe_key: None,
            max_attempts: DEFAULT_ATTEMPTS,
        }
    }
}

/// Enqueues a job for the caller's tenant inside the caller's transaction.
pub async fn enqueue(ctx: &Ctx, job: NewJob) -> ApiResult<Option<Uuid>> {
    let caller = ctx.caller()?;
    queue::insert(ctx.db(), Some(caller.district_id), caller.school_id, job).await
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job.
    pub id: Uuid,
    /// Its tenant (none for system jobs).
    pub district_id: Option<Uuid>,
    /// Its school (none for district-level and system jobs).
    pub school_id: Option<Uuid>,
    /// The handler's name.
    pub kind: String,
    /// JSON text, at most [`MAX_PAYLOAD`] bytes.
    pub payload: String,
    /// This run is attempt number `attempt` (1 for the first).
    pub attempt: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// The claim's token (finishing needs it).
    pub(crate) token: String,
}

/// What a handler returns: an error is retried (its text is kept for
/// operators, so it must hold no personal data).
pub type HandlerResult = Result<(), String>;

/// A boxed handler future borrowing the transaction and job.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = HandlerResult> + Send + 'a>>;

/// A job handler: runs in the job's tenant transaction, which commits with
/// the job marked done iff the handler succeeds and the claim still holds.
pub trait Handler: Send + Sync {
    /// Runs the job.
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a>;

    /// Called after a failed attempt was rolled back, with its error, to
    /// record the failure where people see it (in a transaction of its
    /// own); by default nothing.
    fn failed<'a>(
        &'a self,
        _db: &'a sea_orm::DatabaseConnection,
        _job: &'a Job,
        _error: &'a str,
    ) -> HandlerFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// Handlers by kind, built once at start-up by the capabilities that own them.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: std::collections::BTreeMap<String, Arc<dyn Handler>>,
    daily: Vec<(String, u32)>,
}

impl Registry {
    /// Registers the handler of a kind (the last registration wins).
    pub fn register(&mut self, kind: &str, h: Arc<dyn Handler>) {
        self.handlers.insert(kind.to_string(), h);
    }

    /// The handler of a kind.
    pub fn get(&self, kind: &str) -> Option<Arc<dyn Handler>> {
        self.handlers.get(kind).cloned()
    }

    /// Schedules a system job of `kind` once a day at `hour` (China time):
    /// the scheduler enqueues it with the key `<kind>:<day>`, so however
    /// many replicas schedule it, it exists once per day.
    pub fn daily(&mut self, kind: &str, hour: u32) {
        self.daily.push((kind.to_string(), hour.min(23)));
    }

    /// The daily schedule: (kind, hour in China time).
    pub fn daily_jobs(&self) -> &[(String, u32)] {
        &self.daily
    }

    /// The kinds with a handler.
    pub fn kinds(&self) -> Vec<String> {
        self.handlers.keys().cloned().collect()
    }
}

/// The `day` of a job's payload (`{"day": "2026-12-01"}`).
pub fn payload_day(job: &Job) -> Result<chrono::NaiveDate, String> {
    let p: serde_json::Value = serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
    p["day"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| "payload without a day".to_string())
}

/// A daily fan-out: enqueues one job of the named kind per school (with
/// the day of the payload, once per school and day by its dedupe key).
pub struct FanOut(pub &'static str);

impl Handler for FanOut {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            use sea_orm::{DbBackend, Statement};
            let day = payload_day(job)?;
            let b = tx.get_database_backend();
            let sql = if b == DbBackend::Postgres {
                "SELECT district_id, school_id FROM daoshi_job_schools()"
            } else {
                "SELECT district_id, id AS school_id FROM schools ORDER BY id"
            };
            let rows = tx
                .query_all(Statement::from_string(b, sql))
                .await
                .map_err(|e| e.to_string())?;
            let kind = self.0;
            for r in rows {
                let d: Uuid = r.try_get("", "district_id").map_err(|e| e.to_string())?;
                let s: Uuid = r.try_get("", "school_id").map_err(|e| e.to_string())?;
                let mut j = NewJob::new(kind, serde_json::json!({ "day": day.to_string() }));
                j.dedupe_key = Some(format!("{kind}:{s}:{day}"));
                queue::insert(tx, Some(d), Some(s), j)
                    .await
                    .map_err(|e| e.message())?;
            }
            Ok(())
        })
    }
}

/// Delay before retry number `attempt` (1-based): 2^attempt seconds, at
/// most an hour.
pub fn backoff(attempt: i32) -> std::time::Duration {
    let exp = u32::try_from(attempt.clamp(1, 12)).unwrap_or(12);
    std::time::Duration::from_secs((1u64 << exp).min(3600))
}

/// Validates a job before it is stored: kind and payload bounded.
pub fn validate(job: &NewJob) -> ApiResult<String> {
    if job.kind.is_empty() || job.kind.len() > MAX_KIND {
        return Err(ApiError::invalid("kind", "任务类型长度须在 1–64 字节之间"));
    }
    let payload = job.payload.to_string();
    if payload.len() > MAX_PAYLOAD {
        return Err(ApiError::invalid(
            "payload",
            format!("任务数据过大（上限 {MAX_PAYLOAD} 字节）"),
        ));
    }
    if job.dedupe_key.as_ref().is_some_and(|k| k.len() > 128) {
        return Err(ApiError::invalid(
            "dedupeKey",
            "去重键过长（上限 128 字节）",
        ));
    }
    if !(1..=50).contains(&job.max_attempts) {
        return Err(ApiError::invalid("maxAttempts", "重试次数须在 1–50 之间"));
    }
    Ok(payload)
}

/// Sets a transaction's tenant settings for a job (PostgreSQL only).
pub(crate) async fn set_tenant(
    tx: &DatabaseTransaction,
    district: Option<Uuid>,
    school: Option<Uuid>,
) -> ApiResult<()> {
    use sea_orm::{DbBackend, Statement};
    if tx.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let d = district.map(|d| d.to_string()).unwrap_or_default();
    let s = school.map(|s| s.to_string()).unwrap_or_default();
    tx.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('app.district_id', $1, true), set_config('app.school_id', $2, true), set_config('app.role', 'job_worker', true), set_config('app.user_id', '', true)",
        [d.into(), s.into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_at_an_hour() {
        assert_eq!(backoff(1).as_secs(), 2);
        assert_eq!(backoff(2).as_secs(), 4);
        assert_eq!(backoff(5).as_secs(), 32);
        assert_eq!(backoff(40).as_secs(), 3600);
    }

    #[test]
    fn an_oversized_payload_is_refused_before_work() {
        let big = "x".repeat(MAX_PAYLOAD + 1);
        let job = NewJob::new("t.k", serde_json::json!({ "s": big }));
        assert!(validate(&job).is_err());
        assert!(validate(&NewJob::new("t.k", serde_json::json!({"n": 1}))).is_ok());
        assert!(validate(&NewJob::new("", serde_json::json!({}))).is_err());
    }
}
