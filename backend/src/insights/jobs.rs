//! The recompute job: every night (China time) the scheduler enqueues
//! `insights.daily_recompute`, which enqueues one `insights.school_recompute`
//! per school; that one recomputes the school's rows for the day in the
//! job's own transaction (the rows exist iff the job is done).

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};

use super::aggregate::{compute_school, store};
use crate::jobs::{FanOut, Handler, HandlerFuture, Job, Registry, payload_day};
use crate::org::entities::school;
use crate::tenancy::Ctx;

/// The daily fan-out's kind.
pub const DAILY: &str = "insights.daily_recompute";
/// One school's recompute.
pub const SCHOOL: &str = "insights.school_recompute";
/// Hour (China time) of the nightly recompute.
pub const DAILY_HOUR: u32 = 1;

/// Registers the recompute handlers and the nightly schedule.
pub fn register(registry: &mut Registry, db: DatabaseConnection) {
    registry.register(DAILY, Arc::new(FanOut(SCHOOL)));
    registry.register(SCHOOL, Arc::new(SchoolRecompute { db }));
    registry.daily(DAILY, DAILY_HOUR);
}

struct SchoolRecompute {
    db: DatabaseConnection,
}

impl Handler for SchoolRecompute {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let day = payload_day(job)?;
            let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
                return Err("a recompute job without its school".into());
            };
            // Read the school's raw rows in a read transaction of the school,
            // write the rows in the job's.
            let ctx = Ctx::begin_system(&self.db, d, s)
                .await
                .map_err(|e| e.message())?;
            let computed = match school::Entity::find_by_id(s).one(ctx.db()).await {
                Ok(Some(school)) => compute_school(&ctx, &school, day).await,
                Ok(None) => Ok(None),
                Err(e) => Err(e.into()),
            };
            ctx.finish(true).await.map_err(|e| e.message())?;
            if let Some(c) = computed.map_err(|e| e.message())? {
                store(tx, s, c).await.map_err(|e| e.message())?;
            }
            Ok(())
        })
    }
}
