//! Authorization in one place: role plus relationship. Is this teacher a
//! mentor of this student? The head teacher of the class? A parent of the
//! child? GraphQL resolvers and services both ask here, and nowhere else
//! decides who may do what: reading this folder audits access.
//!
//! This module holds what every capability shares (the students a caller
//! may see, the caller's relations, sensitive fields, the district admin,
//! introspection); one file per capability holds that capability's
//! questions, named as questions (`org::may_manage_school_roster`,
//! `policy::may_read_class_tasks`, `matching::may_run_matching`, …).

pub mod care;
pub mod lifecycle;
pub mod matching;
pub mod mentoring;
pub mod org;
pub mod paper;
pub mod policy;
pub mod surveys;

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use shared::org::Role;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, guardian, mentor_assignment, staff, student, student_guardian};
use crate::tenancy::{Caller, Ctx};

/// May the caller introspect the schema in production? Admins (school or
/// district) only; anyone may in development.
pub fn may_introspect(caller: Option<&Caller>) -> bool {
    caller.is_some_and(|c| c.has(Role::SchoolAdmin) || c.has(Role::DistrictAdmin))
}

/// Requires a district-level district admin; returns the district.
pub fn require_district_admin(ctx: &Ctx) -> ApiResult<Uuid> {
    let caller = ctx.require_any(&[Role::DistrictAdmin])?;
    if caller.school_id.is_some() {
        return Err(ApiError::forbidden("只有区教育局账号可以执行此操作"));
    }
    Ok(caller.district_id)
}

/// Which students of the caller's school the caller may see.
#[derive(Debug, Clone, Default)]
pub struct StudentScope {
    /// Every student of the school (school admin).
    pub all: bool,
    /// Whole classes (head teacher's class, grade leader's grades).
    pub class_ids: Vec<Uuid>,
    /// Individual students (mentees, children, self).
    pub student_ids: Vec<Uuid>,
}

impl StudentScope {
    /// The condition on `students` (always within the caller's school).
    pub fn condition(&self, district_id: Uuid, school_id: Uuid) -> Condition {
        let tenant = Condition::all()
            .add(student::Column::DistrictId.eq(district_id))
            .add(student::Column::SchoolId.eq(school_id));
        if self.all {
            return tenant;
        }
        let mut any = Condition::any();
        if !self.class_ids.is_empty() {
            any = any.add(student::Column::ClassId.is_in(self.class_ids.clone()));
        }
        if !self.student_ids.is_empty() {
            any = any.add(student::Column::Id.is_in(self.student_ids.clone()));
        }
        if self.class_ids.is_empty() && self.student_ids.is_empty() {
            // Nothing visible: a condition no row meets.
            any = any.add(student::Column::Id.is_null());
        }
        tenant.add(any)
    }

    /// Whether a student (already known to be in the caller's school) is visible.
    pub fn contains(&self, s: &student::Model) -> bool {
        self.all || self.class_ids.contains(&s.class_id) || self.student_ids.contains(&s.id)
    }
}

/// The caller's staff record in their school, if they are staff.
pub async fn my_staff(ctx: &Ctx) -> ApiResult<Option<staff::Model>> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(None);
    };
    Ok(staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::UserId.eq(caller.user_id))
        .one(ctx.db())
        .await?)
}

