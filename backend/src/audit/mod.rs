//! The audit log: who did or read what, when, and why. Every read of
//! sensitive personal information and every change to people's data writes
//! a record; records are append-only (the app role cannot update or delete
//! them on PostgreSQL).
//!
//! Within one request a record is kept once per actor, action, subject and
//! reason: a query that reads the same student's sensitive fields under
//! fifteen aliases is one read of one student, not fifteen records. Records
//! are buffered in the request's `Ctx` and written when it finishes
//! (`Ctx::finish`): with the request's changes for a mutation, in a write
//! transaction of their own after a query. A request whose records cannot
//! be written fails.

pub mod entity;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::tenancy::{Caller, Ctx};

/// Writes an audit record for the caller (or the system for operator commands).
#[tracing::instrument(skip_all)]
pub async fn record(
    ctx: &Ctx,
    action: &str,
    subject_type: &str,
    subject_id: Option<Uuid>,
    reason: Option<String>,
) -> ApiResult<()> {
    record_as(
        ctx,
        ctx.caller().ok(),
        action,
        subject_type,
        subject_id,
        reason,
    )
    .await
}

/// Writes an audit record for an explicit actor (e.g. the user just logged in).
#[tracing::instrument(skip_all)]
pub async fn record_as(
    ctx: &Ctx,
    caller: Option<&Caller>,
    action: &str,
    subject_type: &str,
    subject_id: Option<Uuid>,
    reason: Option<String>,
) -> ApiResult<()> {
    ctx.push_audit(entity::Model {
        id: Uuid::new_v4(),
        district_id: caller.map(|c| c.district_id),
        school_id: caller.and_then(|c| c.school_id),
        actor_user_id: caller.map(|c| c.user_id),
        actor_role: caller.map(|c| c.role_codes()).unwrap_or_default(),
        action: action.to_string(),
        subject_type: subject_type.to_string(),
        subject_id,
        reason,
        at: chrono::Utc::now(),
    });
    Ok(())
}

/// The audit trail of one record of the school (school admin).
#[tracing::instrument(skip_all, fields(subject_id = %subject_id))]
pub async fn trail(ctx: &Ctx, subject_id: Uuid) -> ApiResult<Vec<entity::Model>> {
    let (district, school) = ctx.require_school_admin()?;
    use entity as a;
    Ok(a::Entity::find()
        .filter(a::Column::DistrictId.eq(district))
        .filter(a::Column::SchoolId.eq(school))
        .filter(a::Column::SubjectId.eq(subject_id))
        .order_by_desc(a::Column::At)
        .limit(500)
        .all(ctx.db())
        .await?)
}
