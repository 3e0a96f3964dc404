//! Task status over the pure engine (`shared::tasks`): loads a term's school
//! year, calendar, policy in effect, students with their mentor-assignment
//! history, and the recorded activities and published growth messages, then
//! asks the engine. Who may see what: a student's tasks for anyone who may see
//! the student; a mentor's own mentees; a class for its head teacher, the
//! grade leader and the school admin; counts only for the school admin and
//! (per school) the district.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::activity::{ActivityFact, ActivityKind, Channel, GrowthMessageFact, Trigger};
use shared::policy::PolicyRules;
use shared::tasks::{
    Assignment, CalendarEvent, RequirementStatus, SchoolYear, StatusCounts, StudentTerm,
    TaskEngine, Term,
};
use uuid::Uuid;

use super::service::{self, events_of_terms, year_terms};
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::{activity, activity_student, growth_message};
use crate::org::entities::{class, mentor_assignment, school, student, term};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Which policy applies to a term's evaluation.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The rules.
    pub rules: PolicyRules,
    /// The policy version row's id.
    pub version_id: Uuid,
    /// Its version number.
    pub version: i32,
    /// True when the school has no policy in effect and the district baseline applies.
    pub district_baseline: bool,
}

/// The policy applying to a term judged on `today`: the school's version in
/// effect on the reference day (`today` clamped into the term), else the
/// district baseline's; else a clear error.
#[tracing::instrument(skip_all, fields(district = %district, school = %school))]
pub async fn applied_policy(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    t: &term::Model,
    today: NaiveDate,
) -> ApiResult<Applied> {
    let day = today.clamp(t.starts_on, t.ends_on);
    if let Some(e) = service::policy_on(ctx, district, school, day).await? {
        return Ok(Applied {
            rules: e.version.rules,
            version_id: e.version.row.id,
            version: e.version.row.version,
            district_baseline: e.district_baseline,
        });
    }
    Err(ApiError::NotFound(format!(
        "{day}尚无生效的导师制方案：请学校管理员保存本校方案，或由区教育局发布区基线"
    )))
}

