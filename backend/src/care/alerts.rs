//! The caller's in-app alerts (they survive reloads), and dismissing one.

use sea_orm::{
    ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::cases::{Seen, audit_list};
use super::entities::{alert, case};
use crate::authz::mentoring::Me;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;
use shared::care::CaseTier;

/// Most alerts listed.
pub const MAX_ALERTS: u64 = 200;

/// An alert with what its recipient needs to act on it.
#[derive(Debug, Clone)]
pub struct AlertView {
    /// The row.
    pub row: alert::Model,
    /// The student's name (the recipient is named by the plan for this case).
    pub student_name: String,
    /// Whether the case has been acknowledged (by anyone).
    pub acknowledged: bool,
    /// Whether the case is closed.
    pub closed: bool,
    /// Whether the recipient's tier shows the level (a head teacher, who
    /// sees only that a case exists, is alerted without it).
    pub level_visible: bool,
}

/// The caller's alerts, newest first: unread only, or all.
#[tracing::instrument(skip_all)]
pub async fn mine(ctx: &Ctx, unread_only: bool) -> ApiResult<Vec<AlertView>> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(vec![]);
    };
    let mut q = alert::Entity::find()
        .filter(alert::Column::DistrictId.eq(caller.district_id))
        .filter(alert::Column::SchoolId.eq(school))
        .filter(alert::Column::RecipientUserId.eq(caller.user_id));
    if unread_only {
        q = q.filter(alert::Column::ReadAt.is_null());
    }
    let rows = q
        .order_by_desc(alert::Column::CreatedAt)
        .limit(MAX_ALERTS)
        .all(ctx.db())
        .await?;
    let case_ids: Vec<Uuid> = rows.iter().map(|a| a.case_id).collect();
    let cases: Vec<case::Model> = if case_ids.is_empty() {
        vec![]
    } else {
        case::Entity::find()
            .filter(case::Column::SchoolId.eq(school))
            .filter(case::Column::Id.is_in(case_ids))
            .all(ctx.db())
            .await?
    };
    let me = Me::load(ctx).await?;
    let seen = Seen::load(ctx, &me, &cases).await?;
    let mut out = vec![];
    let mut read = vec![];
    for a in rows {
        let Some(c) = cases.iter().find(|c| c.id == a.case_id) else {
            continue;
        };
        let tier = seen.tier(ctx, &me, c)?;
        read.push(c.id);
        out.push(AlertView {
            student_name: seen
                .student(c)
                .map(|(s, _)| s.name.clone())
                .unwrap_or_default(),
            acknowledged: c.acknowledged_at.is_some(),
            closed: c.closed_at.is_some(),
            level_visible: matches!(tier, Some(CaseTier::Full | CaseTier::Status)),
            row: a,
        });
    }
    // One record for the list read (the case ids in its reason).
    audit_list(ctx, "care.alert.read", &read).await?;
    Ok(out)
}

/// Dismisses one of the caller's alerts.
#[tracing::instrument(skip_all)]
pub async fn mark_read(ctx: &Ctx, alert_id: Uuid) -> ApiResult<bool> {
    let caller = ctx.caller()?;
    let school = ctx.school_id()?;
    let a = alert::Entity::find_by_id(alert_id)
        .filter(alert::Column::SchoolId.eq(school))
        .filter(alert::Column::RecipientUserId.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("提醒"))?;
    if a.read_at.is_none() {
        let mut m = a.into_active_model();
        m.read_at = Set(Some(clock::now()));
        alert::Entity::update(m).exec(ctx.db()).await?;
    }
    Ok(true)
}