/// Students currently mentored by a staff member.
pub async fn mentee_ids(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<Uuid>> {
    let school = ctx.school_id()?;
    Ok(mentor_assignment::Entity::find()
        .select_only()
        .column(mentor_assignment::Column::StudentId)
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StaffId.eq(staff_id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .into_tuple()
        .all(ctx.db())
        .await?)
}

/// Students whose approved mentor team (导师团) the staff member is on: the
/// team's members hold a mentor's rights for that student (record work,
/// read and keep the growth file, every read audited as for any mentor).
/// Rows exist only for approved teams (`matching::teams::decide`, audited).
pub async fn team_student_ids(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<Uuid>> {
    use crate::matching::entities::team_member;
    let school = ctx.school_id()?;
    Ok(team_member::Entity::find()
        .select_only()
        .column(team_member::Column::StudentId)
        .filter(team_member::Column::SchoolId.eq(school))
        .filter(team_member::Column::StaffId.eq(staff_id))
        .into_tuple()
        .all(ctx.db())
        .await?)
}

/// Students the staff member mentors: current pairs and approved mentor
/// teams (the rights of a mentor; task responsibility stays with pairs).
pub async fn mentored_ids(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<Uuid>> {
    let mut ids = mentee_ids(ctx, staff_id).await?;
    for t in team_student_ids(ctx, staff_id).await? {
        if !ids.contains(&t) {
            ids.push(t);
        }
    }
    Ok(ids)
}

/// Classes whose head teacher is the staff member.
pub async fn head_of_classes(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<Uuid>> {
    let school = ctx.school_id()?;
    Ok(class::Entity::find()
        .select_only()
        .column(class::Column::Id)
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::HeadTeacherId.eq(staff_id))
        .into_tuple()
        .all(ctx.db())
        .await?)
}

/// Computes what the caller may see. District-level callers are refused:
/// the district sees aggregates only, never personal lists.
pub async fn student_scope(ctx: &Ctx) -> ApiResult<StudentScope> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Err(ApiError::forbidden(
            "区级账号只能查看汇总数据，不能查看学生名单",
        ));
    };
    let mut scope = StudentScope::default();
    if caller.has(Role::SchoolAdmin) {
        scope.all = true;
        return Ok(scope);
    }
    if caller.has(Role::GradeLeader) && !caller.grades.is_empty() {
        let ids: Vec<Uuid> = class::Entity::find()
            .select_only()
            .column(class::Column::Id)
            .filter(class::Column::SchoolId.eq(school))
            .filter(class::Column::Grade.is_in(caller.grades.clone()))
            .into_tuple()
            .all(ctx.db())
            .await?;
        scope.class_ids.extend(ids);
    }
    let staff_roles = [
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
        Role::GradeLeader,
    ];
    if staff_roles.iter().any(|r| caller.has(*r))
        && let Some(me) = my_staff(ctx).await?
    {
        if caller.has(Role::HeadTeacher) {
            scope.class_ids.extend(head_of_classes(ctx, me.id).await?);
        }
        scope.student_ids.extend(mentored_ids(ctx, me.id).await?);
    }
    if caller.has(Role::Parent) {
        scope.student_ids.extend(children_ids(ctx).await?);
    }
    if caller.has(Role::Student) {
        let me: Vec<Uuid> = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::UserId.eq(caller.user_id))
            .into_tuple()
            .all(ctx.db())
            .await?;
        scope.student_ids.extend(me);
    }
    scope.class_ids.sort_unstable();
    scope.class_ids.dedup();
    scope.student_ids.sort_unstable();
    scope.student_ids.dedup();
    Ok(scope)
}

/// The caller's children (as a parent).
pub async fn children_ids(ctx: &Ctx) -> ApiResult<Vec<Uuid>> {
    let caller = ctx.caller()?;
    let school = ctx.school_id()?;
    let guardians: Vec<Uuid> = guardian::Entity::find()
        .select_only()
        .column(guardian::Column::Id)
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::UserId.eq(caller.user_id))
        .into_tuple()
        .all(ctx.db())
        .await?;
    if guardians.is_empty() {
        return Ok(vec![]);
    }
    Ok(student_guardian::Entity::find()
        .select_only()
        .column(student_guardian::Column::StudentId)
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::GuardianId.is_in(guardians))
        .into_tuple()
        .all(ctx.db())
        .await?)
}

/// Whether the caller may read a student's sensitive information (family
/// situation, special needs): the school admin, the class's head teacher and
/// the student's mentors. Parents, students, grade leaders and the district
/// may not.
pub async fn may_read_sensitive(ctx: &Ctx, s: &student::Model) -> ApiResult<bool> {
    let caller = ctx.caller()?;
    if caller.school_id != Some(s.school_id) {
        return Ok(false);
    }
    if caller.has(Role::SchoolAdmin) {
        return Ok(true);
    }
    let Some(me) = my_staff(ctx).await? else {
        return Ok(false);
    };
    if caller.has(Role::HeadTeacher) && head_of_classes(ctx, me.id).await?.contains(&s.class_id) {
        return Ok(true);
    }
    if caller.has(Role::Mentor) || caller.has(Role::HeadTeacher) || caller.has(Role::Counsellor) {
        return Ok(mentored_ids(ctx, me.id).await?.contains(&s.id));
    }
    Ok(false)
}

/// Whose phone numbers the caller sees among a student's guardians.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardianPhones {
    /// Every guardian's (staff who contact the family: the school admin, the
    /// class's head teacher, the student's mentors under 归口管理).
    All,
    /// Only the caller's own (a parent sees their own contact details, never
    /// another guardian's number).
    OwnOnly,
}

impl GuardianPhones {
    /// Whether the phone of a guardian (with its login, if any) is shown.
    pub fn shows(self, guardian_user: Option<Uuid>, caller_user: Uuid) -> bool {
        match self {
            GuardianPhones::All => true,
            GuardianPhones::OwnOnly => guardian_user == Some(caller_user),
        }
    }
}

/// Decides which guardian phone numbers of a (visible) student the caller
/// sees: the staff who may read the student's sensitive information (see
/// [`may_read_sensitive`]) see all; everyone else (parents, grade leaders)
/// only their own.
pub async fn guardian_phones(ctx: &Ctx, s: &student::Model) -> ApiResult<GuardianPhones> {
    Ok(if may_read_sensitive(ctx, s).await? {
        GuardianPhones::All
    } else {
        GuardianPhones::OwnOnly
    })
}
