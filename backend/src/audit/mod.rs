//! The audit log: who did or read what, when, and why. Every read of
//! sensitive personal information and every change to people's data writes
//! a record; records are append-only (the app role cannot update or delete
//! them on PostgreSQL).
//!
//! Within one request a record is written once per actor, action, subject
//! and reason: a query that reads the same student's sensitive fields under
//! fifteen aliases is one read of one student, not fifteen records.

pub mod entity;

use std::collections::HashSet;
use std::future::Future;
use std::sync::Mutex;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::tenancy::{Caller, Ctx};

type Key = (Option<Uuid>, String, String, Option<Uuid>, Option<String>);

tokio::task_local! {
    /// The records written so far by the request running on this task.
    static WRITTEN: Mutex<HashSet<Key>>;
}

/// Runs one request: records repeated within it are written once.
/// (Outside such a scope, e.g. operator commands, every record is written.)
pub async fn per_request<F: Future>(f: F) -> F::Output {
    WRITTEN.scope(Mutex::new(HashSet::new()), f).await
}

/// Whether this record is new in the current request (and remembers it).
fn first_in_request(key: Key) -> bool {
    WRITTEN
        .try_with(|seen| {
            seen.lock()
                .map(|mut s| s.insert(key.clone()))
                .unwrap_or(true)
        })
        .unwrap_or(true)
}

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
    let key = (
        caller.map(|c| c.user_id),
        action.to_string(),
        subject_type.to_string(),
        subject_id,
        reason.clone(),
    );
    if !first_in_request(key) {
        return Ok(());
    }
    let row = entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(caller.map(|c| c.district_id)),
        school_id: Set(caller.and_then(|c| c.school_id)),
        actor_user_id: Set(caller.map(|c| c.user_id)),
        actor_role: Set(caller.map(|c| c.role_codes()).unwrap_or_default()),
        action: Set(action.to_string()),
        subject_type: Set(subject_type.to_string()),
        subject_id: Set(subject_id),
        reason: Set(reason),
        at: Set(chrono::Utc::now()),
    };
    // No RETURNING: the app role may append records it is not allowed to read back.
    entity::Entity::insert(row)
        .exec_without_returning(ctx.db())
        .await?;
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
