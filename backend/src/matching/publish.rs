//! Publishing a round to `mentor_assignments`, changing a mentor during
//! the year (动态调整), and what a student sees of their match.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::matching::Stage;
use uuid::Uuid;

use super::entities::{result, round};
use super::preview::check_reason;
use super::rounds::{
    DEFAULT_CAP, RoundStatus, RoundView, grade_mentors, grade_of, grade_students, load_round,
    my_student, round_view,
};
use crate::audit;
use crate::authz;
use crate::clock::today;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{mentor_assignment, staff, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Splits a student's open pairs into those to close and whether a pair
/// with `keep` is already open (it stays).
fn pairs_to_close(open: &[mentor_assignment::Model], keep: Option<Uuid>) -> (Vec<Uuid>, bool) {
    let mut kept = false;
    let mut close = vec![];
    for p in open {
        if Some(p.staff_id) == keep && !kept {
            kept = true;
        } else {
            close.push(p.id);
        }
    }
    (close, kept)
}

/// Closes pairs on `today` (history kept: `ends_on`, never a delete).
async fn close_pairs(ctx: &Ctx, ids: &[Uuid], today: NaiveDate) -> ApiResult<()> {
    for chunk in ids.chunks(500) {
        mentor_assignment::Entity::update_many()
            .col_expr(
                mentor_assignment::Column::EndsOn,
                sea_orm::sea_query::Expr::value(today),
            )
            .filter(mentor_assignment::Column::SchoolId.eq(ctx.school_id()?))
            .filter(mentor_assignment::Column::Id.is_in(chunk.to_vec()))
            .exec(ctx.db())
            .await?;
    }
    Ok(())
}

fn new_pair(
    s: &student::Model,
    staff_id: Uuid,
    stage: &str,
    today: NaiveDate,
) -> mentor_assignment::ActiveModel {
    mentor_assignment::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        staff_id: Set(staff_id),
        starts_on: Set(today),
        ends_on: Set(None),
        stage: Set(stage.into()),
        created_at: Set(Utc::now()),
    }
}

