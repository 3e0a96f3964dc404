//! Schools of a district (district admin): their stats, creation and edits.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::org::SchoolStage;
use uuid::Uuid;

use super::entities::{class, school, staff, student};
use super::validate;
use crate::audit;
use crate::authz;
use crate::authz::org::SchoolsVisible;
use crate::error::{ApiError, ApiResult, Problems};
use crate::tenancy::Ctx;

/// A school with its counts.
pub struct SchoolStats {
    /// The school.
    pub school: school::Model,
    /// Students.
    pub students: u64,
    /// Classes.
    pub classes: u64,
    /// Staff.
    pub staff: u64,
}

/// A school's fields.
pub struct SchoolFields {
    /// Platform-unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Stage.
    pub stage: SchoolStage,
}

/// Rows per school of a tenant table, in one grouped query.
async fn count_by_school<E: EntityTrait>(
    ctx: &Ctx,
    district: Uuid,
    [school_col, district_col, id_col]: [E::Column; 3],
) -> ApiResult<HashMap<Uuid, u64>> {
    let rows: Vec<(Uuid, i64)> = E::find()
        .select_only()
        .column(school_col)
        .column_as(id_col.count(), "n")
        .filter(district_col.eq(district))
        .group_by(school_col)
        .into_tuple()
        .all(ctx.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, n.max(0) as u64))
        .collect())
}

/// The schools the caller sees: all of the district for district admins
/// (with counts only), else the caller's own school. Three grouped count
/// queries whatever the number of schools.
#[tracing::instrument(skip_all)]
pub async fn list_schools(ctx: &Ctx) -> ApiResult<Vec<SchoolStats>> {
    let (district, visible) = authz::org::which_schools_visible(ctx)?;
    let mut q = school::Entity::find().filter(school::Column::DistrictId.eq(district));
    match visible {
        SchoolsVisible::Own(own) => q = q.filter(school::Column::Id.eq(own)),
        SchoolsVisible::District => {}
        SchoolsVisible::Nothing => return Ok(vec![]),
    }
    let schools = q.order_by_asc(school::Column::Code).all(ctx.db()).await?;
    use student::Column as S;
    let students =
        count_by_school::<student::Entity>(ctx, district, [S::SchoolId, S::DistrictId, S::Id])
            .await?;
    use class::Column as C;
    let classes =
        count_by_school::<class::Entity>(ctx, district, [C::SchoolId, C::DistrictId, C::Id])
            .await?;
    use staff::Column as T;
    let staff =
        count_by_school::<staff::Entity>(ctx, district, [T::SchoolId, T::DistrictId, T::Id])
            .await?;
    Ok(schools
        .into_iter()
        .map(|s| SchoolStats {
            students: students.get(&s.id).copied().unwrap_or(0),
            classes: classes.get(&s.id).copied().unwrap_or(0),
            staff: staff.get(&s.id).copied().unwrap_or(0),
            school: s,
        })
        .collect())
}

/// One school the caller sees.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn get_school(ctx: &Ctx, id: Uuid) -> ApiResult<SchoolStats> {
    let list = list_schools(ctx).await?;
    list.into_iter()
        .find(|s| s.school.id == id)
        .ok_or_else(|| ApiError::not_found("学校"))
}

fn check_school_input(input: &SchoolFields) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.code", validate::code(&input.code));
    p.check("input.name", validate::name(&input.name));
    p.finish()
}

/// Creates a school in the caller's district.
#[tracing::instrument(skip_all)]
pub async fn create_school(ctx: &Ctx, input: SchoolFields) -> ApiResult<school::Model> {
    let district = authz::org::may_manage_district_schools(ctx)?;
    check_school_input(&input)?;
    let m = school::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        code: Set(input.code.trim().to_string()),
        name: Set(input.name.trim().to_string()),
        stage: Set(input.stage.code().to_string()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("学校代码已被使用"),
        other => other,
    })?;
    audit::record(ctx, "school.create", "school", Some(m.id), None).await?;
    Ok(m)
}

/// Updates a school of the caller's district.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn update_school(ctx: &Ctx, id: Uuid, input: SchoolFields) -> ApiResult<school::Model> {
    let district = authz::org::may_manage_district_schools(ctx)?;
    check_school_input(&input)?;
    let found = school::Entity::find_by_id(id)
        .filter(school::Column::DistrictId.eq(district))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let mut m = found.into_active_model();
    m.code = Set(input.code.trim().to_string());
    m.name = Set(input.name.trim().to_string());
    m.stage = Set(input.stage.code().to_string());
    let m = m.update(ctx.db()).await?;
    audit::record(ctx, "school.update", "school", Some(m.id), None).await?;
    Ok(m)
}

/// A school's stage (小学, 初中, …), for checking grades against it.
#[tracing::instrument(skip_all, fields(school_id = %school_id))]
pub async fn stage_of(ctx: &Ctx, school_id: Uuid) -> ApiResult<SchoolStage> {
    let s = school::Entity::find_by_id(school_id)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    SchoolStage::from_code(&s.stage).ok_or_else(|| anyhow::anyhow!("bad stage code").into())
}
