//! The dead-letter page's GraphQL (the school admin).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::admin;
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// A job whose attempts are spent.
#[derive(SimpleObject)]
pub struct DeadJob {
    /// The job.
    pub id: ID,
    /// Its handler (e.g. `notify.event`, `notify.push`, `notify.robot`).
    pub kind: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last attempt's error (no personal data).
    pub last_error: Option<String>,
    /// Enqueued at.
    pub created_at: Option<DateTime<Utc>>,
    /// Died at.
    pub died_at: Option<DateTime<Utc>>,
}

fn at(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// Dead-job queries.
#[derive(Default)]
pub struct JobsQuery;

#[Object]
impl JobsQuery {
    /// The school's dead jobs, latest first (the school admin).
    async fn dead_jobs(&self, cx: &Context<'_>) -> GqlResult<Vec<DeadJob>> {
        Ok(admin::dead_jobs(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(|j| DeadJob {
                id: id(j.id),
                kind: j.kind,
                attempts: j.attempts,
                last_error: j.last_error,
                created_at: at(j.created_at),
                died_at: j.died_at.and_then(at),
            })
            .collect())
    }
}

/// Dead-job mutations.
#[derive(Default)]
pub struct JobsMutation;

#[Object]
impl JobsMutation {
    /// Puts a dead job back in the queue (the school admin; audited).
    async fn retry_dead_job(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(admin::retry_dead_job(ctx_of(cx)?, parse_id(&id, "失败任务")?).await?)
    }
}
