//! The surveys capability: the school admin builds, closes and reads the
//! results of surveys; parents and students answer the open surveys
//! addressed to them. Nobody reads a single response.

use shared::org::Role;
use shared::survey::Audience;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// May the caller build, close and read surveys of the school? The school
/// admin; answers with `(district, school)`.
pub fn may_manage_surveys(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// The audience the caller belongs to, if any (a parent, or a student).
pub fn audience_of(ctx: &Ctx) -> ApiResult<Option<Audience>> {
    let c = ctx.caller()?;
    Ok(if c.has(Role::Parent) {
        Some(Audience::Parents)
    } else if c.has(Role::Student) {
        Some(Audience::Students)
    } else {
        None
    })
}

/// May the caller answer a survey addressed to `audience`?
pub fn may_answer(ctx: &Ctx, audience: Audience) -> ApiResult<()> {
    if audience_of(ctx)? == Some(audience) {
        Ok(())
    } else {
        Err(ApiError::forbidden("这份问卷不是发给您的"))
    }
}
