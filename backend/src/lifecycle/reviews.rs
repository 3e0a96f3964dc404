//! Reviewers' views of mentors (班主任评价 / 年级组长评价) within a term's
//! review window, and who sees which mentor's assessment: the school admin
//! every mentor's, a grade leader the published results of their grade's
//! mentors, a mentor only their own (`assessment::my_assessments`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use shared::mentor_assessment::ViewTally;
use shared::mentor_assessment::review::{
    ReviewerRole, check_review, tally, window_open, window_opens,
};
use shared::org::Role;
use uuid::Uuid;

use super::assessment::{self, RunView};
use super::entities::{assessment_run, mentor_review};
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::org::entities::{class, mentor_assignment, staff, student, term};
use crate::tenancy::{Ctx, one_in_school};

/// A mentor the caller may review, with the caller's view if given.
pub struct Target {
    /// The mentor.
    pub staff: staff::Model,
    /// The caller's students with this mentor in the term.
    pub students: u32,
    /// The caller's view (score, comment).
    pub mine: Option<mentor_review::Model>,
}

/// The caller's review sheet of a term in one role.
pub struct Sheet {
    /// The term.
    pub term: term::Model,
    /// The role reviewed in.
    pub role: ReviewerRole,
    /// First day of the window.
    pub opens_on: NaiveDate,
    /// Views may be given now.
    pub open: bool,
    /// The mentors, by name.
    pub targets: Vec<Target>,
}

/// Mentors (staff id → students held) of the given students during the term.
async fn mentors_of(
    ctx: &Ctx,
    t: &term::Model,
    students: Vec<Uuid>,
) -> ApiResult<BTreeMap<Uuid, u32>> {
    let mut out = BTreeMap::new();
    if students.is_empty() {
        return Ok(out);
    }
    for a in mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(t.school_id))
        .filter(mentor_assignment::Column::StudentId.is_in(students))
        .filter(mentor_assignment::Column::StartsOn.lte(t.ends_on))
        .all(ctx.db())
        .await?
    {
        if a.ends_on.is_none_or(|e| e >= t.starts_on) {
            *out.entry(a.staff_id).or_default() += 1;
        }
    }
    Ok(out)
}

async fn students_of_classes(ctx: &Ctx, school: Uuid, classes: Vec<Uuid>) -> ApiResult<Vec<Uuid>> {
    if classes.is_empty() {
        return Ok(vec![]);
    }
    Ok(student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::ClassId.is_in(classes))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

/// The mentors of the students of the given grades in the term.
pub async fn mentors_of_grades(
    ctx: &Ctx,
    t: &term::Model,
    grades: &[i32],
) -> ApiResult<BTreeMap<Uuid, u32>> {
    if grades.is_empty() {
        return Ok(BTreeMap::new());
    }
    let classes: Vec<Uuid> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(t.school_id))
        .filter(class::Column::Grade.is_in(grades.to_vec()))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let students = students_of_classes(ctx, t.school_id, classes).await?;
    mentors_of(ctx, t, students).await
}

/// The mentors the caller may review in `role` for the term (never the
/// caller themself); forbidden without the role.
async fn reviewable(
    ctx: &Ctx,
    t: &term::Model,
    role: ReviewerRole,
) -> ApiResult<BTreeMap<Uuid, u32>> {
    let caller = ctx.caller()?;
    let me = authz::my_staff(ctx).await?;
    let mut out = match role {
        ReviewerRole::HeadTeacher => {
            if !caller.has(Role::HeadTeacher) {
                return Err(ApiError::forbidden("只有班主任可以评价本班学生的导师"));
            }
            let Some(me) = &me else {
                return Ok(BTreeMap::new());
            };
            let classes = authz::head_of_classes(ctx, me.id).await?;
            let students = students_of_classes(ctx, t.school_id, classes).await?;
            mentors_of(ctx, t, students).await?
        }
        ReviewerRole::GradeLeader => {
            if !caller.has(Role::GradeLeader) || caller.grades.is_empty() {
                return Err(ApiError::forbidden("只有年级组长可以评价本年级的导师"));
            }
            mentors_of_grades(ctx, t, &caller.grades).await?
        }
    };
    if let Some(me) = me {
        out.remove(&me.id);
    }
    Ok(out)
}

async fn published(ctx: &Ctx, t: &term::Model) -> ApiResult<bool> {
    Ok(assessment_run::Entity::find()
        .filter(assessment_run::Column::SchoolId.eq(t.school_id))
        .filter(assessment_run::Column::TermId.eq(t.id))
        .one(ctx.db())
        .await?
        .is_some_and(|r| r.status == "published"))
}

/// The caller's review sheet (head teacher or grade leader).
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
pub async fn sheet(
    ctx: &Ctx,
    term_id: Uuid,
    role: ReviewerRole,
    today: NaiveDate,
) -> ApiResult<Sheet> {
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let mentors = reviewable(ctx, &t, role).await?;
    let user = ctx.caller()?.user_id;
    let ids: Vec<Uuid> = mentors.keys().copied().collect();
    let mut mine: HashMap<Uuid, mentor_review::Model> = mentor_review::Entity::find()
        .filter(mentor_review::Column::SchoolId.eq(t.school_id))
        .filter(mentor_review::Column::TermId.eq(t.id))
        .filter(mentor_review::Column::ReviewerId.eq(user))
        .filter(mentor_review::Column::Role.eq(role.code()))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|r| (r.staff_id, r))
        .collect();
    let mut targets: Vec<Target> = if ids.is_empty() {
        vec![]
    } else {
        staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(t.school_id))
            .filter(staff::Column::Id.is_in(ids))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|s| Target {
                students: mentors.get(&s.id).copied().unwrap_or(0),
                mine: mine.remove(&s.id),
                staff: s,
            })
            .collect()
    };
    targets.sort_by(|a, b| {
        a.staff
            .name
            .cmp(&b.staff.name)
            .then(a.staff.id.cmp(&b.staff.id))
    });
    Ok(Sheet {
        open: window_open(t.ends_on, today, published(ctx, &t).await?),
        opens_on: window_opens(t.ends_on),
        term: t,
        role,
        targets,
    })
}

