//! The caller's in-app alerts (they survive reloads), and dismissing one.

use sea_orm::{
    ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entities::{alert, case};
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, student};
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
    let student_ids: Vec<Uuid> = cases.iter().map(|c| c.student_id).collect();
    let students: Vec<student::Model> = if student_ids.is_empty() {
        vec![]
    } else {
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::Id.is_in(student_ids))
            .all(ctx.db())
            .await?
    };
    let class_ids: Vec<Uuid> = students.iter().map(|s| s.class_id).collect();
    let classes: Vec<class::Model> = if class_ids.is_empty() {
        vec![]
    } else {
        class::Entity::find()
            .filter(class::Column::SchoolId.eq(school))
            .filter(class::Column::Id.is_in(class_ids))
            .all(ctx.db())
            .await?
    };
    let me = Me::load(ctx).await?;
    let plan = super::cases::plan_for(ctx, caller.district_id, school).await?;
    let mut out = vec![];
    for a in rows {
        let Some(c) = cases.iter().find(|c| c.id == a.case_id) else {
            continue;
        };
        let tier = match students.iter().find(|s| s.id == c.student_id) {
            Some(s) => match classes.iter().find(|k| k.id == s.class_id) {
                Some(k) => authz::care::tier(ctx, &me, c, s, k.grade, &plan)?,
                None => None,
            },
            None => None,
        };
        crate::audit::record(ctx, "care.alert.read", "care_case", Some(c.id), None).await?;
        out.push(AlertView {
            student_name: students
                .iter()
                .find(|s| s.id == c.student_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            acknowledged: c.acknowledged_at.is_some(),
            closed: c.closed_at.is_some(),
            level_visible: matches!(tier, Some(CaseTier::Full | CaseTier::Status)),
            row: a,
        });
    }
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