/// Publishes a previewed round (school admin): every placed student's
/// previous open pairs are closed today (history kept) and the new pair is
/// opened; a pair that does not change stays as it is. Students the preview
/// left unplaced keep their current mentor while that mentor stays within
/// the cap; otherwise that pair is closed too, so publishing never puts a
/// mentor over the cap.
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn publish(ctx: &Ctx, round_id: Uuid) -> ApiResult<RoundView> {
    authz::matching::may_run_matching(ctx)?;
    let r = load_round(ctx, round_id).await?;
    match RoundStatus::from_code(&r.status) {
        RoundStatus::Open => return Err(ApiError::conflict("请先生成匹配预览，再发布")),
        RoundStatus::Published => return Err(ApiError::conflict("本轮匹配已发布")),
        RoundStatus::Previewed => {}
    }
    let lines = result::Entity::find()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .all(ctx.db())
        .await?;
    let students: HashMap<Uuid, student::Model> = grade_students(ctx, r.grade)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    // Every open pair of the school: the grade's students' pairs are being
    // replaced; other pairs count against the cap.
    let mut open: HashMap<Uuid, Vec<mentor_assignment::Model>> = HashMap::new();
    let mut load: HashMap<Uuid, i32> = HashMap::new();
    for p in mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(r.school_id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?
    {
        if students.contains_key(&p.student_id) {
            open.entry(p.student_id).or_default().push(p);
        } else {
            *load.entry(p.staff_id).or_default() += 1;
        }
    }
    let today = today();
    let mut new_rows = vec![];
    let mut closing = vec![];
    let mut placed = HashSet::new();
    for l in &lines {
        let (Some(m), Some(s)) = (l.staff_id, students.get(&l.student_id)) else {
            continue;
        };
        placed.insert(s.id);
        *load.entry(m).or_default() += 1;
        let current = open.remove(&s.id).unwrap_or_default();
        let (close, kept) = pairs_to_close(&current, Some(m));
        closing.extend(close);
        if !kept {
            let stage = l
                .stage
                .clone()
                .unwrap_or_else(|| Stage::Manual.code().into());
            new_rows.push(new_pair(s, m, &stage, today));
        }
    }
    // Students left unplaced keep their current mentor while that mentor
    // stays within the cap; a pair that would break it is closed too.
    let mut rest: Vec<&student::Model> = students
        .values()
        .filter(|s| !placed.contains(&s.id))
        .collect();
    rest.sort_by(|a, b| a.student_no.cmp(&b.student_no));
    for s in rest {
        for p in open.remove(&s.id).unwrap_or_default() {
            let l = load.entry(p.staff_id).or_default();
            if *l < r.cap {
                *l += 1;
            } else {
                closing.push(p.id);
            }
        }
    }
    close_pairs(ctx, &closing, today).await?;
    for chunk in new_rows.chunks(200) {
        mentor_assignment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(ctx.db())
            .await?;
    }
    let mut am: round::ActiveModel = r.into();
    am.status = Set(RoundStatus::Published.code().into());
    am.published_at = Set(Some(Utc::now()));
    let r = am.update(ctx.db()).await?;
    audit::record(ctx, "matching.publish", "matching_round", Some(r.id), None).await?;
    crate::notify::events::enqueue(ctx, crate::notify::events::Event::MatchingPublished, r.id)
        .await?;
    round_view(ctx, r).await
}

/// The cap for a grade: that of its latest published round, else 15.
async fn grade_cap(ctx: &Ctx, grade: i32) -> ApiResult<i32> {
    Ok(round::Entity::find()
        .filter(round::Column::SchoolId.eq(ctx.school_id()?))
        .filter(round::Column::Grade.eq(grade))
        .filter(round::Column::Status.eq(RoundStatus::Published.code()))
        .order_by_desc(round::Column::PublishedAt)
        .one(ctx.db())
        .await?
        .map_or(DEFAULT_CAP, |r| r.cap))
}

/// The explanation a student sees after a mid-year change (the admin's
/// reason stays in the audit log).
pub const CHANGE_WHY: &str = "学期中学校动态调整了导师";

/// Changes a student's mentor during the year (动态调整, school admin): the
/// old pair is closed today, a new one opened; the mentor must teach the
/// student's grade and be qualified; the cap is enforced; audited with the
/// reason.
#[tracing::instrument(skip_all, fields(student_id = %student_id, mentor_id = %mentor_id))]
pub async fn change_mentor(
    ctx: &Ctx,
    student_id: Uuid,
    mentor_id: Uuid,
    reason: &str,
) -> ApiResult<bool> {
    authz::matching::may_run_matching(ctx)?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let m = one_in_school::<staff::Entity>(ctx, mentor_id, "导师").await?;
    let reason = check_reason(reason)?;
    let grade = grade_of(ctx, &s).await?;
    if !grade_mentors(ctx, grade)
        .await?
        .iter()
        .any(|g| g.staff.id == m.id && g.qualified())
    {
        return Err(ApiError::invalid(
            "mentorId",
            "该教师不任教该学生所在年级或暂不具备导师资格",
        ));
    }
    let open = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    if open.len() == 1 && open[0].staff_id == m.id {
        return Err(ApiError::conflict("该教师已是这名学生的导师"));
    }
    let cap = grade_cap(ctx, grade).await?;
    let load = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.school_id))
        .filter(mentor_assignment::Column::StaffId.eq(m.id))
        .filter(mentor_assignment::Column::StudentId.ne(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .count(ctx.db())
        .await? as i32;
    if load + 1 > cap {
        return Err(ApiError::conflict(format!(
            "{}的名额已满（上限{}名学生，已有{}名）",
            m.name, cap, load
        )));
    }
    let today = today();
    let (close, kept) = pairs_to_close(&open, Some(m.id));
    close_pairs(ctx, &close, today).await?;
    if !kept {
        new_pair(&s, m.id, Stage::Manual.code(), today)
            .insert(ctx.db())
            .await?;
    }
    audit::record(
        ctx,
        "matching.change_mentor",
        "student",
        Some(s.id),
        Some(reason),
    )
    .await?;
    Ok(true)
}

/// A student's current mentor with the explanation.
pub struct MyMatchView {
    /// The mentor.
    pub mentor: staff::Model,
    /// The stage that made the pair.
    pub stage: Option<Stage>,
    /// Which of the student's own choices the mentor was (1 = first).
    pub choice_no: Option<i32>,
    /// One line in Chinese.
    pub why: String,
    /// Since when.
    pub since: NaiveDate,
}

fn stage_of(code: &str) -> Option<Stage> {
    [
        Stage::Continuity,
        Stage::Preference,
        Stage::Club,
        Stage::Lottery,
        Stage::Fill,
        Stage::Manual,
    ]
    .into_iter()
    .find(|s| s.code() == code)
}

/// The calling student's current mentors with the explanation from the
/// published round that made each pair (students only).
#[tracing::instrument(skip_all)]
pub async fn my_match(ctx: &Ctx) -> ApiResult<Vec<MyMatchView>> {
    let me = my_student(ctx).await?;
    let open = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(me.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(me.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .order_by_asc(mentor_assignment::Column::StartsOn)
        .all(ctx.db())
        .await?;
    let published: Vec<Uuid> = round::Entity::find()
        .select_only()
        .column(round::Column::Id)
        .filter(round::Column::SchoolId.eq(me.school_id))
        .filter(round::Column::Status.eq(RoundStatus::Published.code()))
        .into_tuple()
        .all(ctx.db())
        .await?;
    let lines = result::Entity::find()
        .filter(result::Column::SchoolId.eq(me.school_id))
        .filter(result::Column::StudentId.eq(me.id))
        .filter(result::Column::RoundId.is_in(published))
        .all(ctx.db())
        .await?;
    let mut out = vec![];
    for p in open {
        let mentor = one_in_school::<staff::Entity>(ctx, p.staff_id, "导师").await?;
        let line = lines.iter().find(|l| l.staff_id == Some(p.staff_id));
        let (stage, choice_no, why) = match line {
            Some(l) => (
                l.stage.as_deref().and_then(stage_of),
                l.choice_no,
                l.why.clone(),
            ),
            None if p.stage == Stage::Manual.code() => {
                (Some(Stage::Manual), None, CHANGE_WHY.to_string())
            }
            None => (stage_of(&p.stage), None, "学校安排的导师".to_string()),
        };
        out.push(MyMatchView {
            mentor,
            stage,
            choice_no,
            why,
            since: p.starts_on,
        });
    }
    Ok(out)
}
