//! Staff of a school and what they teach.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::{class, mentor_assignment, staff, teaching};
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::pagination::Page;
use crate::tenancy::{Ctx, one_in_school};

/// A staff member's fields.
pub struct StaffFields {
    /// 工号.
    pub staff_no: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: Option<String>,
    /// Mobile number.
    pub phone: Option<String>,
    /// 党员.
    pub party_member: bool,
    /// Strengths for the mentor profile library (心理, 生涯, 学科竞赛 …).
    pub specialties: Vec<String>,
    /// Standing as a mentor.
    pub qualification: Option<Qualification>,
}

/// A staff member with what they teach.
pub struct StaffView {
    /// The row.
    pub staff: staff::Model,
    /// (teaching id, class id, class name, subject).
    pub teaching: Vec<(Uuid, Uuid, String, String)>,
}

/// The school's staff (school admin, grade leaders, head teachers).
#[tracing::instrument(skip_all)]
pub async fn list_staff(
    ctx: &Ctx,
    page: Page,
    search: Option<String>,
) -> ApiResult<(Vec<StaffView>, u64)> {
    authz::org::may_list_staff(ctx)?;
    let school = ctx.school_id()?;
    let mut q = staff::Entity::find().filter(staff::Column::SchoolId.eq(school));
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(
            Condition::any()
                .add(staff::Column::Name.contains(s.trim()))
                .add(staff::Column::StaffNo.starts_with(s.trim())),
        );
    }
    let total = q.clone().count(ctx.db()).await?;
    let rows = q
        .order_by_asc(staff::Column::StaffNo)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    Ok((staff_views(ctx, rows).await?, total))
}

async fn staff_views(ctx: &Ctx, rows: Vec<staff::Model>) -> ApiResult<Vec<StaffView>> {
    let school = ctx.school_id()?;
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let teach = teaching::Entity::find()
        .filter(teaching::Column::SchoolId.eq(school))
        .filter(teaching::Column::StaffId.is_in(ids))
        .all(ctx.db())
        .await?;
    let class_ids: Vec<Uuid> = teach.iter().map(|t| t.class_id).collect();
    let names: HashMap<Uuid, String> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Id.is_in(class_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut by_staff: HashMap<Uuid, Vec<(Uuid, Uuid, String, String)>> = HashMap::new();
    for t in teach {
        let cname = names.get(&t.class_id).cloned().unwrap_or_default();
        by_staff
            .entry(t.staff_id)
            .or_default()
            .push((t.id, t.class_id, cname, t.subject));
    }
    Ok(rows
        .into_iter()
        .map(|s| StaffView {
            teaching: by_staff.remove(&s.id).unwrap_or_default(),
            staff: s,
        })
        .collect())
}

fn check_staff(input: &StaffFields) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.staffNo", validate::staff_no(&input.staff_no));
    p.check("input.name", validate::name(&input.name));
    if let Some(g) = &input.gender {
        p.check("input.gender", validate::gender(g));
    }
    if let Some(ph) = &input.phone {
        p.check("input.phone", validate::mobile(ph));
    }
    if input.specialties.len() > 10 || input.specialties.iter().any(|s| validate::name(s).is_err())
    {
        p.add("input.specialties", "特长最多10项，每项1–32个字");
    }
    p.finish()
}

/// Creates a staff member.
#[tracing::instrument(skip_all)]
pub async fn create_staff(ctx: &Ctx, input: StaffFields) -> ApiResult<StaffView> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    check_staff(&input)?;
    let m = staff::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        staff_no: Set(input.staff_no.trim().into()),
        name: Set(input.name.trim().into()),
        gender: Set(input.gender.map(|g| g.trim().into())),
        phone: Set(input.phone.map(|p| p.trim().into())),
        party_member: Set(input.party_member),
        specialties: Set(serde_json::to_string(&input.specialties).map_err(anyhow::Error::from)?),
        qualification: Set(input
            .qualification
            .unwrap_or(Qualification::Untrained)
            .code()
            .into()),
        user_id: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("工号已存在"),
        other => other,
    })?;
    audit::record(ctx, "staff.create", "staff", Some(m.id), None).await?;
    Ok(StaffView {
        staff: m,
        teaching: vec![],
    })
}

/// Updates a staff member.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn update_staff(ctx: &Ctx, id: Uuid, input: StaffFields) -> ApiResult<StaffView> {
    authz::org::may_manage_school_roster(ctx)?;
    check_staff(&input)?;
    let mut m = one_in_school::<staff::Entity>(ctx, id, "教职工")
        .await?
        .into_active_model();
    m.staff_no = Set(input.staff_no.trim().into());
    m.name = Set(input.name.trim().into());
    m.gender = Set(input.gender.map(|g| g.trim().into()));
    m.phone = Set(input.phone.map(|p| p.trim().into()));
    m.party_member = Set(input.party_member);
    m.specialties = Set(serde_json::to_string(&input.specialties).map_err(anyhow::Error::from)?);
    if let Some(q) = input.qualification {
        m.qualification = Set(q.code().into());
    }
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("工号已存在"),
            other => other,
        })?;
    audit::record(ctx, "staff.update", "staff", Some(m.id), None).await?;
    Ok(staff_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes a staff member who is no one's head teacher or current mentor.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_staff(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    authz::org::may_manage_school_roster(ctx)?;
    let m = one_in_school::<staff::Entity>(ctx, id, "教职工").await?;
    if !authz::mentee_ids(ctx, m.id).await?.is_empty() {
        return Err(ApiError::conflict("该教师仍有结对学生，请先调整导师"));
    }
    if class::Entity::find()
        .filter(class::Column::HeadTeacherId.eq(m.id))
        .count(ctx.db())
        .await?
        > 0
    {
        return Err(ApiError::conflict("该教师仍是班主任，请先更换班主任"));
    }
    if m.user_id.is_some() {
        return Err(ApiError::conflict("该教师有登录账号，请先停用账号"));
    }
    teaching::Entity::delete_many()
        .filter(teaching::Column::StaffId.eq(m.id))
        .exec(ctx.db())
        .await?;
    mentor_assignment::Entity::delete_many()
        .filter(mentor_assignment::Column::StaffId.eq(m.id))
        .exec(ctx.db())
        .await?;
    staff::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "staff.delete", "staff", Some(id), None).await?;
    Ok(true)
}

/// Records that a teacher teaches a subject in a class.
#[tracing::instrument(skip_all, fields(staff_id = %staff_id, class_id = %class_id))]
pub async fn set_teaching(
    ctx: &Ctx,
    staff_id: Uuid,
    class_id: Uuid,
    subject: String,
) -> ApiResult<teaching::Model> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    let mut p = Problems::default();
    p.check("subject", validate::name(&subject));
    p.finish()?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教职工").await?;
    let c = one_in_school::<class::Entity>(ctx, class_id, "班级").await?;
    let m = teaching::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        staff_id: Set(s.id),
        class_id: Set(c.id),
        subject: Set(subject.trim().into()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("该教师已在此班任教此学科"),
        other => other,
    })?;
    audit::record(ctx, "teaching.set", "staff", Some(s.id), None).await?;
    Ok(m)
}

/// Removes a teaching record.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn remove_teaching(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    authz::org::may_manage_school_roster(ctx)?;
    let t = one_in_school::<teaching::Entity>(ctx, id, "任教记录").await?;
    teaching::Entity::delete_by_id(t.id).exec(ctx.db()).await?;
    audit::record(ctx, "teaching.remove", "staff", Some(t.staff_id), None).await?;
    Ok(true)
}
