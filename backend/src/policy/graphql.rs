//! GraphQL types and operations of the policy capability (一校一策, the school
//! calendar, task status). Resolvers are thin: they parse ids and call the
//! services.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use shared::policy::presets::{self, PresetLevel};
use shared::tasks::{
    EventKind, NotApplicableReason, RequirementKind, RequirementStatus, StatusCode, StatusCounts,
    TaskStatus, Window,
};

use super::entities::calendar_event;
use super::service::{self as svc, SaveArgs, Version};
use super::tasks::{self, SchoolCounts, StudentTasks, TermTasks};
use crate::graphql::context::{GqlResult, ctx_of, id, opt_id, parse_id};
use crate::ids::id_arg;

fn today(as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(crate::clock::today)
}

/// A calendar event's fields.
#[derive(InputObject)]
pub struct CalendarEventInput {
    /// The term it falls in.
    pub term_id: ID,
    /// Kind.
    pub kind: EventKind,
    /// The day (within the term).
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    #[graphql(default)]
    pub grades: Vec<i32>,
    /// Display name, e.g. "期中考试".
    pub name: String,
}

impl From<CalendarEventInput> for svc::CalendarEventFields {
    fn from(i: CalendarEventInput) -> Self {
        svc::CalendarEventFields {
            term_id: id_arg(&i.term_id, "学期"),
            kind: i.kind,
            date: i.date,
            grades: i.grades,
            name: i.name,
        }
    }
}

/// A preset a district or school can start from (the plans of the seed, 篇1–篇6).
#[derive(SimpleObject)]
pub struct PolicyPreset {
    /// Stable id.
    pub id: String,
    /// Where it comes from ("篇5").
    pub source: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// District baseline or school policy.
    pub level: PresetLevel,
    /// The rules document (JSON of `PolicyRules`).
    pub rules: Json<Value>,
}

/// One difference between two versions.
#[derive(SimpleObject)]
pub struct PolicyChange {
    /// Dotted path, e.g. `ratio.per_grade.7`.
    pub path: String,
    /// The old value (absent if added).
    pub before: Option<Json<Value>>,
    /// The new value (absent if removed).
    pub after: Option<Json<Value>>,
}

