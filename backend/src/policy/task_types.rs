//! GraphQL types of task status (per student, per term, per school): the
//! engine's answers as the API shows them. The operations are in
//! [`super::graphql`].

use async_graphql::{ID, SimpleObject};
use chrono::NaiveDate;
use shared::tasks::{
    NotApplicableReason, RequirementKind, RequirementStatus, StatusCode, StatusCounts, TaskStatus,
    Window,
};

use super::tasks::{SchoolCounts, StudentTasks, TermTasks};
use crate::graphql::context::id;

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
    /// The names of the student's current mentors.
    pub mentor_names: Vec<String>,
    /// The day of the last recorded activity with or about the student, on
    /// or before the day judged.
    pub last_contact_on: Option<NaiveDate>,
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
            mentor_names: s.mentor_names.clone(),
            last_contact_on: s.last_contact_on,
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
