//! The lifecycle capability (qualification steps, the termly assessment):
//! who may run, adjust, publish and export an assessment, record a teacher's
//! standing, and read results. Nobody but the school admin sees another
//! mentor's numbers; a mentor sees their own published results; the district
//! sees counts per school only.

use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// May the caller run, adjust, publish and export the school's assessment?
/// The school admin; answers with `(district, school)`.
pub fn may_manage_assessment(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller record a teacher's training, probation and appointment?
/// The school admin; answers with `(district, school)`.
pub fn may_manage_qualification(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller read a teacher's qualification history? The school admin,
/// or the teacher themself (`own_staff` is the caller's staff id).
pub fn may_read_qualification(ctx: &Ctx, staff_id: Uuid, own_staff: Option<Uuid>) -> ApiResult<()> {
    if ctx.require_school_admin().is_ok() || own_staff == Some(staff_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden("只能查看本人的培训与聘任记录"))
    }
}

/// May the caller read the assessment counts of the district's schools? The
/// district admin at district level; answers with the district.
pub fn may_count_district_assessments(ctx: &Ctx) -> ApiResult<Uuid> {
    super::require_district_admin(ctx)
}
