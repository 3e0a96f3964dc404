//! The district's review of school plans (备案): the district reads each
//! school's current plan with its differences from the baseline in effect,
//! marks it reviewed or returns it with a comment; the school admin reads
//! the status of their own plan. Reviews are append-only; the newest one of
//! the current version is its status (a new version is pending again).

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use shared::org::Role;
use shared::policy::Change;
use uuid::Uuid;

use super::entities::plan_review;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::school;
use crate::policy::service::{Version, baseline_versions, in_effect, school_versions};
use crate::tenancy::Ctx;

/// Longest review comment, in characters.
pub const MAX_COMMENT: usize = 500;

/// One school's filing.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The school.
    pub school: school::Model,
    /// Its current (newest) plan version; none: it files no plan of its own.
    pub current: Option<Version>,
    /// The baseline version compared against.
    pub baseline: Option<Version>,
    /// What the plan changes from that baseline.
    pub diff: Vec<Change>,
    /// The newest review of the current version.
    pub review: Option<plan_review::Model>,
}

async fn filing(ctx: &Ctx, s: school::Model, today: NaiveDate) -> ApiResult<Filing> {
    let versions = school_versions(ctx, s.district_id, s.id).await?;
    let baselines = baseline_versions(ctx, s.district_id).await?;
    let current = versions.into_iter().next();
    let baseline = in_effect(&baselines, today).or(baselines.first()).cloned();
    let diff = match (&baseline, &current) {
        (Some(b), Some(c)) => shared::policy::diff(&b.rules, &c.rules),
        _ => vec![],
    };
    let review = match &current {
        Some(c) => {
            plan_review::Entity::find()
                .filter(plan_review::Column::SchoolId.eq(s.id))
                .filter(plan_review::Column::PolicyVersionId.eq(c.row.id))
                .order_by_desc(plan_review::Column::ReviewedAt)
                .one(ctx.db())
                .await?
        }
        None => None,
    };
    Ok(Filing {
        school: s,
        current,
        baseline,
        diff,
        review,
    })
}

/// The filings the caller may read: every school of the district for the
/// district admin; the own school for its admin.
#[tracing::instrument(skip_all)]
pub async fn plan_filings(ctx: &Ctx, today: NaiveDate) -> ApiResult<Vec<Filing>> {
    let caller = ctx.caller()?.clone();
    let schools = if let Some(own) = caller.school_id {
        ctx.require_any(&[Role::SchoolAdmin])?;
        school::Entity::find_by_id(own)
            .filter(school::Column::DistrictId.eq(caller.district_id))
            .all(ctx.db())
            .await?
    } else {
        let district = authz::require_district_admin(ctx)?;
        school::Entity::find()
            .filter(school::Column::DistrictId.eq(district))
            .order_by_asc(school::Column::Code)
            .all(ctx.db())
            .await?
    };
    let mut out = vec![];
    for s in schools {
        out.push(filing(ctx, s, today).await?);
    }
    Ok(out)
}

/// Files the district's review of a school's current plan version:
/// `returned` needs a comment (at most [`MAX_COMMENT`] characters); a
/// version that is no longer current is refused.
#[tracing::instrument(skip_all, fields(school = %school_id, returned))]
pub async fn review_plan(
    ctx: &Ctx,
    school_id: Uuid,
    version_id: Uuid,
    returned: bool,
    comment: &str,
    today: NaiveDate,
) -> ApiResult<Filing> {
    let district = authz::require_district_admin(ctx)?;
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT {
        return Err(ApiError::invalid(
            "comment",
            format!("意见最多 {MAX_COMMENT} 字"),
        ));
    }
    if returned && comment.is_empty() {
        return Err(ApiError::invalid("comment", "退回方案时请填写意见"));
    }
    let s = school::Entity::find_by_id(school_id)
        .filter(school::Column::DistrictId.eq(district))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let current = school_versions(ctx, district, s.id)
        .await?
        .into_iter()
        .next();
    match current {
        Some(c) if c.row.id == version_id => {}
        Some(_) => return Err(ApiError::conflict("该校已保存新版本方案，请刷新后审阅")),
        None => return Err(ApiError::not_found("方案")),
    }
    plan_review::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(s.id),
        policy_version_id: Set(version_id),
        status: Set(if returned { "returned" } else { "reviewed" }.into()),
        comment: Set(comment.to_string()),
        reviewed_by: Set(ctx.caller()?.user_id),
        reviewed_at: Set(crate::clock::now()),
    }
    .insert(ctx.db())
    .await?;
    filing(ctx, s, today).await
}