/// A saved version of a district baseline or a school policy.
#[derive(SimpleObject)]
pub struct PolicyVersion {
    /// Id.
    pub id: ID,
    /// Version number (1 for the first).
    pub version: i32,
    /// Display name.
    pub name: String,
    /// The day it takes effect.
    pub effective_from: NaiveDate,
    /// The term it applies from, if named.
    pub term_id: Option<ID>,
    /// The preset it started from.
    pub preset_id: Option<String>,
    /// Whether this is a district baseline version.
    pub is_district_baseline: bool,
    /// The rules document (JSON of `PolicyRules`).
    pub rules: Json<Value>,
    /// What changed from the previous version (a school's first version:
    /// from the district baseline).
    pub diff: Vec<PolicyChange>,
    /// Who saved it (user id; none for seeded versions).
    pub created_by: Option<ID>,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

impl From<&Version> for PolicyVersion {
    fn from(v: &Version) -> Self {
        PolicyVersion {
            id: id(v.row.id),
            version: v.row.version,
            name: v.row.name.clone(),
            effective_from: v.row.effective_from,
            term_id: v.row.term_id.map(id),
            preset_id: v.row.preset_id.clone(),
            is_district_baseline: v.row.school_id.is_none(),
            rules: Json(serde_json::to_value(&v.rules).unwrap_or(Value::Null)),
            diff: v
                .diff
                .iter()
                .map(|c| PolicyChange {
                    path: c.path.clone(),
                    before: c.before.clone().map(Json),
                    after: c.after.clone().map(Json),
                })
                .collect(),
            created_by: v.row.created_by.map(id),
            created_at: v.row.created_at,
        }
    }
}

/// The district baseline and its history.
#[derive(SimpleObject)]
pub struct DistrictBaselineInfo {
    /// The newest version (none if the district has not published one).
    pub current: Option<PolicyVersion>,
    /// Every version, newest first.
    pub versions: Vec<PolicyVersion>,
}

/// A school's policy and its history.
#[derive(SimpleObject)]
pub struct SchoolPolicyInfo {
    /// The school.
    pub school_id: ID,
    /// The school's newest version (none if it has not saved one).
    pub current: Option<PolicyVersion>,
    /// What applies on the day asked: the school's version in effect, else the district baseline's.
    pub in_effect: Option<PolicyVersion>,
    /// True when no school version is in effect and the district baseline applies.
    pub uses_district_baseline: bool,
    /// The district baseline's newest version.
    pub baseline: Option<PolicyVersion>,
    /// The school's versions, newest first, with their diffs.
    pub versions: Vec<PolicyVersion>,
    /// Where the school's version in effect no longer meets the baseline in
    /// effect (e.g. after the district tightened it); empty when compliant.
    pub baseline_violations: Vec<PolicyViolation>,
}

/// One problem found by validation.
#[derive(SimpleObject)]
pub struct PolicyViolation {
    /// Dotted path into the rules, e.g. `ratio.per_grade.7`.
    pub path: String,
    /// In Chinese.
    pub message_zh: String,
    /// In English.
    pub message_en: String,
}

/// An event of the school calendar.
#[derive(SimpleObject)]
pub struct CalendarEvent {
    /// Id.
    pub id: ID,
    /// The term.
    pub term_id: ID,
    /// Kind (key exams open the before/after talk windows).
    pub kind: EventKind,
    /// The day.
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    pub grades: Vec<i32>,
    /// Name.
    pub name: String,
}

impl From<calendar_event::Model> for CalendarEvent {
    fn from(e: calendar_event::Model) -> Self {
        CalendarEvent {
            id: id(e.id),
            term_id: id(e.term_id),
            kind: svc::kind_of(&e.kind),
            date: e.occurs_on,
            grades: svc::grades_of(&e),
            name: e.name,
        }
    }
}

/// A window of days, both ends inclusive.
#[derive(SimpleObject, Clone, Copy)]
pub struct DateWindow {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl From<Window> for DateWindow {
    fn from(w: Window) -> Self {
        DateWindow {
            from: w.from,
            to: w.to,
        }
    }
}

/// One requirement of one student in a term.
#[derive(SimpleObject, Clone)]
pub struct TaskRequirement {
    /// What it requires.
    pub kind: RequirementKind,
    /// Chinese label, e.g. "10月家校联系", "期中考试前后谈心".
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// How many are required.
    pub required: i32,
    /// How many qualifying records were found in the window.
    pub counted: i32,
    /// DONE, DUE, OVERDUE or NOT_APPLICABLE.
    pub status: StatusCode,
    /// The (possibly handover-extended) window.
    pub window: DateWindow,
    /// The activity (or growth message) ids that count.
    pub evidence_ids: Vec<ID>,
    /// Why it does not apply.
    pub not_applicable_reason: Option<NotApplicableReason>,
    /// For talks: the next key exam's before/after window.
    pub suggested_window: Option<DateWindow>,
    /// The related event's name (exam talks, suggestions).
    pub event_name: Option<String>,
    /// The mentor (staff id) responsible now.
    pub responsible_mentor_id: Option<ID>,
    /// Whether the head teacher leads it (home visits).
    pub head_teacher_leads: bool,
    /// Due and closing within the policy's `due_soon_days` (default 14) of
    /// the day judged: 临近截止. A due row further away is simply open.
    pub due_soon: bool,
}

fn status_code(s: &TaskStatus) -> StatusCode {
    match s {
        TaskStatus::Done { .. } => StatusCode::Done,
        TaskStatus::Due { .. } => StatusCode::Due,
        TaskStatus::Overdue { .. } => StatusCode::Overdue,
        TaskStatus::NotApplicable { .. } => StatusCode::NotApplicable,
    }
}

impl From<&RequirementStatus> for TaskRequirement {
    fn from(r: &RequirementStatus) -> Self {
        let (evidence, reason) = match &r.status {
            TaskStatus::Done { evidence } => (evidence.clone(), None),
            TaskStatus::NotApplicable { reason } => (vec![], Some(*reason)),
            _ => (vec![], None),
        };
        TaskRequirement {
            kind: r.kind,
            label_zh: r.label_zh.clone(),
            label_en: r.label_en.clone(),
            required: i32::try_from(r.required).unwrap_or(i32::MAX),
            counted: i32::try_from(r.counted).unwrap_or(i32::MAX),
            status: status_code(&r.status),
            window: r.window.into(),
            evidence_ids: evidence.into_iter().map(ID).collect(),
            not_applicable_reason: reason,
            suggested_window: r.suggested_window.map(Into::into),
            event_name: r.event_name.clone(),
            responsible_mentor_id: r.responsible_mentor_id.clone().map(ID),
            head_teacher_leads: r.head_teacher_leads,
            due_soon: false,
        }
    }
}

/// One student's requirements in a term.
#[derive(SimpleObject)]
pub struct StudentTaskList {
    /// The student.
    pub student_id: ID,
    /// Name.
    pub student_name: String,
    /// Class name.
    pub class_name: String,
    /// Grade.
    pub grade: i32,
    /// Every requirement.
    pub requirements: Vec<TaskRequirement>,
    /// The due requirement whose window closes first.
    pub next_due: Option<TaskRequirement>,
    /// The overdue requirements.
    pub overdue: Vec<TaskRequirement>,
    /// Requirements done.
    pub done_count: i32,
    /// Requirements due.
    pub due_count: i32,
    /// Requirements overdue.
    pub overdue_count: i32,
    /// Requirements due soon (see `TaskRequirement.dueSoon`).
    pub due_soon_count: i32,
}

impl StudentTaskList {
    /// Marks the due rows closing on or before `horizon` as due soon.
    fn mark_due_soon(&mut self, horizon: NaiveDate) {
        let soon = |r: &mut TaskRequirement| {
            r.due_soon = r.status == StatusCode::Due && r.window.to <= horizon;
        };
        for r in &mut self.requirements {
            soon(r);
        }
        if let Some(r) = self.next_due.as_mut() {
            soon(r);
        }
        self.due_soon_count =
            i32::try_from(self.requirements.iter().filter(|r| r.due_soon).count())
                .unwrap_or(i32::MAX);
    }
}

fn count(reqs: &[TaskRequirement], s: StatusCode) -> i32 {
    i32::try_from(reqs.iter().filter(|r| r.status == s).count()).unwrap_or(i32::MAX)
}

impl From<&StudentTasks> for StudentTaskList {
    fn from(s: &StudentTasks) -> Self {
        let reqs: Vec<TaskRequirement> = s.requirements.iter().map(Into::into).collect();
        let next_due = reqs
            .iter()
            .filter(|r| r.status == StatusCode::Due)
            .min_by_key(|r| r.window.to)
            .cloned();
        StudentTaskList {
            student_id: id(s.student.id),
            student_name: s.student.name.clone(),
            class_name: s.class_name.clone(),
            grade: s.grade,
            next_due,
            overdue: reqs
                .iter()
                .filter(|r| r.status == StatusCode::Overdue)
                .cloned()
                .collect(),
            done_count: count(&reqs, StatusCode::Done),
            due_count: count(&reqs, StatusCode::Due),
            overdue_count: count(&reqs, StatusCode::Overdue),
            due_soon_count: 0,
            requirements: reqs,
        }
    }
}

/// Counts of one requirement kind. `done`, `due`, `overdue` and
/// `notApplicable` count **periods** (one per student, or one per student
/// and month for monthly kinds such as 家校联系), so they may exceed the
/// number of students; the `students…` fields count students and never do.
#[derive(SimpleObject, Clone)]
pub struct KindCount {
    /// The kind.
    pub kind: RequirementKind,
    /// Chinese label.
    pub label_zh: String,
    /// Periods done.
    pub done: i32,
    /// Periods still open (window not closed).
    pub due: i32,
    /// Periods whose window closed without it being met.
    pub overdue: i32,
    /// Periods not applicable (grade out of scope, joined later, …).
    pub not_applicable: i32,
    /// Students this kind applies to (the population of the fields below).
    pub students: i32,
    /// Students with every period of this kind done.
    pub students_done: i32,
    /// Students with at least one period of this kind overdue.
    pub students_overdue: i32,
    /// Students with nothing of this kind overdue.
    pub students_on_track: i32,
    /// `studentsOnTrack` out of `students`, whole percent 0–100 (none
    /// without students).
    pub on_track_percent: Option<i32>,
    /// Done periods out of done and overdue ones (closed or met), whole
    /// percent 0–100: "3 of 4 months done".
    pub period_done_percent: Option<i32>,
}

impl KindCount {
    fn of(kind: RequirementKind, x: &shared::tasks::KindCounts) -> KindCount {
        KindCount {
            kind,
            label_zh: kind.label_zh().into(),
            done: i(x.done),
            due: i(x.due),
            overdue: i(x.overdue),
            not_applicable: i(x.not_applicable),
            students: i(x.students),
            students_done: i(x.students_done),
            students_overdue: i(x.students_overdue),
            students_on_track: i(x.students_on_track()),
            on_track_percent: x.on_track_percent().map(i),
            period_done_percent: x.period_done_percent().map(i),
        }
    }
}

/// Counts by status over a set of students (no student-level figures).
#[derive(SimpleObject)]
pub struct TaskCounts {
    /// Students counted.
    pub students: i32,
    /// Students with at least one overdue requirement.
    pub students_with_overdue: i32,
    /// Students with nothing overdue, whole percent 0–100 (none without
    /// students).
    pub on_track_percent: Option<i32>,
    /// Per requirement kind.
    pub by_kind: Vec<KindCount>,
}

fn i(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<&StatusCounts> for TaskCounts {
    fn from(c: &StatusCounts) -> Self {
        TaskCounts {
            students: i(c.students),
            students_with_overdue: i(c.students_with_overdue),
            on_track_percent: c.on_track_percent().map(i),
            by_kind: RequirementKind::ALL
                .iter()
                .map(|k| KindCount::of(*k, c.kind(*k)))
                .collect(),
        }
    }
}

fn counts_of(list: &[StudentTaskList]) -> TaskCounts {
    let mut c = StatusCounts::default();
    for s in list {
        c.add_statuses(s.requirements.iter().map(|r| (r.kind, r.status)));
    }
    TaskCounts::from(&c)
}

/// Task status of some students in one term.
#[derive(SimpleObject)]
pub struct TermTaskReport {
    /// The term judged.
    pub term_id: ID,
    /// Its name.
    pub term_name: String,
    /// The day judged.
    pub as_of: NaiveDate,
    /// The policy version applied.
    pub policy_version_id: ID,
    /// Its version number.
    pub policy_version: i32,
    /// True when the school has no policy in effect and the district baseline applies.
    pub uses_district_baseline: bool,
    /// Per student.
    pub students: Vec<StudentTaskList>,
    /// Counts over these students.
    pub counts: TaskCounts,
}

impl From<TermTasks> for TermTaskReport {
    fn from(t: TermTasks) -> Self {
        let horizon =
            t.today + chrono::Duration::days(i64::from(t.applied.rules.tasks.due_soon_days));
        let mut students: Vec<StudentTaskList> = t.students.iter().map(Into::into).collect();
        for s in &mut students {
            s.mark_due_soon(horizon);
        }
        TermTaskReport {
            term_id: id(t.term.id),
            term_name: t.term.name.clone(),
            as_of: t.today,
            policy_version_id: id(t.applied.version_id),
            policy_version: t.applied.version,
            uses_district_baseline: t.applied.district_baseline,
            counts: counts_of(&students),
            students,
        }
    }
}

/// Counts of one grade.
#[derive(SimpleObject)]
pub struct GradeTaskCounts {
    /// Grade.
    pub grade: i32,
    /// Counts.
    pub counts: TaskCounts,
}

/// One school's task counts in a term (aggregates only).
#[derive(SimpleObject)]
pub struct SchoolTaskCounts {
    /// The school.
    pub school_id: ID,
    /// Its name.
    pub school_name: String,
    /// The term judged.
    pub term_id: Option<ID>,
    /// Its name.
    pub term_name: Option<String>,
    /// The policy version applied.
    pub policy_version: Option<i32>,
    /// True when the district baseline applies.
    pub uses_district_baseline: bool,
    /// Why there are no counts (no term, no policy).
    pub note: Option<String>,
    /// All students of the school.
    pub counts: TaskCounts,
    /// Per grade.
    pub by_grade: Vec<GradeTaskCounts>,
}

impl From<SchoolCounts> for SchoolTaskCounts {
    fn from(s: SchoolCounts) -> Self {
        SchoolTaskCounts {
            school_id: id(s.school.id),
            school_name: s.school.name.clone(),
            term_id: s.term.as_ref().map(|t| id(t.id)),
            term_name: s.term.as_ref().map(|t| t.name.clone()),
            policy_version: s.applied.as_ref().map(|a| a.version),
            uses_district_baseline: s.applied.as_ref().is_some_and(|a| a.district_baseline),
            note: s.note.clone(),
            counts: (&s.counts).into(),
            by_grade: s
                .by_grade
                .iter()
                .map(|(g, c)| GradeTaskCounts {
                    grade: *g,
                    counts: c.into(),
                })
                .collect(),
        }
    }
}

fn violation(v: shared::policy::Violation) -> PolicyViolation {
    PolicyViolation {
        path: v.path,
        message_zh: v.message_zh,
        message_en: v.message_en,
    }
}

/// Policy, calendar and task-status queries.
#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// The presets (篇1–篇6) a district or school can start from (any signed-in user).
    async fn policy_presets(&self, cx: &Context<'_>) -> GqlResult<Vec<PolicyPreset>> {
        ctx_of(cx)?.caller()?;
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        Ok(presets::ALL
            .iter()
            .filter_map(|p| {
                let rules = match p.level {
                    PresetLevel::District => presets::district(p.id, "preset", day)
                        .map(|b| serde_json::to_value(&b.rules)),
                    PresetLevel::School => {
                        presets::school(p.id, "preset", day).map(|s| serde_json::to_value(&s.rules))
                    }
                }?
                .ok()?;
                Some(PolicyPreset {
                    id: p.id.into(),
                    source: p.source.into(),
                    title_zh: p.title_zh.into(),
                    title_en: p.title_en.into(),
                    level: p.level,
                    rules: Json(rules),
                })
            })
            .collect())
    }

    /// The district baseline: current version and history (district admin
    /// and every school user of the district).
    async fn district_baseline(&self, cx: &Context<'_>) -> GqlResult<DistrictBaselineInfo> {
        let versions = svc::district_baseline(ctx_of(cx)?).await?;
        Ok(DistrictBaselineInfo {
            current: versions.first().map(Into::into),
            versions: versions.iter().map(Into::into).collect(),
        })
    }

    /// A school's policy: current version, what is in effect on `asOf`
    /// (default today) and the history with diffs. School users see their
    /// own school; a district admin passes `schoolId`.
    async fn school_policy(
        &self,
        cx: &Context<'_>,
        school_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<SchoolPolicyInfo> {
        let v = svc::school_policy(ctx_of(cx)?, opt_id(school_id, "学校")?, today(as_of)).await?;
        let (in_effect, uses_baseline) = match v.in_effect() {
            Some((x, b)) => (Some(x.into()), b),
            None => (None, false),
        };
        Ok(SchoolPolicyInfo {
            school_id: id(v.school_id),
            current: v.current().map(Into::into),
            in_effect,
            uses_district_baseline: uses_baseline,
            baseline: v.baseline.first().map(Into::into),
            versions: v.versions.iter().map(Into::into).collect(),
            baseline_violations: v.baseline_violations().into_iter().map(violation).collect(),
        })
    }

    /// Checks a draft school policy against its own rules and the district
    /// baseline without saving (school admin); empty when valid.
    async fn validate_school_policy(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: Option<NaiveDate>,
        term_id: Option<ID>,
    ) -> GqlResult<Vec<PolicyViolation>> {
        let ctx = ctx_of(cx)?;
        let v = svc::validate_school_policy(
            ctx,
            &rules.0,
            today(effective_from),
            opt_id(term_id, "学期")?,
        )
        .await?;
        Ok(v.into_iter().map(violation).collect())
    }

    /// A term's calendar events (users of the school).
    async fn calendar_events(
        &self,
        cx: &Context<'_>,
        term_id: ID,
    ) -> GqlResult<Vec<CalendarEvent>> {
        Ok(
            svc::calendar_events(ctx_of(cx)?, parse_id(&term_id, "学期")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// One student's task status in a term (default: the current term), for
    /// anyone who may see the student. `asOf` defaults to today.
    async fn student_tasks(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(tasks::student_tasks(
            ctx_of(cx)?,
            parse_id(&student_id, "学生")?,
            opt_id(term_id, "学期")?,
            today(as_of),
        )
        .await?
        .into())
    }

    /// The caller's mentees with what is due next and what is overdue (mentor).
    async fn my_students_tasks(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(
            tasks::my_students_tasks(ctx_of(cx)?, opt_id(term_id, "学期")?, today(as_of))
                .await?
                .into(),
        )
    }

    /// A class's task status (its head teacher, the grade leader, the school admin).
    async fn class_tasks(
        &self,
        cx: &Context<'_>,
        class_id: ID,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(tasks::class_tasks(
            ctx_of(cx)?,
            parse_id(&class_id, "班级")?,
            opt_id(term_id, "学期")?,
            today(as_of),
        )
        .await?
        .into())
    }

    /// Counts by status per requirement kind: the school admin's school (a
    /// grade leader: their grades), or (district admin) every school of the
    /// district, aggregates only.
    async fn school_task_counts(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<Vec<SchoolTaskCounts>> {
        Ok(
            tasks::school_task_counts(ctx_of(cx)?, opt_id(term_id, "学期")?, today(as_of))
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

/// Policy and calendar mutations.
#[derive(Default)]
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    /// Saves a new version of the district baseline (district admin).
    async fn save_district_baseline(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: NaiveDate,
        name: Option<String>,
        preset_id: Option<String>,
    ) -> GqlResult<PolicyVersion> {
        let v = svc::save_district_baseline(
            ctx_of(cx)?,
            SaveArgs {
                rules: rules.0,
                effective_from,
                term_id: None,
                name,
                preset_id,
            },
        )
        .await?;
        Ok((&v).into())
    }

    /// Saves a new version of the school's policy (school admin). Refused
    /// with `VALIDATION` (every violation in `extensions.problems`) when it
    /// is invalid or loosens the district baseline.
    async fn save_school_policy(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: NaiveDate,
        term_id: Option<ID>,
        name: Option<String>,
        preset_id: Option<String>,
    ) -> GqlResult<PolicyVersion> {
        let v = svc::save_school_policy(
            ctx_of(cx)?,
            SaveArgs {
                rules: rules.0,
                effective_from,
                term_id: opt_id(term_id, "学期")?,
                name,
                preset_id,
            },
        )
        .await?;
        Ok((&v).into())
    }

    /// Adds an event to the school calendar (school admin).
    async fn create_calendar_event(
        &self,
        cx: &Context<'_>,
        input: CalendarEventInput,
    ) -> GqlResult<CalendarEvent> {
        Ok(svc::create_calendar_event(ctx_of(cx)?, input.into())
            .await?
            .into())
    }

    /// Deletes an event of the school calendar (school admin).
    async fn delete_calendar_event(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(svc::delete_calendar_event(ctx_of(cx)?, parse_id(&id, "日历事件")?).await?)
    }
}