/// Resolves the term to judge: the given one (of the caller's school), else
/// the school's term containing `today`, else the next one, else the latest.
#[tracing::instrument(skip_all, fields(school = %school))]
pub async fn resolve_term(
    ctx: &Ctx,
    school: Uuid,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<term::Model> {
    if let Some(id) = term_id {
        return one_in_school::<term::Entity>(ctx, id, "学期").await;
    }
    term_by_date(ctx, school, today)
        .await?
        .ok_or_else(|| ApiError::not_found("学期"))
}

pub(super) async fn term_by_date(
    ctx: &Ctx,
    school: Uuid,
    today: NaiveDate,
) -> ApiResult<Option<term::Model>> {
    let terms = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .order_by_asc(term::Column::StartsOn)
        .all(ctx.db())
        .await?;
    let current = terms
        .iter()
        .find(|t| t.starts_on <= today && today <= t.ends_on)
        .or_else(|| terms.iter().find(|t| t.starts_on > today))
        .or_else(|| terms.last())
        .cloned();
    Ok(current)
}

/// One student's evaluated requirements.
#[derive(Debug, Clone)]
pub struct StudentTasks {
    /// The student.
    pub student: student::Model,
    /// Their class's name.
    pub class_name: String,
    /// Their grade.
    pub grade: i32,
    /// Every requirement.
    pub requirements: Vec<RequirementStatus>,
    /// The names of the student's current mentors.
    pub mentor_names: Vec<String>,
    /// The day of the last recorded activity with or about the student
    /// (talk, home visit, contact, …) on or before the day judged.
    pub last_contact_on: Option<NaiveDate>,
}

/// The evaluation of some students in one term.
#[derive(Debug, Clone)]
pub struct TermTasks {
    /// The term.
    pub term: term::Model,
    /// The day judged.
    pub today: NaiveDate,
    /// The policy applied.
    pub applied: Applied,
    /// Per student, in the order given.
    pub students: Vec<StudentTasks>,
}

/// Counts of one school's students.
#[derive(Debug, Clone)]
pub struct SchoolCounts {
    /// The school.
    pub school: school::Model,
    /// The term judged (none when the school has no term).
    pub term: Option<term::Model>,
    /// The policy applied.
    pub applied: Option<Applied>,
    /// All of the school's students.
    pub counts: StatusCounts,
    /// Per grade.
    pub by_grade: BTreeMap<i32, StatusCounts>,
    /// Why there are no counts, if so.
    pub note: Option<String>,
}

pub(super) struct Loaded {
    pub(super) year: SchoolYear,
    pub(super) activities: Vec<ActivityFact>,
    pub(super) growth: Vec<GrowthMessageFact>,
    pub(super) students: Vec<(student::Model, String, StudentTerm)>,
}

const CHUNK: usize = 500;

pub(super) async fn load(
    ctx: &Ctx,
    t: &term::Model,
    students: Vec<student::Model>,
    whole_school: bool,
) -> ApiResult<Loaded> {
    let school = t.school_id;
    let terms = year_terms(ctx, t).await?;
    let term_ids: Vec<Uuid> = terms.iter().map(|x| x.id).collect();
    let events = events_of_terms(ctx, school, &term_ids).await?;
    let year = SchoolYear {
        id: t.academic_year.clone(),
        terms: terms
            .iter()
            .map(|x| Term {
                id: x.id.to_string(),
                name: x.name.clone(),
                starts_on: x.starts_on,
                ends_on: x.ends_on,
            })
            .collect(),
        events: events
            .iter()
            .map(|e| CalendarEvent {
                kind: service::kind_of(&e.kind),
                date: e.occurs_on,
                grades: service::grades_of(e),
                name: e.name.clone(),
            })
            .collect(),
    };
    let (y0, y1) = (year.starts_on(), year.ends_on());
    // Windows may reach before the year (home visits in the holiday) and after it.
    let (from, to) = (y0 - Duration::days(400), y1 + Duration::days(400));

    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    let wanted: HashSet<Uuid> = ids.iter().copied().collect();
    let class_ids: Vec<Uuid> = {
        let mut c: Vec<Uuid> = students.iter().map(|s| s.class_id).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let classes: HashMap<Uuid, class::Model> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Id.is_in(class_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();

    let mut assignments: HashMap<Uuid, Vec<Assignment>> = HashMap::new();
    let mut links: Vec<activity_student::Model> = vec![];
    let mut growth_rows: Vec<growth_message::Model> = vec![];
    let chunks: Vec<Vec<Uuid>> = if whole_school {
        vec![vec![]]
    } else {
        ids.chunks(CHUNK).map(<[Uuid]>::to_vec).collect()
    };
    for chunk in &chunks {
        let mut q = mentor_assignment::Entity::find()
            .filter(mentor_assignment::Column::SchoolId.eq(school))
            .filter(mentor_assignment::Column::StartsOn.lte(y1));
        let mut l =
            activity_student::Entity::find().filter(activity_student::Column::SchoolId.eq(school));
        let mut g = growth_message::Entity::find()
            .filter(growth_message::Column::SchoolId.eq(school))
            .filter(growth_message::Column::Status.eq("published"))
            .filter(growth_message::Column::PublishedOn.between(from, to));
        if !whole_school {
            q = q.filter(mentor_assignment::Column::StudentId.is_in(chunk.clone()));
            l = l.filter(activity_student::Column::StudentId.is_in(chunk.clone()));
            g = g.filter(growth_message::Column::StudentId.is_in(chunk.clone()));
        }
        for a in q.all(ctx.db()).await? {
            if a.ends_on.is_some_and(|e| e < y0) || !wanted.contains(&a.student_id) {
                continue;
            }
            assignments
                .entry(a.student_id)
                .or_default()
                .push(Assignment {
                    mentor_id: a.staff_id.to_string(),
                    from: a.starts_on,
                    until: a.ends_on,
                });
        }
        links.extend(
            l.all(ctx.db())
                .await?
                .into_iter()
                .filter(|x| wanted.contains(&x.student_id)),
        );
        growth_rows.extend(
            g.all(ctx.db())
                .await?
                .into_iter()
                .filter(|x| wanted.contains(&x.student_id)),
        );
    }

    let mut by_activity: HashMap<Uuid, Vec<String>> = HashMap::new();
    for l in &links {
        by_activity
            .entry(l.activity_id)
            .or_default()
            .push(l.student_id.to_string());
    }
    let activity_ids: Vec<Uuid> = by_activity.keys().copied().collect();
    let mut activities = vec![];
    let act_chunks: Vec<Vec<Uuid>> = if whole_school {
        vec![vec![]]
    } else {
        activity_ids.chunks(CHUNK).map(<[Uuid]>::to_vec).collect()
    };
    for chunk in act_chunks {
        let mut q = activity::Entity::find()
            .filter(activity::Column::SchoolId.eq(school))
            .filter(activity::Column::OccurredOn.between(from, to));
        if !whole_school {
            q = q.filter(activity::Column::Id.is_in(chunk));
        }
        for a in q.all(ctx.db()).await? {
            let Some(student_ids) = by_activity.remove(&a.id) else {
                continue;
            };
            let Some(kind) = ActivityKind::from_code(&a.kind) else {
                continue;
            };
            activities.push(ActivityFact {
                id: a.id.to_string(),
                kind,
                occurred_on: a.occurred_on,
                student_ids,
                mentor_id: a.staff_id.to_string(),
                with_head_teacher: a.with_head_teacher,
                trigger: a.trigger.as_deref().and_then(Trigger::from_code),
                optional_action: a.optional_action.clone(),
                channel: Channel::from_code(&a.channel).unwrap_or(Channel::FaceToFace),
            });
        }
    }
    let growth = growth_rows
        .into_iter()
        .filter_map(|g| {
            Some(GrowthMessageFact {
                id: g.id.to_string(),
                student_id: g.student_id.to_string(),
                mentor_id: g.staff_id.to_string(),
                published_on: g.published_on?,
            })
        })
        .collect();

    let students = students
        .into_iter()
        .map(|s| {
            let c = classes.get(&s.class_id);
            let st = StudentTerm {
                id: s.id.to_string(),
                grade: c.map_or(0, |c| c.grade),
                lives_in_town: s.lives_in_town,
                head_teacher_id: c.and_then(|c| c.head_teacher_id).map(|h| h.to_string()),
                assignments: assignments.remove(&s.id).unwrap_or_default(),
                joined_on: s.joined_on,
            };
            let name = c.map(|c| c.name.clone()).unwrap_or_default();
            (s, name, st)
        })
        .collect();
    Ok(Loaded {
        year,
        activities,
        growth,
        students,
    })
}

pub(super) fn engine_error(e: shared::tasks::EngineError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("task engine: {e}"))
}

pub(super) async fn evaluate(
    ctx: &Ctx,
    t: term::Model,
    students: Vec<student::Model>,
    today: NaiveDate,
) -> ApiResult<TermTasks> {
    let applied = applied_policy(ctx, t.district_id, t.school_id, &t, today).await?;
    let loaded = load(ctx, &t, students, false).await?;
    let engine = TaskEngine::new(
        &applied.rules,
        &loaded.year,
        &t.id.to_string(),
        &loaded.activities,
        &loaded.growth,
        today,
    )
    .map_err(engine_error)?;
    let (mentors, last) = roster_facts(ctx, t.school_id, &loaded, today).await?;
    let out = loaded
        .students
        .iter()
        .map(|(s, class_name, st)| StudentTasks {
            student: s.clone(),
            class_name: class_name.clone(),
            grade: st.grade,
            requirements: engine.student_statuses(st),
            mentor_names: mentors.get(&st.id).cloned().unwrap_or_default(),
            last_contact_on: last.get(&st.id).copied(),
        })
        .collect();
    Ok(TermTasks {
        term: t,
        today,
        applied: applied.clone(),
        students: out,
    })
}

/// Per student (by id string): the names of the current mentors and the
/// day of the last recorded activity on or before `today`.
async fn roster_facts(
    ctx: &Ctx,
    school: Uuid,
    loaded: &Loaded,
    today: NaiveDate,
) -> ApiResult<(HashMap<String, Vec<String>>, HashMap<String, NaiveDate>)> {
    let mut last: HashMap<String, NaiveDate> = HashMap::new();
    for a in loaded.activities.iter().filter(|a| a.occurred_on <= today) {
        for sid in &a.student_ids {
            let e = last.entry(sid.clone()).or_insert(a.occurred_on);
            *e = (*e).max(a.occurred_on);
        }
    }
    let current = |a: &&Assignment| a.from <= today && a.until.is_none_or(|u| u >= today);
    let staff_ids: Vec<Uuid> = loaded
        .students
        .iter()
        .flat_map(|(_, _, st)| st.assignments.iter().filter(current))
        .filter_map(|a| a.mentor_id.parse().ok())
        .collect::<HashSet<Uuid>>()
        .into_iter()
        .collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for chunk in staff_ids.chunks(CHUNK) {
        for m in crate::org::entities::staff::Entity::find()
            .filter(crate::org::entities::staff::Column::SchoolId.eq(school))
            .filter(crate::org::entities::staff::Column::Id.is_in(chunk.to_vec()))
            .all(ctx.db())
            .await?
        {
            names.insert(m.id.to_string(), m.name);
        }
    }
    let mentors = loaded
        .students
        .iter()
        .map(|(_, _, st)| {
            let list = st
                .assignments
                .iter()
                .filter(current)
                .filter_map(|a| names.get(&a.mentor_id).cloned())
                .collect();
            (st.id.clone(), list)
        })
        .collect();
    Ok((mentors, last))
}

/// One student's tasks in a term (anyone who may see the student).
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn student_tasks(
    ctx: &Ctx,
    student_id: Uuid,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<TermTasks> {
    let scope = authz::student_scope(ctx).await?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if !scope.contains(&s) {
        return Err(ApiError::not_found("学生"));
    }
    let t = resolve_term(ctx, s.school_id, term_id, today).await?;
    evaluate(ctx, t, vec![s], today).await
}

/// The caller's current mentees' tasks (mentor).
#[tracing::instrument(skip_all)]
pub async fn my_students_tasks(
    ctx: &Ctx,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<TermTasks> {
    let school = ctx.school_id()?;
    let Some(me) = authz::my_staff(ctx).await? else {
        return Err(ApiError::forbidden("只有导师可以查看结对学生的任务"));
    };
    let ids = authz::mentee_ids(ctx, me.id).await?;
    let t = resolve_term(ctx, school, term_id, today).await?;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::Id.is_in(ids))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?;
    evaluate(ctx, t, students, today).await
}

/// Every student of the caller's school judged in a term, for the task
/// completion page and its export: the school admin sees every grade, a
/// grade leader their grades only.
#[tracing::instrument(skip_all)]
pub async fn school_tasks(
    ctx: &Ctx,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<TermTasks> {
    let grades = authz::policy::which_grades_countable(ctx)?;
    let school = ctx.school_id()?;
    let t = resolve_term(ctx, school, term_id, today).await?;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?;
    let mut out = evaluate(ctx, t, students, today).await?;
    if let Some(grades) = grades {
        out.students.retain(|s| grades.contains(&s.grade));
    }
    Ok(out)
}

/// A class's tasks: its head teacher, the grade's leader, the school admin.
#[tracing::instrument(skip_all, fields(class_id = %class_id))]
pub async fn class_tasks(
    ctx: &Ctx,
    class_id: Uuid,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<TermTasks> {
    let c = one_in_school::<class::Entity>(ctx, class_id, "班级").await?;
    authz::policy::may_read_class_tasks(ctx, &c).await?;
    let t = resolve_term(ctx, c.school_id, term_id, today).await?;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(c.school_id))
        .filter(student::Column::ClassId.eq(c.id))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?;
    evaluate(ctx, t, students, today).await
}

async fn counts_for_school(
    ctx: &Ctx,
    s: school::Model,
    t: Option<term::Model>,
    today: NaiveDate,
) -> ApiResult<SchoolCounts> {
    let mut out = SchoolCounts {
        school: s,
        term: t.clone(),
        applied: None,
        counts: StatusCounts::default(),
        by_grade: BTreeMap::new(),
        note: None,
    };
    let Some(t) = t else {
        out.note = Some("该校尚未设置学期".into());
        return Ok(out);
    };
    let applied = match applied_policy(ctx, t.district_id, t.school_id, &t, today).await {
        Ok(a) => a,
        Err(ApiError::NotFound(m)) => {
            out.note = Some(m);
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(t.school_id))
        .all(ctx.db())
        .await?;
    let loaded = load(ctx, &t, students, true).await?;
    let engine = TaskEngine::new(
        &applied.rules,
        &loaded.year,
        &t.id.to_string(),
        &loaded.activities,
        &loaded.growth,
        today,
    )
    .map_err(engine_error)?;
    let mut grades: BTreeMap<i32, Vec<&StudentTerm>> = BTreeMap::new();
    for (_, _, st) in &loaded.students {
        grades.entry(st.grade).or_default().push(st);
    }
    for (g, list) in grades {
        let c = engine.count_by_status(list);
        out.counts.merge(&c);
        out.by_grade.insert(g, c);
    }
    out.applied = Some(applied);
    Ok(out)
}

/// Counts by status per requirement kind: the school admin's own school (a
/// grade leader: their grades only); a district admin gets one entry per
/// school of the district (aggregates only). A district admin's `term_id` names a term of one school; every
/// school is judged in its term of the same school year and name (else the
/// term containing that term's first day).
#[tracing::instrument(skip_all)]
pub async fn school_task_counts(
    ctx: &Ctx,
    term_id: Option<Uuid>,
    today: NaiveDate,
) -> ApiResult<Vec<SchoolCounts>> {
    let caller = ctx.caller()?.clone();
    if let Some(school_id) = caller.school_id {
        // The school admin: every grade; a grade leader: their grades only.
        let grades = authz::policy::which_grades_countable(ctx)?;
        let s = school::Entity::find_by_id(school_id)
            .filter(school::Column::DistrictId.eq(caller.district_id))
            .one(ctx.db())
            .await?
            .ok_or_else(|| ApiError::not_found("学校"))?;
        let t = resolve_term(ctx, school_id, term_id, today).await?;
        applied_policy(ctx, t.district_id, school_id, &t, today).await?;
        let mut c = counts_for_school(ctx, s, Some(t), today).await?;
        if let Some(grades) = grades {
            c.by_grade.retain(|g, _| grades.contains(g));
            c.counts = StatusCounts::default();
            for g in c.by_grade.values() {
                c.counts.merge(g);
            }
        }
        return Ok(vec![c]);
    }
    authz::policy::may_count_district_tasks(ctx)?;
    let district = caller.district_id;
    let named = match term_id {
        Some(id) => Some(
            term::Entity::find_by_id(id)
                .filter(term::Column::DistrictId.eq(district))
                .one(ctx.db())
                .await?
                .ok_or_else(|| ApiError::not_found("学期"))?,
        ),
        None => None,
    };
    let schools = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district))
        .order_by_asc(school::Column::Code)
        .all(ctx.db())
        .await?;
    let mut out = vec![];
    for s in schools {
        let t = match &named {
            Some(n) => {
                let same = term::Entity::find()
                    .filter(term::Column::SchoolId.eq(s.id))
                    .filter(term::Column::AcademicYear.eq(n.academic_year.clone()))
                    .filter(term::Column::Name.eq(n.name.clone()))
                    .one(ctx.db())
                    .await?;
                match same {
                    Some(t) => Some(t),
                    None => term_by_date(ctx, s.id, n.starts_on).await?,
                }
            }
            None => term_by_date(ctx, s.id, today).await?,
        };
        out.push(counts_for_school(ctx, s, t, today).await?);
    }
    Ok(out)
}

pub use super::task_tallies::{
    Breakdown, MentorDigest, MentorTaskTally, mentor_digests, mentor_task_tallies, school_breakdown,
};
