//! Guardians (家长) of students, and the links between them.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use shared::org::Role;
use uuid::Uuid;

use super::entities::{guardian, student, student_guardian};
use super::validate;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::tenancy::{Ctx, one_in_school};

/// A guardian's fields.
pub struct GuardianFields {
    /// Name.
    pub name: String,
    /// Mobile number (unique in the school: the same parent of two children is one guardian).
    pub phone: String,
    /// 父亲 / 母亲 / …
    pub relation: String,
}

/// A guardian as the caller sees them: the phone only where
/// `authz::guardian_phones` allows.
pub struct GuardianView {
    /// The guardian; `phone` is emptied when hidden (see `phone_visible`).
    pub guardian: guardian::Model,
    /// Relation to the student.
    pub relation: String,
    /// Whether the caller sees this guardian's phone.
    pub phone_visible: bool,
}

/// A student's guardians. Listed for whoever sees the student except the
/// student themself; phone numbers only for the staff who contact the family
/// (school admin, the class's head teacher, the student's mentors) and, for
/// a parent, their own (decided by `authz::guardian_phones`).
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn list_guardians(ctx: &Ctx, student_id: Uuid) -> ApiResult<Vec<GuardianView>> {
    let s = super::students::get_student(ctx, student_id).await?.student;
    let caller = ctx.caller()?;
    if caller.has(Role::Student) && caller.roles.len() == 1 {
        return Err(ApiError::forbidden("学生账号不能查看家长联系方式"));
    }
    let phones = authz::guardian_phones(ctx, &s).await?;
    let me = caller.user_id;
    let school = ctx.school_id()?;
    let links = student_guardian::Entity::find()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(s.id))
        .all(ctx.db())
        .await?;
    let ids: Vec<Uuid> = links.iter().map(|l| l.guardian_id).collect();
    let gs: HashMap<Uuid, guardian::Model> = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    audit::record(ctx, "student.guardians.read", "student", Some(s.id), None).await?;
    Ok(links
        .into_iter()
        .filter_map(|l| {
            gs.get(&l.guardian_id).cloned().map(|mut g| {
                let phone_visible = phones.shows(g.user_id, me);
                if !phone_visible {
                    g.phone.clear();
                }
                GuardianView {
                    guardian: g,
                    relation: l.relation,
                    phone_visible,
                }
            })
        })
        .collect())
}

/// Adds a guardian to a student (reusing the school's guardian with the same phone).
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn add_guardian(
    ctx: &Ctx,
    student_id: Uuid,
    input: GuardianFields,
) -> ApiResult<guardian::Model> {
    let (district, school) = ctx.require_school_admin()?;
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    p.check("input.phone", validate::mobile(&input.phone));
    p.check("input.relation", validate::relation(&input.relation));
    p.finish()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let g = upsert_guardian(ctx, district, school, input.name.trim(), input.phone.trim()).await?;
    link_guardian(ctx, district, school, s.id, g.id, input.relation.trim()).await?;
    audit::record(ctx, "guardian.add", "student", Some(s.id), None).await?;
    Ok(g)
}

/// Finds the school's guardian by phone, or creates one.
#[tracing::instrument(skip_all, fields(district = %district, school = %school))]
pub async fn upsert_guardian(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    name: &str,
    phone: &str,
) -> ApiResult<guardian::Model> {
    if let Some(g) = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::Phone.eq(phone))
        .one(ctx.db())
        .await?
    {
        if g.name != name {
            let mut m = g.into_active_model();
            m.name = Set(name.into());
            return Ok(m.update(ctx.db()).await?);
        }
        return Ok(g);
    }
    Ok(guardian::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        name: Set(name.into()),
        phone: Set(phone.into()),
        user_id: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await?)
}

/// Links a guardian to a student (idempotent).
#[tracing::instrument(skip_all, fields(district = %district, school = %school, student_id = %student_id, guardian_id = %guardian_id))]
pub async fn link_guardian(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    student_id: Uuid,
    guardian_id: Uuid,
    relation: &str,
) -> ApiResult<bool> {
    let existing = student_guardian::Entity::find()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(student_id))
        .filter(student_guardian::Column::GuardianId.eq(guardian_id))
        .one(ctx.db())
        .await?;
    match existing {
        Some(l) if l.relation == relation => Ok(false),
        Some(l) => {
            let mut m = l.into_active_model();
            m.relation = Set(relation.into());
            m.update(ctx.db()).await?;
            Ok(false)
        }
        None => {
            student_guardian::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(school),
                student_id: Set(student_id),
                guardian_id: Set(guardian_id),
                relation: Set(relation.into()),
            }
            .insert(ctx.db())
            .await?;
            Ok(true)
        }
    }
}

/// Unlinks a guardian from a student.
#[tracing::instrument(skip_all, fields(student_id = %student_id, guardian_id = %guardian_id))]
pub async fn unlink_guardian(ctx: &Ctx, student_id: Uuid, guardian_id: Uuid) -> ApiResult<bool> {
    let (_, school) = ctx.require_school_admin()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let res = student_guardian::Entity::delete_many()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(s.id))
        .filter(student_guardian::Column::GuardianId.eq(guardian_id))
        .exec(ctx.db())
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::not_found("家长"));
    }
    audit::record(ctx, "guardian.unlink", "student", Some(s.id), None).await?;
    Ok(true)
}
