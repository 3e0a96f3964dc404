//! Workers: started by `serve` (any replica), each a loop that claims one
//! job at a time, runs it, and sleeps briefly when the queue is empty.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{Handler, HandlerFuture, Job, Registry, queue};

/// How many workers a process runs and how they lease jobs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Concurrent workers in this process (`DAOSHI_WORKERS`, default 2; 0:
    /// this process runs no jobs).
    pub workers: usize,
    /// How long a claim holds before another worker may take the job over
    /// (`DAOSHI_JOB_LEASE_SECS`, default 60). Renewed every third of it.
    pub lease: Duration,
    /// Pause when no job is ready (`DAOSHI_JOB_POLL_MS`, default 1000).
    pub poll: Duration,
}

impl Settings {
    /// From the environment, with defaults for one machine.
    pub fn from_env() -> anyhow::Result<Settings> {
        fn num(
            name: &str,
            default: u64,
            range: std::ops::RangeInclusive<u64>,
        ) -> anyhow::Result<u64> {
            match std::env::var(name) {
                Ok(v) => {
                    let n: u64 = v
                        .trim()
                        .parse()
                        .map_err(|_| anyhow::anyhow!("{name} must be a whole number"))?;
                    anyhow::ensure!(range.contains(&n), "{name} must be within {range:?}");
                    Ok(n)
                }
                Err(_) => Ok(default),
            }
        }
        Ok(Settings {
            workers: usize::try_from(num("DAOSHI_WORKERS", 2, 0..=64)?)?,
            lease: Duration::from_secs(num("DAOSHI_JOB_LEASE_SECS", 60, 1..=3600)?),
            poll: Duration::from_millis(num("DAOSHI_JOB_POLL_MS", 1000, 10..=60_000)?),
        })
    }
}

/// Starts the workers on the application pool.
pub fn spawn(db: DatabaseConnection, registry: Registry, settings: Settings) {
    let registry = Arc::new(registry);
    if settings.workers > 0 && !registry.daily_jobs().is_empty() {
        let db = db.clone();
        let registry = registry.clone();
        tokio::spawn(async move { schedule(db, registry).await });
    }
    for n in 0..settings.workers {
        let db = db.clone();
        let registry = registry.clone();
        let settings = settings.clone();
        tokio::spawn(async move {
            tracing::info!(worker = n, "job worker started");
            work(db, registry, settings).await;
        });
    }
}

async fn work(db: DatabaseConnection, registry: Arc<Registry>, s: Settings) {
    let lease_ms = i64::try_from(s.lease.as_millis()).unwrap_or(60_000);
    loop {
        match queue::claim(&db, lease_ms).await {
            Ok(Some(job)) => run(&db, &registry, job, &s).await,
            Ok(None) => tokio::time::sleep(jitter(s.poll)).await,
            Err(e) => {
                tracing::warn!(error = %e.message(), "claiming a job failed");
                tokio::time::sleep(jitter(s.poll)).await;
            }
        }
    }
}

