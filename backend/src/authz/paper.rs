//! The paper capability (exports, printable documents, awards): who may ask
//! for which file, and who may nominate and publish 优秀导师.
//!
//! A file is built by a background job acting with exactly the rights of
//! the user who asked (the same service functions, the same checks), and it
//! is served only to that user; these checks refuse early, at the request,
//! so that a refused request leaves no job behind.

use shared::org::Role;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// May the caller export the school's task completion? The school admin
/// (every grade) or a grade leader (their grades): `None` means every grade.
pub fn may_export_tasks(ctx: &Ctx) -> ApiResult<Option<Vec<i32>>> {
    super::policy::which_grades_countable(ctx)
}

/// May the caller export school-wide tables (matching results, survey
/// results, the term summary)? The school admin.
pub fn may_export_school(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller export contact logs? Staff who see contacts on their page
/// (the service narrows the rows to what that page shows them).
pub fn may_export_contacts(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
    ])?;
    Ok(())
}

/// May the caller nominate 优秀导师 and publish the list? The school admin.
pub fn may_manage_awards(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller read an award (and print its certificate)? The school
/// admin, or the mentor themself once the list is published.
pub fn may_read_award(
    ctx: &Ctx,
    award_staff: Uuid,
    published: bool,
    own_staff: Option<Uuid>,
) -> ApiResult<()> {
    if ctx.require_school_admin().is_ok() || (published && own_staff == Some(award_staff)) {
        Ok(())
    } else {
        Err(ApiError::not_found("表彰"))
    }
}

/// May the caller read the district's award counts? The district admin at
/// district level.
pub fn may_count_district_awards(ctx: &Ctx) -> ApiResult<Uuid> {
    super::require_district_admin(ctx)
}
