//! Students' ranked choices and mentors' preferences in a round.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::entities::{choice, mentor_pref};
use super::rounds::{
    GradeMentor, MAX_CHOICES, MAX_MENTOR_PREFS, RoundMethod, grade_mentors, grade_students,
    load_round, method_of, my_student, require_in_round, require_window,
};
use crate::authz;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// The qualified mentors a round's students may choose (name, subjects,
/// specialties — never their load).
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn eligible_mentors(ctx: &Ctx, round_id: Uuid) -> ApiResult<Vec<GradeMentor>> {
    let r = load_round(ctx, round_id).await?;
    Ok(grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .filter(GradeMentor::qualified)
        .collect())
}

/// Replaces the calling student's ranked choices (1–5 distinct eligible
/// mentors, first choice first).
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn submit_choices(
    ctx: &Ctx,
    round_id: Uuid,
    mentor_ids: Vec<Uuid>,
) -> ApiResult<Vec<GradeMentor>> {
    let me = my_student(ctx).await?;
    let r = load_round(ctx, round_id).await?;
    require_in_round(ctx, &r, &me).await?;
    if method_of(&r) != RoundMethod::TwoWay {
        return Err(ApiError::invalid(
            "roundId",
            "本轮匹配方式不需要填报志愿（自主选择请直接选导师）",
        ));
    }
    require_window(&r)?;
    let eligible: HashMap<Uuid, GradeMentor> = eligible_mentors(ctx, round_id)
        .await?
        .into_iter()
        .map(|m| (m.staff.id, m))
        .collect();
    let mut p = Problems::default();
    if mentor_ids.is_empty() {
        p.add("mentorIds", "请至少选择一位导师");
    }
    if mentor_ids.len() > MAX_CHOICES {
        p.add("mentorIds", format!("最多填报{MAX_CHOICES}个志愿"));
    }
    let mut seen = HashSet::new();
    for (i, id) in mentor_ids.iter().enumerate() {
        if !seen.insert(*id) {
            p.add(&format!("mentorIds[{i}]"), "同一位导师不能重复填报");
        } else if !eligible.contains_key(id) {
            p.add(&format!("mentorIds[{i}]"), "该教师不是本年级可选的导师");
        }
    }
    p.finish()?;
    choice::Entity::delete_many()
        .filter(choice::Column::SchoolId.eq(me.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .filter(choice::Column::StudentId.eq(me.id))
        .exec(ctx.db())
        .await?;
    let rows: Vec<choice::ActiveModel> = mentor_ids
        .iter()
        .enumerate()
        .map(|(i, m)| choice::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(me.district_id),
            school_id: Set(me.school_id),
            round_id: Set(r.id),
            student_id: Set(me.id),
            staff_id: Set(*m),
            position: Set(i as i32 + 1),
        })
        .collect();
    choice::Entity::insert_many(rows)
        .exec_without_returning(ctx.db())
        .await?;
    let mut eligible = eligible;
    Ok(mentor_ids
        .iter()
        .filter_map(|id| eligible.remove(id))
        .collect())
}

/// The calling student's choices in a round, first choice first.
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn my_choices(ctx: &Ctx, round_id: Uuid) -> ApiResult<Vec<GradeMentor>> {
    let me = my_student(ctx).await?;
    let r = load_round(ctx, round_id).await?;
    let rows = choice::Entity::find()
        .filter(choice::Column::SchoolId.eq(me.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .filter(choice::Column::StudentId.eq(me.id))
        .order_by_asc(choice::Column::Position)
        .all(ctx.db())
        .await?;
    let mut mentors: HashMap<Uuid, GradeMentor> = grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .map(|m| (m.staff.id, m))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|c| mentors.remove(&c.staff_id))
        .collect())
}

/// Replaces the calling mentor's ranking of students in a two-way round
/// (students of the round's grade, most preferred first).
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn submit_student_prefs(
    ctx: &Ctx,
    round_id: Uuid,
    student_ids: Vec<Uuid>,
) -> ApiResult<bool> {
    authz::matching::may_rank_students(ctx)?;
    let r = load_round(ctx, round_id).await?;
    let me = authz::my_staff(ctx)
        .await?
        .ok_or_else(|| ApiError::forbidden("此账号没有关联教师"))?;
    if method_of(&r) != RoundMethod::TwoWay {
        return Err(ApiError::invalid(
            "roundId",
            "只有双向选择的匹配轮次可以提交导师意向",
        ));
    }
    require_window(&r)?;
    let mine = grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .any(|m| m.staff.id == me.id && m.qualified());
    if !mine {
        return Err(ApiError::forbidden(
            "你不是本年级可选的导师，不能提交学生意向",
        ));
    }
    let in_grade: HashSet<Uuid> = grade_students(ctx, r.grade)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut p = Problems::default();
    if student_ids.len() > MAX_MENTOR_PREFS {
        p.add("studentIds", format!("最多填写{MAX_MENTOR_PREFS}名学生"));
    }
    let mut seen = HashSet::new();
    for (i, id) in student_ids.iter().enumerate() {
        if !seen.insert(*id) {
            p.add(&format!("studentIds[{i}]"), "同一名学生不能重复填写");
        } else if !in_grade.contains(id) {
            p.add(&format!("studentIds[{i}]"), "该学生不属于本轮匹配的年级");
        }
    }
    p.finish()?;
    mentor_pref::Entity::delete_many()
        .filter(mentor_pref::Column::SchoolId.eq(r.school_id))
        .filter(mentor_pref::Column::RoundId.eq(r.id))
        .filter(mentor_pref::Column::StaffId.eq(me.id))
        .exec(ctx.db())
        .await?;
    if !student_ids.is_empty() {
        let rows: Vec<mentor_pref::ActiveModel> = student_ids
            .iter()
            .enumerate()
            .map(|(i, s)| mentor_pref::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(r.district_id),
                school_id: Set(r.school_id),
                round_id: Set(r.id),
                staff_id: Set(me.id),
                student_id: Set(*s),
                position: Set(i as i32 + 1),
            })
            .collect();
        mentor_pref::Entity::insert_many(rows)
            .exec_without_returning(ctx.db())
            .await?;
    }
    Ok(true)
}
