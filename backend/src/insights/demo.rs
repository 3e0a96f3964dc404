//! Demo aggregates: the seeded school's indicators every fortnight of the
//! current term up to today, so the trends have a shape from the start.

use chrono::Duration;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::aggregate::{recompute_school, term_on};
use crate::org::entities::school;
use crate::tenancy::Ctx;

/// Recomputes a seeded school's rows (as the operator).
pub async fn seed_demo(ctx: &Ctx, school_id: Uuid) -> anyhow::Result<()> {
    let Some(s) = school::Entity::find_by_id(school_id).one(ctx.db()).await? else {
        return Ok(());
    };
    let today = crate::clock::today();
    let Some(t) = term_on(ctx, s.id, today)
        .await
        .map_err(crate::error::ApiError::into_anyhow)?
    else {
        return Ok(());
    };
    let mut day = t.starts_on + Duration::days(13);
    while day < today {
        recompute_school(ctx, &s, day)
            .await
            .map_err(crate::error::ApiError::into_anyhow)?;
        day += Duration::days(14);
    }
    recompute_school(ctx, &s, today)
        .await
        .map_err(crate::error::ApiError::into_anyhow)?;
    Ok(())
}
