//! The reminder jobs: every day at 07:00 China time the scheduler enqueues
//! `notify.daily_reminders` (once across replicas, by its dedupe key),
//! which enqueues one `notify.school_reminders` per school; that one asks
//! the task engine which tasks each mentor has due within the policy's lead time
//! (`due_soon_days`) or
//! overdue, and leaves one digest per mentor in their inbox (counts only;
//! a mentor with nothing open gets nothing).

use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::service::{Notice, deliver};
use crate::jobs::{FanOut, Handler, HandlerFuture, Job, Registry, payload_day};
use crate::org::entities::staff;
use crate::policy::tasks::mentor_digests;
use crate::tenancy::Ctx;

/// The daily fan-out's kind.
pub const DAILY: &str = "notify.daily_reminders";
/// One school's reminders.
pub const SCHOOL: &str = "notify.school_reminders";
/// Hour (China time) the daily reminders run.
pub const DAILY_HOUR: u32 = 7;

/// Registers the reminder handlers and the daily schedule.
pub fn register(registry: &mut Registry, db: DatabaseConnection) {
    registry.register(DAILY, Arc::new(FanOut(SCHOOL)));
    registry.register(SCHOOL, Arc::new(SchoolReminders { db }));
    registry.daily(DAILY, reminder_hour());
}

/// `DAOSHI_REMINDER_HOUR` (0–23, China time), else [`DAILY_HOUR`].
fn reminder_hour() -> u32 {
    std::env::var("DAOSHI_REMINDER_HOUR")
        .ok()
        .and_then(|h| h.trim().parse().ok())
        .filter(|h| *h < 24)
        .unwrap_or(DAILY_HOUR)
}

struct SchoolReminders {
    db: DatabaseConnection,
}

impl Handler for SchoolReminders {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let day = payload_day(job)?;
            let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
                return Err("a school reminder job without its school".into());
            };
            // Read the school's tasks in a read transaction of the school.
            let ctx = Ctx::begin_system(&self.db, d, s)
                .await
                .map_err(|e| e.message())?;
            let digests = mentor_digests(&ctx, day).await;
            let users: Vec<(Uuid, Option<Uuid>)> = match &digests {
                Ok((m, _)) if !m.is_empty() => staff::Entity::find()
                    .filter(staff::Column::SchoolId.eq(s))
                    .filter(staff::Column::Id.is_in(m.keys().copied().collect::<Vec<_>>()))
                    .all(ctx.db())
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .map(|st| (st.id, st.user_id))
                    .collect(),
                _ => vec![],
            };
            ctx.finish(true).await.map_err(|e| e.message())?;
            let (digests, lead) = digests.map_err(|e| e.message())?;
            let (mentors, overdue, due_soon) = digests.values().fold((0, 0, 0), |(m, o, d), g| {
                (m + 1, o + g.overdue, d + g.due_soon)
            });
            if mentors > 0 {
                let post = super::robots::Post {
                    title: "今日导师任务提醒".into(),
                    text: format!(
                        "{mentors} 位导师有待办：合计 {overdue} 项已逾期，{due_soon} 项将在 {lead} 天内到期。"
                    ),
                    link: "/tasks".into(),
                };
                let hooks = super::robots::hooks_for(tx, s, super::robots::Audience::School)
                    .await
                    .map_err(|e| e.to_string())?;
                super::robots::enqueue(tx, d, s, &hooks, &post, &format!("digest:{day}"))
                    .await
                    .map_err(|e| e.message())?;
            }
            for (staff_id, user) in users {
                let (Some(user), Some(dg)) = (user, digests.get(&staff_id)) else {
                    continue;
                };
                let mut parts = vec![];
                if dg.overdue > 0 {
                    parts.push(format!("{} 项已逾期", dg.overdue));
                }
                if dg.due_soon > 0 {
                    parts.push(format!("{} 项将在 {lead} 天内到期", dg.due_soon));
                }
                let n = Notice {
                    kind: "task_digest",
                    title: "导师任务提醒".into(),
                    body: format!("您结对学生的任务中，{}。", parts.join("，")),
                    link: "/tasks".into(),
                    dedupe_key: format!("task_digest:{day}"),
                };
                deliver(tx, d, s, user, &n).await.map_err(|e| e.message())?;
            }
            Ok(())
        })
    }
}