/// Every minute, enqueues today's daily jobs (dedupe key `<kind>:<day>`:
/// one per day whichever replica gets there first), due at their hour.
async fn schedule(db: DatabaseConnection, registry: Arc<Registry>) {
    loop {
        for (kind, hour) in registry.daily_jobs() {
            if let Err(e) = schedule_one(&db, kind, *hour).await {
                tracing::warn!(error = %e.message(), kind = %kind, "scheduling a daily job failed");
            }
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

async fn schedule_one(
    db: &DatabaseConnection,
    kind: &str,
    hour: u32,
) -> crate::error::ApiResult<()> {
    let day = crate::clock::today();
    let at = day
        .and_hms_opt(hour, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
        .unwrap_or_else(queue::now_ms);
    let mut job = super::NewJob::new(kind, serde_json::json!({ "day": day.to_string() }));
    job.run_at = Some(at);
    job.dedupe_key = Some(format!("{kind}:{day}"));
    let tx = crate::db::begin(db).await?;
    super::set_tenant(&tx, None, None).await?;
    queue::insert(&tx, None, None, job).await?;
    tx.commit().await?;
    Ok(())
}

/// The pause, ±25 %, so that workers of several replicas spread out.
fn jitter(d: Duration) -> Duration {
    let f = 0.75 + f64::from(rand::random::<u16>()) / f64::from(u16::MAX) / 2.0;
    d.mul_f64(f)
}

#[tracing::instrument(skip_all, fields(job = %job.id, kind = %job.kind, attempt = job.attempt))]
async fn run(db: &DatabaseConnection, registry: &Registry, job: Job, s: &Settings) {
    if job.attempt > job.max_attempts {
        // Its lease expired on every attempt (the workers running it died).
        let _ = queue::fail(db, &job, "lease expired on every attempt", true).await;
        tracing::warn!("job dead: lease expired on every attempt");
        return;
    }
    let Some(handler) = registry.get(&job.kind) else {
        let _ = queue::fail(db, &job, "no handler for this kind in this process", false).await;
        tracing::warn!("no handler for job kind");
        return;
    };
    let lease_ms = i64::try_from(s.lease.as_millis()).unwrap_or(60_000);
    // Renew the lease while the handler runs.
    let heartbeat = {
        let db = db.clone();
        let job = job.clone();
        let every = s.lease / 3;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match queue::renew(&db, &job, lease_ms).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!("job lease lost");
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e.message(), "renewing a job lease failed"),
                }
            }
        })
    };
    let outcome = attempt(db, handler.as_ref(), &job).await;
    heartbeat.abort();
    match outcome {
        Ok(true) => tracing::debug!("job done"),
        Ok(false) => tracing::warn!("job finished after its lease was taken over; rolled back"),
        Err(e) => {
            tracing::info!(error = %e, "job failed");
            if let Err(e2) = handler.failed(db, &job, &e).await {
                tracing::warn!(error = %e2, "recording a job failure with its handler failed");
            }
            if let Err(e2) = queue::fail(db, &job, &e, false).await {
                tracing::warn!(error = %e2.message(), "recording a job failure failed");
            }
        }
    }
}

/// Runs the handler in the job's tenant transaction; commits with the job
/// done iff the claim still holds. `Ok(false)`: lost the claim, rolled back.
async fn attempt(
    db: &DatabaseConnection,
    handler: &dyn Handler,
    job: &Job,
) -> Result<bool, String> {
    let tx = crate::db::begin(db).await.map_err(|e| e.message())?;
    super::set_tenant(&tx, job.district_id, job.school_id)
        .await
        .map_err(|e| e.message())?;
    if let Err(e) = handler.run(&tx, job).await {
        let _ = tx.rollback().await;
        return Err(e);
    }
    let held = queue::finish(&tx, job).await.map_err(|e| e.message())?;
    if held {
        tx.commit().await.map_err(|e| e.to_string())?;
    } else {
        let _ = tx.rollback().await;
    }
    Ok(held)
}

/// Test instrumentation, registered only when `DAOSHI_TEST_JOB_LOG` names
/// a file (never in production): kind `test.record` appends `start <id>
/// <pid>` and `done <id> <pid>` lines around an optional sleep
/// (`{"sleepMs": n}`) and fails its first `{"failTimes": k}` attempts, so
/// tests can count executions across processes.
pub fn test_handlers(registry: &mut Registry, production: bool) {
    if production {
        return;
    }
    let Ok(path) = std::env::var("DAOSHI_TEST_JOB_LOG") else {
        return;
    };
    registry.register("test.record", Arc::new(Recorder { path }));
}

struct Recorder {
    path: String,
}

impl Recorder {
    fn line(&self, what: &str, job: &Job) -> Result<(), String> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| e.to_string())?;
        // One write per line: O_APPEND keeps lines of several processes whole.
        let line = format!("{what} {} {}\n", job.id, std::process::id());
        f.write_all(line.as_bytes()).map_err(|e| e.to_string())
    }
}

impl Handler for Recorder {
    fn run<'a>(&'a self, _tx: &'a sea_orm::DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let p: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            self.line("start", job)?;
            if let Some(ms) = p["sleepMs"].as_u64() {
                tokio::time::sleep(Duration::from_millis(ms.min(120_000))).await;
            }
            if p["failTimes"]
                .as_i64()
                .is_some_and(|k| i64::from(job.attempt) <= k)
            {
                self.line("fail", job)?;
                return Err("failing on purpose (test)".into());
            }
            self.line("done", job)
        })
    }
}
