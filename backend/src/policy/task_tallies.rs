//! Per-mentor and per-class figures over a school's term (split from
//! `tasks.rs`): the assessment's task tallies, the daily digest's open
//! counts and the dashboard's breakdown by grade, class and mentor.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::tasks::{StatusCounts, StatusTable, StudentTerm, TaskEngine};
use uuid::Uuid;

use super::tasks::{Applied, Loaded, applied_policy, engine_error, evaluate, load, term_by_date};
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{student, term};
use crate::tenancy::Ctx;

/// What one mentor's students' tasks say at the end of a term, for the
/// mentor assessment: requirements whose window closed (or that were met)
/// with the mentor responsible, how many were met, and the unmet ones by kind.
#[derive(Debug, Clone, Default)]
pub struct MentorTaskTally {
    /// Requirements that fell due (window closed, or met early).
    pub due: u32,
    /// Of those, met.
    pub met: u32,
    /// Unmet requirements by kind.
    pub gaps: BTreeMap<shared::tasks::RequirementKind, u32>,
    /// Students held in the term.
    pub students: u32,
}

/// Every student of the term's school, loaded and judged under `applied`
/// on `today` (one row of statuses per loaded student, in order).
async fn evaluate_school(
    ctx: &Ctx,
    t: &term::Model,
    applied: &Applied,
    today: NaiveDate,
) -> ApiResult<(Loaded, StatusTable)> {
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(t.school_id))
        .all(ctx.db())
        .await?;
    let loaded = load(ctx, t, students, true).await?;
    let engine = TaskEngine::new(
        &applied.rules,
        &loaded.year,
        &t.id.to_string(),
        &loaded.activities,
        &loaded.growth,
        today,
    )
    .map_err(engine_error)?;
    let terms: Vec<StudentTerm> = loaded
        .students
        .iter()
        .map(|(_, _, st)| st.clone())
        .collect();
    let table = engine.evaluate_all(&terms);
    Ok((loaded, table))
}

/// Every mentor's task tally over a whole school's term, judged on `today`
/// (the caller has been authorised for the school's assessment). Keys are
/// staff ids.
#[tracing::instrument(skip_all, fields(term = %t.id))]
pub async fn mentor_task_tallies(
    ctx: &Ctx,
    t: &term::Model,
    today: NaiveDate,
) -> ApiResult<(Applied, HashMap<Uuid, MentorTaskTally>)> {
    use shared::tasks::{Responsible, StatusCode};
    let applied = applied_policy(ctx, t.district_id, t.school_id, t, today).await?;
    let (loaded, table) = evaluate_school(ctx, t, &applied, today).await?;
    let terms: Vec<StudentTerm> = loaded.students.into_iter().map(|(_, _, st)| st).collect();
    let mut out: HashMap<Uuid, MentorTaskTally> = HashMap::new();
    for (i, st) in terms.iter().enumerate() {
        let mut held: HashSet<Uuid> = HashSet::new();
        for a in &st.assignments {
            if a.from <= t.ends_on
                && a.until.is_none_or(|u| u >= t.starts_on)
                && let Ok(m) = Uuid::parse_str(&a.mentor_id)
            {
                held.insert(m);
            }
        }
        for m in held {
            out.entry(m).or_default().students += 1;
        }
        for r in table.student_rows(i) {
            let Responsible::Mentor(k) = r.responsible else {
                continue;
            };
            let Some(m) = st
                .assignments
                .get(usize::from(k))
                .and_then(|a| Uuid::parse_str(&a.mentor_id).ok())
            else {
                continue;
            };
            let e = out.entry(m).or_default();
            match r.status {
                StatusCode::Done => {
                    e.due += 1;
                    e.met += 1;
                }
                StatusCode::Overdue => {
                    e.due += 1;
                    *e.gaps.entry(r.kind).or_default() += 1;
                }
                StatusCode::Due | StatusCode::NotApplicable => {}
            }
        }
    }
    Ok((applied, out))
}

