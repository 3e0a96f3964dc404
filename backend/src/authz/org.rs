//! The organisation capability: who may manage a district's schools and its
//! school-admin accounts, who may manage a school's roster (terms, classes,
//! staff, students, roster import) and its accounts, who may list classes
//! and staff, and who sees a colleague's phone number.
//!
//! Each question answers with the tenant it allows (or `()`), or
//! `FORBIDDEN` naming who may.

use shared::org::Role;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::tenancy::Ctx;

/// Roles that work with classes: every staff role of a school.
const STAFF_ROLES: [Role; 5] = [
    Role::SchoolAdmin,
    Role::GradeLeader,
    Role::HeadTeacher,
    Role::Mentor,
    Role::Counsellor,
];

/// May the caller create and edit the district's schools? The district
/// admin (district level); answers with the district.
pub fn may_manage_district_schools(ctx: &Ctx) -> ApiResult<Uuid> {
    super::require_district_admin(ctx)
}

/// May the caller create school-admin accounts? The district admin
/// (district level); answers with the district.
pub fn may_create_school_admins(ctx: &Ctx) -> ApiResult<Uuid> {
    super::require_district_admin(ctx)
}

/// May the caller manage the school's roster (terms, classes, staff and
/// teaching, students, imports)? The school admin; answers with
/// `(district, school)`.
pub fn may_manage_school_roster(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller create accounts of the school's people and grant or
/// revoke their roles? The school admin; answers with `(district, school)`.
pub fn may_manage_school_accounts(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller list the school's classes? Every staff role.
pub fn may_list_classes(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&STAFF_ROLES).map(|_| ())
}

/// May the caller list the school's staff? The school admin, grade leaders
/// and head teachers.
pub fn may_list_staff(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[Role::SchoolAdmin, Role::GradeLeader, Role::HeadTeacher])
        .map(|_| ())
}

/// May the caller see staff members' phone numbers in the staff list? The
/// school admin only (the other roles that list staff see no phones).
pub fn may_see_staff_phones(ctx: &Ctx) -> ApiResult<bool> {
    Ok(ctx.caller()?.has(Role::SchoolAdmin))
}

/// Which schools the caller may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolsVisible {
    /// Their own school (any school user).
    Own(Uuid),
    /// Every school of the district, with counts only (the district admin).
    District,
    /// None (a district-level account without the district admin role).
    Nothing,
}

/// Which schools may the caller list? Answers with the district too.
pub fn which_schools_visible(ctx: &Ctx) -> ApiResult<(Uuid, SchoolsVisible)> {
    let caller = ctx.caller()?;
    let seen = if let Some(own) = caller.school_id {
        SchoolsVisible::Own(own)
    } else if caller.has(Role::DistrictAdmin) {
        SchoolsVisible::District
    } else {
        SchoolsVisible::Nothing
    };
    Ok((caller.district_id, seen))
}
