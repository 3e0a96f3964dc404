//! A teacher's standing as a mentor, changed in dated steps (培训 → 试用期 →
//! 聘任, or 暂缓 and retraining), each kept with who decided and why.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use shared::mentor_assessment::lifecycle::{check_reason, may_move};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::qualification_step;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::staff;
use crate::tenancy::{Ctx, one_in_school};

/// Records a step and sets the teacher's standing (the school admin).
#[tracing::instrument(skip_all, fields(staff_id = %staff_id))]
pub async fn record_step(
    ctx: &Ctx,
    staff_id: Uuid,
    to: Qualification,
    on: NaiveDate,
    reason: String,
    today: NaiveDate,
) -> ApiResult<qualification_step::Model> {
    authz::lifecycle::may_manage_qualification(ctx)?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?;
    let from = Qualification::from_code(&s.qualification).unwrap_or(Qualification::Untrained);
    if !may_move(from, to) {
        return Err(ApiError::invalid(
            "to",
            format!("不能从“{}”直接变为“{}”", label(from), label(to)),
        ));
    }
    check_reason(to, &reason).map_err(|m| ApiError::invalid("reason", m))?;
    if on > today + chrono::Duration::days(31) || on < today - chrono::Duration::days(366) {
        return Err(ApiError::invalid("on", "日期须在过去一年到未来一个月之内"));
    }
    apply_step(ctx, s, to, on, reason).await
}

/// Stores a step and sets the teacher's standing (audited); the caller has
/// checked who may and that the move is allowed.
pub async fn apply_step(
    ctx: &Ctx,
    s: staff::Model,
    to: Qualification,
    on: NaiveDate,
    reason: String,
) -> ApiResult<qualification_step::Model> {
    let from = Qualification::from_code(&s.qualification).unwrap_or(Qualification::Untrained);
    let staff_id = s.id;
    let row = qualification_step::Model {
        id: Uuid::new_v4(),
        district_id: s.district_id,
        school_id: s.school_id,
        staff_id,
        on_date: on,
        from_q: from.code().into(),
        to_q: to.code().into(),
        reason: reason.trim().into(),
        decided_by: ctx.caller()?.user_id,
        created_at: Utc::now(),
    };
    qualification_step::ActiveModel::from(row.clone())
        .insert(ctx.db())
        .await?;
    let mut a = s.into_active_model();
    a.qualification = Set(to.code().into());
    a.update(ctx.db()).await?;
    audit::record(
        ctx,
        "qualification_step",
        "staff",
        Some(staff_id),
        Some(format!("{}→{}", from.code(), to.code())),
    )
    .await?;
    Ok(row)
}

/// A teacher's steps, oldest first (the school admin, or the teacher).
#[tracing::instrument(skip_all, fields(staff_id = %staff_id))]
pub async fn history(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<qualification_step::Model>> {
    let own = authz::my_staff(ctx).await?.map(|s| s.id);
    authz::lifecycle::may_read_qualification(ctx, staff_id, own)?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?;
    Ok(qualification_step::Entity::find()
        .filter(qualification_step::Column::SchoolId.eq(s.school_id))
        .filter(qualification_step::Column::StaffId.eq(s.id))
        .order_by_asc(qualification_step::Column::OnDate)
        .order_by_asc(qualification_step::Column::CreatedAt)
        .all(ctx.db())
        .await?)
}

/// Chinese label of a standing.
pub fn label(q: Qualification) -> &'static str {
    match q {
        Qualification::Untrained => "未培训",
        Qualification::Training => "培训中",
        Qualification::Probation => "试用期",
        Qualification::Appointed => "已聘任",
        Qualification::Deferred => "暂缓聘任",
    }
}