/// What one mentor has open in the school's current term (issue 14's daily
/// digest): counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentorDigest {
    /// Requirements whose window closes within the lead time.
    pub due_soon: u32,
    /// Requirements whose window closed unmet.
    pub overdue: u32,
}

/// Per responsible mentor (staff id) of the context's school: open tasks
/// due within the policy's `due_soon_days` and overdue ones on `today`, as
/// the engine judges them (a mentor who did the task has nothing), and that
/// lead time. Empty when the school has no term or no policy in effect.
/// For the reminder job.
#[tracing::instrument(skip_all)]
pub async fn mentor_digests(
    ctx: &Ctx,
    today: NaiveDate,
) -> ApiResult<(BTreeMap<Uuid, MentorDigest>, u32)> {
    let school = ctx.school_id()?;
    let Some(t) = term_by_date(ctx, school, today).await? else {
        return Ok((BTreeMap::new(), 0));
    };
    if today < t.starts_on || today > t.ends_on {
        return Ok((BTreeMap::new(), 0));
    }
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?;
    let tasks = match evaluate(ctx, t, students, today).await {
        Ok(t) => t,
        Err(ApiError::NotFound(_)) => return Ok((BTreeMap::new(), 0)),
        Err(e) => return Err(e),
    };
    let lead = tasks.applied.rules.tasks.due_soon_days;
    let horizon = today + Duration::days(i64::from(lead));
    let mut out: BTreeMap<Uuid, MentorDigest> = BTreeMap::new();
    for st in &tasks.students {
        for r in &st.requirements {
            let Some(m) = r
                .responsible_mentor_id
                .as_deref()
                .and_then(|m| Uuid::parse_str(m).ok())
            else {
                continue;
            };
            match &r.status {
                shared::tasks::TaskStatus::Due { window } if window.to <= horizon => {
                    out.entry(m).or_default().due_soon += 1;
                }
                shared::tasks::TaskStatus::Overdue { .. } => {
                    out.entry(m).or_default().overdue += 1;
                }
                _ => {}
            }
        }
    }
    Ok((out, lead))
}

/// A school's task counts in one term judged on `today`, by grade, class
/// and the mentor holding each student on `today` (for the insight
/// aggregates of issue 13), with the rules applied.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// The policy applied.
    pub applied: Applied,
    /// Per grade (the same figures as [`school_task_counts`]).
    pub by_grade: BTreeMap<i32, StatusCounts>,
    /// Per class id.
    pub by_class: BTreeMap<Uuid, StatusCounts>,
    /// Per staff id of the mentor holding the students on `today`.
    pub by_mentor: BTreeMap<Uuid, StatusCounts>,
}

/// The breakdown of the term `t` of the context's school; `None` when no
/// policy applies.
#[tracing::instrument(skip_all, fields(term = %t.id))]
pub async fn school_breakdown(
    ctx: &Ctx,
    t: &term::Model,
    today: NaiveDate,
) -> ApiResult<Option<Breakdown>> {
    let applied = match applied_policy(ctx, t.district_id, t.school_id, t, today).await {
        Ok(a) => a,
        Err(ApiError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (loaded, table) = evaluate_school(ctx, t, &applied, today).await?;
    let mut out = Breakdown {
        applied,
        by_grade: BTreeMap::new(),
        by_class: BTreeMap::new(),
        by_mentor: BTreeMap::new(),
    };
    for (i, (s, _, st)) in loaded.students.iter().enumerate() {
        let rows = table.student_rows(i);
        out.by_grade.entry(st.grade).or_default().add_student(rows);
        out.by_class
            .entry(s.class_id)
            .or_default()
            .add_student(rows);
        let holder = st
            .assignments
            .iter()
            .find(|a| a.from <= today && a.until.is_none_or(|u| u >= today))
            .and_then(|a| Uuid::parse_str(&a.mentor_id).ok());
        if let Some(m) = holder {
            out.by_mentor.entry(m).or_default().add_student(rows);
        }
    }
    Ok(Some(out))
}
