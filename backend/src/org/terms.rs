//! Terms (学期) of a school.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::entities::term;
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiResult, Problems};
use crate::tenancy::{Ctx, one_in_school};

/// A term's fields.
pub struct TermFields {
    /// Name, e.g. 2026学年第一学期.
    pub name: String,
    /// Academic year, e.g. 2026-2027.
    pub academic_year: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

fn check_term(input: &TermFields) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    p.check("input.academicYear", validate::name(&input.academic_year));
    if input.ends_on <= input.starts_on {
        p.add("input.endsOn", "学期结束日期须晚于开始日期");
    }
    if (input.ends_on - input.starts_on).num_days() > 200 {
        p.add("input.endsOn", "一个学期不能超过200天");
    }
    p.finish()
}

/// The school's terms, newest first (any school user).
#[tracing::instrument(skip_all)]
pub async fn list_terms(ctx: &Ctx) -> ApiResult<Vec<term::Model>> {
    let school = ctx.school_id()?;
    Ok(term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .order_by_desc(term::Column::StartsOn)
        .all(ctx.db())
        .await?)
}

/// Creates a term.
#[tracing::instrument(skip_all)]
pub async fn create_term(ctx: &Ctx, input: TermFields) -> ApiResult<term::Model> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    check_term(&input)?;
    let m = term::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        name: Set(input.name.trim().into()),
        academic_year: Set(input.academic_year.trim().into()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
    }
    .insert(ctx.db())
    .await?;
    audit::record(ctx, "term.create", "term", Some(m.id), None).await?;
    Ok(m)
}

/// Updates a term.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn update_term(ctx: &Ctx, id: Uuid, input: TermFields) -> ApiResult<term::Model> {
    authz::org::may_manage_school_roster(ctx)?;
    check_term(&input)?;
    let mut m = one_in_school::<term::Entity>(ctx, id, "学期")
        .await?
        .into_active_model();
    m.name = Set(input.name.trim().into());
    m.academic_year = Set(input.academic_year.trim().into());
    m.starts_on = Set(input.starts_on);
    m.ends_on = Set(input.ends_on);
    let m = m.update(ctx.db()).await?;
    audit::record(ctx, "term.update", "term", Some(m.id), None).await?;
    Ok(m)
}

/// Deletes a term.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_term(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    authz::org::may_manage_school_roster(ctx)?;
    let m = one_in_school::<term::Entity>(ctx, id, "学期").await?;
    term::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "term.delete", "term", Some(id), None).await?;
    Ok(true)
}
