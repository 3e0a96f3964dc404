//! Classes of a school and their head teachers.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entities::{class, staff, student, teaching};
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::ids::IdArg;
use crate::tenancy::{Ctx, one_in_school};

/// A class with its head teacher's name and size.
pub struct ClassView {
    /// The class.
    pub class: class::Model,
    /// 班主任's name.
    pub head_teacher_name: Option<String>,
    /// Students in the class.
    pub student_count: i64,
}

/// A class's fields.
pub struct ClassFields {
    /// Grade.
    pub grade: i32,
    /// Name unique in the school, e.g. 七年级(1)班.
    pub name: String,
    /// Head teacher (staff id).
    pub head_teacher_id: Option<IdArg>,
}

/// The school's classes (staff roles).
#[tracing::instrument(skip_all)]
pub async fn list_classes(ctx: &Ctx, grade: Option<i32>) -> ApiResult<Vec<ClassView>> {
    authz::org::may_list_classes(ctx)?;
    let school = ctx.school_id()?;
    let mut q = class::Entity::find().filter(class::Column::SchoolId.eq(school));
    if let Some(g) = grade {
        q = q.filter(class::Column::Grade.eq(g));
    }
    let classes = q
        .order_by_asc(class::Column::Grade)
        .order_by_asc(class::Column::Name)
        .all(ctx.db())
        .await?;
    class_views(ctx, classes).await
}

async fn class_views(ctx: &Ctx, classes: Vec<class::Model>) -> ApiResult<Vec<ClassView>> {
    let school = ctx.school_id()?;
    let teacher_ids: Vec<Uuid> = classes.iter().filter_map(|c| c.head_teacher_id).collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(teacher_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let counts: HashMap<Uuid, i64> = student::Entity::find()
        .select_only()
        .column(student::Column::ClassId)
        .column_as(student::Column::Id.count(), "n")
        .filter(student::Column::SchoolId.eq(school))
        .group_by(student::Column::ClassId)
        .into_tuple::<(Uuid, i64)>()
        .all(ctx.db())
        .await?
        .into_iter()
        .collect();
    Ok(classes
        .into_iter()
        .map(|c| ClassView {
            head_teacher_name: c.head_teacher_id.and_then(|t| names.get(&t).cloned()),
            student_count: counts.get(&c.id).copied().unwrap_or(0),
            class: c,
        })
        .collect())
}

async fn check_class(ctx: &Ctx, input: &ClassFields) -> ApiResult<Option<Uuid>> {
    let school = ctx.school_id()?;
    let stage = crate::org::schools::stage_of(ctx, school).await?;
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    if !stage.grades().contains(&input.grade) {
        p.add(
            "input.grade",
            format!(
                "年级须在{}–{}之间",
                stage.grades().start(),
                stage.grades().end()
            ),
        );
    }
    p.finish()?;
    match input.head_teacher_id {
        Some(id) => Ok(Some(
            one_in_school::<staff::Entity>(ctx, id?, "教职工").await?.id,
        )),
        None => Ok(None),
    }
}

/// Creates a class.
#[tracing::instrument(skip_all)]
pub async fn create_class(ctx: &Ctx, input: ClassFields) -> ApiResult<ClassView> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    let head = check_class(ctx, &input).await?;
    let m = class::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        grade: Set(input.grade),
        name: Set(input.name.trim().into()),
        head_teacher_id: Set(head),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("班级名称已存在"),
        other => other,
    })?;
    audit::record(ctx, "class.create", "class", Some(m.id), None).await?;
    Ok(class_views(ctx, vec![m]).await?.remove(0))
}

/// Updates a class.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn update_class(ctx: &Ctx, id: Uuid, input: ClassFields) -> ApiResult<ClassView> {
    authz::org::may_manage_school_roster(ctx)?;
    let found = one_in_school::<class::Entity>(ctx, id, "班级").await?;
    let head = check_class(ctx, &input).await?;
    let mut m = found.into_active_model();
    m.grade = Set(input.grade);
    m.name = Set(input.name.trim().into());
    m.head_teacher_id = Set(head);
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("班级名称已存在"),
            other => other,
        })?;
    audit::record(ctx, "class.update", "class", Some(m.id), None).await?;
    Ok(class_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes an empty class.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_class(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    authz::org::may_manage_school_roster(ctx)?;
    let m = one_in_school::<class::Entity>(ctx, id, "班级").await?;
    let n = student::Entity::find()
        .filter(student::Column::ClassId.eq(m.id))
        .count(ctx.db())
        .await?;
    if n > 0 {
        return Err(ApiError::conflict(format!("班级还有{n}名学生，不能删除")));
    }
    teaching::Entity::delete_many()
        .filter(teaching::Column::ClassId.eq(m.id))
        .exec(ctx.db())
        .await?;
    class::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "class.delete", "class", Some(id), None).await?;
    Ok(true)
}
