//! The self-selection rush (学生线上自主选择): students of a grade pick a
//! mentor first come, first served within quotas.
//!
//! # Guarantees, enforced by the database (never in process memory)
//! - **No student holds two places**: `rush_places` has a UNIQUE index on
//!   `(round_id, student_id)`; the second insert fails (on PostgreSQL it
//!   waits for the first transaction, then fails) and the request rolls back.
//! - **No mentor passes the quota**: the place is counted with one atomic
//!   conditional update, `UPDATE rush_quotas SET taken = taken + 1 WHERE
//!   round_id = ? AND staff_id = ? AND taken < quota`; zero rows affected
//!   means the mentor is full and the whole request (the place included)
//!   rolls back. On PostgreSQL concurrent updates of the same row queue on
//!   its row lock and re-check `taken < quota` on the newest version, so any
//!   number of server replicas stay correct. A CHECK constraint
//!   (`taken <= quota`) backs it up.
//! - Every request locks in the same order (place, then counter) and holds
//!   the counter lock last, so there is no deadlock.
//! - On SQLite (one process) writers are serialised; the request takes the
//!   write lock first (every mutation does, see `tenancy::Ctx::begin_for_write`)
//!   so that its reads and writes see one state.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::entities::{round, rush_place, rush_quota};
use super::rounds::{
    GradeMentor, RoundMethod, RoundStatus, grade_mentors, load_round, method_of, my_student,
    require_window,
};
use crate::error::{ApiError, ApiResult};
use crate::org::entities::class;
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// A mentor with places left in a rush.
pub struct PlacesView {
    /// The mentor (name, subjects, specialties).
    pub mentor: GradeMentor,
    /// Places left.
    pub left: i32,
}

async fn rush_round(ctx: &Ctx, round_id: Uuid) -> ApiResult<round::Model> {
    let r = load_round(ctx, round_id).await?;
    if method_of(&r) != RoundMethod::SelfSelection {
        return Err(ApiError::invalid(
            "roundId",
            "本轮不是学生线上自主选择，不能直接选导师",
        ));
    }
    Ok(r)
}

/// The calling student takes a place with a mentor (students only). When
/// the mentor is full: `CONFLICT`, nothing changes, and
/// [`mentors_with_places`] lists who still has places.
#[tracing::instrument(skip_all, fields(round_id = %round_id, mentor_id = %mentor_id))]
pub async fn select_mentor(ctx: &Ctx, round_id: Uuid, mentor_id: Uuid) -> ApiResult<GradeMentor> {
    let me = my_student(ctx).await?;
    let r = rush_round(ctx, round_id).await?;
    let grade = one_in_school::<class::Entity>(ctx, me.class_id, "班级")
        .await?
        .grade;
    if grade != r.grade {
        return Err(ApiError::forbidden("你不属于本轮选择的年级"));
    }
    if RoundStatus::from_code(&r.status) != RoundStatus::Open {
        return Err(ApiError::conflict("本轮自主选择已结束，请等待学校公布结果"));
    }
    require_window(&r)?;
    let quota = rush_quota::Entity::find()
        .filter(rush_quota::Column::SchoolId.eq(r.school_id))
        .filter(rush_quota::Column::RoundId.eq(r.id))
        .filter(rush_quota::Column::StaffId.eq(mentor_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("导师"))?;
    if quota.taken >= quota.quota {
        // Fast refusal from a plain read; a stale read can only say "room"
        // wrongly, and the conditional update below catches that.
        return Err(full());
    }
    let held = rush_place::Entity::find()
        .filter(rush_place::Column::SchoolId.eq(r.school_id))
        .filter(rush_place::Column::RoundId.eq(r.id))
        .filter(rush_place::Column::StudentId.eq(me.id))
        .one(ctx.db())
        .await?;
    if held.is_some() {
        return Err(ApiError::conflict("你已经选定了导师，不能重复选择"));
    }
    let inserted = rush_place::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(r.district_id),
        school_id: Set(r.school_id),
        round_id: Set(r.id),
        student_id: Set(me.id),
        staff_id: Set(quota.staff_id),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await;
    if let Err(e) = inserted {
        return Err(match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::conflict("你已经选定了导师，不能重复选择")
            }
            _ => e.into(),
        });
    }
    let counted = rush_quota::Entity::update_many()
        .col_expr(
            rush_quota::Column::Taken,
            Expr::col(rush_quota::Column::Taken).add(1),
        )
        .filter(rush_quota::Column::Id.eq(quota.id))
        .filter(Expr::col(rush_quota::Column::Taken).lt(Expr::col(rush_quota::Column::Quota)))
        .exec(ctx.db())
        .await?;
    if counted.rows_affected != 1 {
        // The request's transaction rolls back, the place with it.
        return Err(full());
    }
    grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .find(|m| m.staff.id == quota.staff_id)
        .ok_or_else(|| ApiError::not_found("导师"))
}

fn full() -> ApiError {
    ApiError::conflict("这位导师的名额已满，请从仍有名额的导师中重新选择")
}

/// The mentors of a rush who still have places (any member of the school).
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn mentors_with_places(ctx: &Ctx, round_id: Uuid) -> ApiResult<Vec<PlacesView>> {
    let r = rush_round(ctx, round_id).await?;
    let quotas = rush_quota::Entity::find()
        .filter(rush_quota::Column::SchoolId.eq(r.school_id))
        .filter(rush_quota::Column::RoundId.eq(r.id))
        .filter(Expr::col(rush_quota::Column::Taken).lt(Expr::col(rush_quota::Column::Quota)))
        .order_by_asc(rush_quota::Column::StaffId)
        .all(ctx.db())
        .await?;
    let mut mentors: std::collections::HashMap<Uuid, GradeMentor> = grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .map(|m| (m.staff.id, m))
        .collect();
    let mut out: Vec<PlacesView> = quotas
        .into_iter()
        .filter_map(|q| {
            mentors.remove(&q.staff_id).map(|m| PlacesView {
                mentor: m,
                left: q.quota - q.taken,
            })
        })
        .collect();
    out.sort_by(|a, b| a.mentor.staff.staff_no.cmp(&b.mentor.staff.staff_no));
    Ok(out)
}

/// The calling student's place in a rush, if any.
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn my_place(ctx: &Ctx, round_id: Uuid) -> ApiResult<Option<GradeMentor>> {
    let me = my_student(ctx).await?;
    let r = rush_round(ctx, round_id).await?;
    let Some(p) = rush_place::Entity::find()
        .filter(rush_place::Column::SchoolId.eq(r.school_id))
        .filter(rush_place::Column::RoundId.eq(r.id))
        .filter(rush_place::Column::StudentId.eq(me.id))
        .one(ctx.db())
        .await?
    else {
        return Ok(None);
    };
    Ok(grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .find(|m| m.staff.id == p.staff_id))
}
