//! Students of a school, and the sensitive fields only some may read.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::org::{FamilyFlag, SpecialNeed};
use uuid::Uuid;

use super::entities::{class, mentor_assignment, staff, student, student_guardian};
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::ids::IdArg;
use crate::pagination::Page;
use crate::tenancy::{Ctx, one_in_school};

/// A student with class and current mentors.
pub struct StudentView {
    /// The row.
    pub student: student::Model,
    /// Class name.
    pub class_name: String,
    /// Grade.
    pub grade: i32,
    /// Current mentors: (staff id, name).
    pub mentors: Vec<(Uuid, String)>,
}

/// A student's fields.
pub struct StudentFields {
    /// 学号.
    pub student_no: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: String,
    /// Class.
    pub class_id: IdArg,
    /// Lives in town.
    pub lives_in_town: bool,
    /// Special needs (sensitive).
    pub special_needs: Vec<SpecialNeed>,
    /// Family structure (sensitive).
    pub family_flags: Vec<FamilyFlag>,
}

/// Adds class names and current mentors to a page of students (3 queries, no N+1).
#[tracing::instrument(skip_all)]
pub async fn student_views(ctx: &Ctx, rows: Vec<student::Model>) -> ApiResult<Vec<StudentView>> {
    let school = ctx.school_id()?;
    let class_ids: Vec<Uuid> = rows.iter().map(|s| s.class_id).collect();
    let classes: HashMap<Uuid, class::Model> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Id.is_in(class_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let pairs = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StudentId.is_in(ids))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    let staff_ids: Vec<Uuid> = pairs.iter().map(|p| p.staff_id).collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut mentors: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    for p in pairs {
        let name = names.get(&p.staff_id).cloned().unwrap_or_default();
        mentors
            .entry(p.student_id)
            .or_default()
            .push((p.staff_id, name));
    }
    Ok(rows
        .into_iter()
        .map(|s| {
            let c = classes.get(&s.class_id);
            StudentView {
                class_name: c.map(|c| c.name.clone()).unwrap_or_default(),
                grade: c.map_or(0, |c| c.grade),
                mentors: mentors.remove(&s.id).unwrap_or_default(),
                student: s,
            }
        })
        .collect())
}

/// The students the caller may see (see [`authz::student_scope`]).
#[tracing::instrument(skip_all)]
pub async fn list_students(
    ctx: &Ctx,
    page: Page,
    class_id: Option<Uuid>,
    search: Option<String>,
) -> ApiResult<(Vec<StudentView>, u64)> {
    let scope = authz::student_scope(ctx).await?;
    let mut q =
        student::Entity::find().filter(scope.condition(ctx.district_id()?, ctx.school_id()?));
    if let Some(c) = class_id {
        q = q.filter(student::Column::ClassId.eq(c));
    }
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(
            Condition::any()
                .add(student::Column::Name.contains(s.trim()))
                .add(student::Column::StudentNo.starts_with(s.trim())),
        );
    }
    let total = q.clone().count(ctx.db()).await?;
    let rows = q
        .order_by_asc(student::Column::StudentNo)
        .order_by_asc(student::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    Ok((student_views(ctx, rows).await?, total))
}

/// One student the caller may see; `NOT_FOUND` otherwise (also for other schools).
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn get_student(ctx: &Ctx, id: Uuid) -> ApiResult<StudentView> {
    let scope = authz::student_scope(ctx).await?;
    let s = student::Entity::find_by_id(id)
        .filter(scope.condition(ctx.district_id()?, ctx.school_id()?))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学生"))?;
    Ok(student_views(ctx, vec![s]).await?.remove(0))
}

async fn check_student(ctx: &Ctx, input: &StudentFields) -> ApiResult<class::Model> {
    let mut p = Problems::default();
    p.check(
        "input.studentNo",
        shared::org::validate_student_no(input.student_no.trim()),
    );
    p.check("input.name", validate::name(&input.name));
    p.check("input.gender", validate::gender(&input.gender));
    p.finish()?;
    one_in_school::<class::Entity>(ctx, input.class_id?, "班级").await
}

