//! The matching capability: who may run a round (open, preview, adjust,
//! publish, mid-year change), who may choose mentors, who may rank
//! students. Seeing a round's pairs and a student's match follows
//! [`super::student_scope`].

use shared::org::Role;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::tenancy::{Caller, Ctx};

/// May the caller run the school's matching (open rounds, preview, adjust,
/// publish, change a pair mid-year)? The school admin; answers with
/// `(district, school)`.
pub fn may_run_matching(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller choose mentors (or take a place in a rush) as a student?
/// Students; answers with the caller.
pub fn may_choose_mentors(ctx: &Ctx) -> ApiResult<&Caller> {
    ctx.require_any(&[Role::Student])
}

/// May the caller rank the students of a two-way round? Mentors, head
/// teachers and counsellors (who must have a staff record).
pub fn may_rank_students(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[Role::Mentor, Role::HeadTeacher, Role::Counsellor])
        .map(|_| ())
}