/// Gives (or revises) the caller's view of a mentor while the window is
/// open (audited).
#[tracing::instrument(skip_all, fields(term_id = %term_id, staff_id = %staff_id))]
pub async fn save(
    ctx: &Ctx,
    term_id: Uuid,
    staff_id: Uuid,
    role: ReviewerRole,
    score: i32,
    comment: String,
    today: NaiveDate,
) -> ApiResult<mentor_review::Model> {
    let mut p = Problems::default();
    for v in check_review(score, &comment) {
        p.add(&v.path, v.message_zh);
    }
    p.finish()?;
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let mentors = reviewable(ctx, &t, role).await?;
    if !mentors.contains_key(&staff_id) {
        return Err(ApiError::forbidden(
            "只能评价与本班（本年级）学生结对的导师",
        ));
    }
    if !window_open(t.ends_on, today, published(ctx, &t).await?) {
        return Err(ApiError::conflict(format!(
            "评价时间为{}起至考核结果发布",
            window_opens(t.ends_on)
        )));
    }
    let caller = ctx.caller()?;
    let existing = mentor_review::Entity::find()
        .filter(mentor_review::Column::SchoolId.eq(t.school_id))
        .filter(mentor_review::Column::TermId.eq(t.id))
        .filter(mentor_review::Column::StaffId.eq(staff_id))
        .filter(mentor_review::Column::ReviewerId.eq(caller.user_id))
        .filter(mentor_review::Column::Role.eq(role.code()))
        .one(ctx.db())
        .await?;
    let comment = comment.trim().to_string();
    let row = match existing {
        Some(r) => {
            let mut a = r.into_active_model();
            a.score = Set(score);
            a.comment = Set(comment);
            a.updated_at = Set(Utc::now());
            a.update(ctx.db()).await?
        }
        None => {
            mentor_review::ActiveModel::from(mentor_review::Model {
                id: Uuid::new_v4(),
                district_id: t.district_id,
                school_id: t.school_id,
                term_id: t.id,
                staff_id,
                reviewer_id: caller.user_id,
                role: role.code().into(),
                score,
                comment,
                updated_at: Utc::now(),
            })
            .insert(ctx.db())
            .await?
        }
    };
    audit::record(
        ctx,
        "review_mentor",
        "staff",
        Some(staff_id),
        Some(role.code().into()),
    )
    .await?;
    Ok(row)
}

/// Head teachers' and grade leaders' tallies per mentor of a term (for the
/// assessment run).
pub async fn tallies(
    ctx: &Ctx,
    school: Uuid,
    term_id: Uuid,
) -> ApiResult<HashMap<Uuid, (ViewTally, ViewTally)>> {
    let mut scores: HashMap<(Uuid, ReviewerRole), Vec<i32>> = HashMap::new();
    for r in mentor_review::Entity::find()
        .filter(mentor_review::Column::SchoolId.eq(school))
        .filter(mentor_review::Column::TermId.eq(term_id))
        .all(ctx.db())
        .await?
    {
        if let Some(role) = ReviewerRole::from_code(&r.role) {
            scores.entry((r.staff_id, role)).or_default().push(r.score);
        }
    }
    let mut out: HashMap<Uuid, (ViewTally, ViewTally)> = HashMap::new();
    for ((staff, role), s) in scores {
        let e = out.entry(staff).or_default();
        match role {
            ReviewerRole::HeadTeacher => e.0 = tally(&s),
            ReviewerRole::GradeLeader => e.1 = tally(&s),
        }
    }
    Ok(out)
}

/// The published results of the caller's grade's mentors (grade leader);
/// none of any other mentor. `None` when the term is not published.
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
pub async fn grade_assessment(ctx: &Ctx, term_id: Uuid) -> ApiResult<Option<RunView>> {
    let caller = ctx.caller()?;
    if !caller.has(Role::GradeLeader) || caller.grades.is_empty() {
        return Err(ApiError::forbidden(
            "只有年级组长可以查看本年级导师的考核结果",
        ));
    }
    let grades = caller.grades.clone();
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let Some(run) = assessment_run::Entity::find()
        .filter(assessment_run::Column::SchoolId.eq(t.school_id))
        .filter(assessment_run::Column::TermId.eq(t.id))
        .filter(assessment_run::Column::Status.eq("published"))
        .one(ctx.db())
        .await?
    else {
        return Ok(None);
    };
    let mine: BTreeSet<Uuid> = mentors_of_grades(ctx, &t, &grades)
        .await?
        .into_keys()
        .collect();
    let mut v = assessment::run_view(ctx, run).await?;
    v.results.retain(|(r, _)| mine.contains(&r.staff_id));
    audit::record(
        ctx,
        "read_grade_assessment",
        "assessment_run",
        Some(v.run.id),
        Some(format!("{grades:?}")),
    )
    .await?;
    Ok(Some(v))
}