fn flags_json<T: serde::Serialize>(v: &[T]) -> ApiResult<String> {
    Ok(serde_json::to_string(v).map_err(anyhow::Error::from)?)
}

/// Creates a student.
#[tracing::instrument(skip_all)]
pub async fn create_student(ctx: &Ctx, input: StudentFields) -> ApiResult<StudentView> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    let class = check_student(ctx, &input).await?;
    let m = student::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        student_no: Set(input.student_no.trim().into()),
        name: Set(input.name.trim().into()),
        gender: Set(input.gender.trim().into()),
        class_id: Set(class.id),
        special_needs: Set(flags_json(&input.special_needs)?),
        family_flags: Set(flags_json(&input.family_flags)?),
        lives_in_town: Set(input.lives_in_town),
        user_id: Set(None),
        created_at: Set(chrono::Utc::now()),
        joined_on: Set(None),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("学号已存在"),
        other => other,
    })?;
    audit::record(ctx, "student.create", "student", Some(m.id), None).await?;
    Ok(student_views(ctx, vec![m]).await?.remove(0))
}

/// Updates a student.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn update_student(ctx: &Ctx, id: Uuid, input: StudentFields) -> ApiResult<StudentView> {
    authz::org::may_manage_school_roster(ctx)?;
    let found = one_in_school::<student::Entity>(ctx, id, "学生").await?;
    let class = check_student(ctx, &input).await?;
    let mut m = found.into_active_model();
    m.student_no = Set(input.student_no.trim().into());
    m.name = Set(input.name.trim().into());
    m.gender = Set(input.gender.trim().into());
    m.class_id = Set(class.id);
    m.lives_in_town = Set(input.lives_in_town);
    m.special_needs = Set(flags_json(&input.special_needs)?);
    m.family_flags = Set(flags_json(&input.family_flags)?);
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("学号已存在"),
            other => other,
        })?;
    audit::record(ctx, "student.update", "student", Some(m.id), None).await?;
    Ok(student_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes a student without an account (graduates are kept, not deleted).
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_student(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    authz::org::may_manage_school_roster(ctx)?;
    let m = one_in_school::<student::Entity>(ctx, id, "学生").await?;
    if m.user_id.is_some() {
        return Err(ApiError::conflict("该学生有登录账号，请先停用账号"));
    }
    student_guardian::Entity::delete_many()
        .filter(student_guardian::Column::StudentId.eq(m.id))
        .exec(ctx.db())
        .await?;
    mentor_assignment::Entity::delete_many()
        .filter(mentor_assignment::Column::StudentId.eq(m.id))
        .exec(ctx.db())
        .await?;
    student::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "student.delete", "student", Some(id), None).await?;
    Ok(true)
}

/// Sensitive information of a student (family situation, special needs).
pub struct Sensitive {
    /// Family structure.
    pub family_flags: Vec<FamilyFlag>,
    /// Special needs.
    pub special_needs: Vec<SpecialNeed>,
}

/// Reads a student's sensitive information: only the school admin, the head
/// teacher and the student's mentors; every read is audited.
#[tracing::instrument(skip_all)]
pub async fn read_sensitive(ctx: &Ctx, s: &student::Model) -> ApiResult<Sensitive> {
    if !authz::may_read_sensitive(ctx, s).await? {
        return Err(ApiError::forbidden(
            "只有该生的导师、班主任和学校管理员可以查看",
        ));
    }
    audit::record(ctx, "student.sensitive.read", "student", Some(s.id), None).await?;
    Ok(Sensitive {
        family_flags: serde_json::from_str(&s.family_flags).unwrap_or_default(),
        special_needs: serde_json::from_str(&s.special_needs).unwrap_or_default(),
    })
}
