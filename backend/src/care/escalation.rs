//! The emergency plan's escalation timer: a case that nobody acknowledged
//! within its level's time alerts the next people the plan names, once. It
//! runs in every server process on the operator's connection (it serves
//! every school); the update of `escalated_at` guarded by its previous value
//! makes a case escalate once even when two replicas look at the same time.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use shared::care::ConcernLevel;

use super::cases::{append, insert_alerts, plan_for, recipients};
use super::entities::case;
use super::live::{AlertBus, AlertEvent};
use crate::clock;
use crate::error::ApiResult;
use crate::org::entities::{class, student};
use crate::tenancy::Ctx;

/// Most cases escalated in one pass.
const BATCH: u64 = 200;

/// Starts the timer: every `every`, escalates what is due by [`clock::now`].
pub fn spawn(owner: DatabaseConnection, bus: AlertBus, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&owner, clock::now()).await {
                Ok(events) => bus.publish(events),
                Err(e) => tracing::warn!(error = %e.message(), "care escalation pass failed"),
            }
        }
    });
}

/// One pass: escalates every open, unacknowledged case past its level's
/// acknowledgement time whose plan names someone to escalate to. Returns
/// the alerts to publish (already committed).
pub async fn sweep(owner: &DatabaseConnection, now: DateTime<Utc>) -> ApiResult<Vec<AlertEvent>> {
    let ctx = Ctx::begin_for_write(owner, None).await?;
    let r = sweep_in(&ctx, now).await;
    let ok = r.is_ok();
    ctx.finish(ok).await?;
    r
}

async fn sweep_in(ctx: &Ctx, now: DateTime<Utc>) -> ApiResult<Vec<AlertEvent>> {
    let due: Vec<case::Model> = case::Entity::find()
        .filter(case::Column::ClosedAt.is_null())
        .filter(case::Column::AcknowledgedAt.is_null())
        .filter(case::Column::EscalatedAt.is_null())
        .limit(BATCH)
        .all(ctx.db())
        .await?;
    let mut events = vec![];
    for c in due {
        let level = ConcernLevel::from_code(&c.level).unwrap_or(ConcernLevel::Watch);
        let plan = plan_for(ctx, c.district_id, c.school_id).await?;
        let lp = plan.level(level);
        let at = c.opened_at + chrono::Duration::minutes(i64::from(lp.acknowledge_minutes));
        if lp.escalate_to.is_empty() || now < at {
            continue;
        }
        let claimed = case::Entity::update_many()
            .col_expr(case::Column::EscalatedAt, Expr::value(now))
            .filter(case::Column::Id.eq(c.id))
            .filter(case::Column::SchoolId.eq(c.school_id))
            .filter(case::Column::EscalatedAt.is_null())
            .filter(case::Column::AcknowledgedAt.is_null())
            .exec(ctx.db())
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let Some(s) = student::Entity::find_by_id(c.student_id)
            .filter(student::Column::SchoolId.eq(c.school_id))
            .one(ctx.db())
            .await?
        else {
            continue;
        };
        let Some(cls) = class::Entity::find_by_id(s.class_id)
            .filter(class::Column::SchoolId.eq(c.school_id))
            .one(ctx.db())
            .await?
        else {
            continue;
        };
        let users = recipients(ctx, c.school_id, &cls, &lp.escalate_to, &plan).await?;
        let who: Vec<&str> = lp.escalate_to.iter().map(|r| r.label_zh()).collect();
        append(
            ctx,
            &c,
            "escalation",
            None,
            serde_json::json!({ "note": format!("{}分钟内无人响应，已按预案通知{}", lp.acknowledge_minutes, who.join("、")) }),
            None,
            None,
            None,
        )
        .await?;
        events.extend(insert_alerts(ctx, &c, &users, "escalated", now).await?);
        tracing::info!(case_id = %c.id, alerted = users.len(), "care case escalated");
    }
    Ok(events)
}
