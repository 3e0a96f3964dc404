//! What the engine reads (a student's term, mentor assignments) and what it
//! answers (one row per requirement, its status and evidence; counts).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::Window;

/// A student held by a mentor from `from` to `until` (inclusive; open-ended if
/// `None`). Several may overlap (a mentor team, 导师团).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The mentor.
    pub mentor_id: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if it ended.
    pub until: Option<NaiveDate>,
}

impl Assignment {
    pub(super) fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d <= u)
    }
}

/// One student as the engine sees them for a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentTerm {
    /// Student id (as in `ActivityFact::student_ids`).
    pub id: String,
    /// Grade (年级, 1–12) this term.
    pub grade: i32,
    /// 家住城区 (for policies with a "lives in town" condition).
    #[serde(default)]
    pub lives_in_town: bool,
    /// The class's head teacher, whose home visits and parent contacts count.
    #[serde(default)]
    pub head_teacher_id: Option<String>,
    /// Mentor assignments over the school year (at least the term), any order.
    #[serde(default)]
    pub assignments: Vec<Assignment>,
    /// The day the student joined the school, when that was during the school
    /// year (a transfer); `None` for a student there from the start. A period
    /// that ended before this day is not held against anyone, and a task
    /// whose window closed before it gets `handover_grace_days` from it.
    #[serde(default)]
    pub joined_on: Option<NaiveDate>,
}

/// What a row requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequirementKind {
    /// 家访.
    HomeVisit,
    /// 谈心谈话 (per-term count).
    Talks,
    /// 考试前后谈心 (one key exam).
    ExamTalk,
    /// 成长寄语.
    GrowthMessage,
    /// 家校联系 (one month).
    ParentContact,
    /// 学生汇报 (one month).
    SelfReport,
    /// 自选动作.
    OptionalActions,
}

impl RequirementKind {
    /// Every kind, in display order (also the index into [`StatusCounts::by_kind`]).
    pub const ALL: [RequirementKind; 7] = [
        RequirementKind::HomeVisit,
        RequirementKind::Talks,
        RequirementKind::ExamTalk,
        RequirementKind::GrowthMessage,
        RequirementKind::ParentContact,
        RequirementKind::SelfReport,
        RequirementKind::OptionalActions,
    ];

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            RequirementKind::HomeVisit => "家访",
            RequirementKind::Talks => "谈心谈话",
            RequirementKind::ExamTalk => "考试前后谈心",
            RequirementKind::GrowthMessage => "成长寄语",
            RequirementKind::ParentContact => "家校联系",
            RequirementKind::SelfReport => "学生汇报",
            RequirementKind::OptionalActions => "自选动作",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            RequirementKind::HomeVisit => "Home visit",
            RequirementKind::Talks => "Talks",
            RequirementKind::ExamTalk => "Talk around a key exam",
            RequirementKind::GrowthMessage => "Growth message",
            RequirementKind::ParentContact => "Parent contact",
            RequirementKind::SelfReport => "Student report",
            RequirementKind::OptionalActions => "Optional actions",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The four statuses, without their payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatusCode {
    /// Met.
    Done,
    /// Not met, window not closed.
    Due,
    /// Not met, window closed.
    Overdue,
    /// Does not apply to this student.
    NotApplicable,
}

/// Why a requirement does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotApplicableReason {
    /// The student's grade is not in the programme's scope.
    GradeNotInScope,
    /// The policy restricts it to students living in town.
    NotLivingInTown,
    /// The period ended before the student joined the school.
    JoinedLater,
}

impl NotApplicableReason {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            NotApplicableReason::GradeNotInScope => "该年级未纳入导师制",
            NotApplicableReason::NotLivingInTown => "仅适用于家住城区的学生",
            NotApplicableReason::JoinedLater => "该时段结束时学生尚未入校",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            NotApplicableReason::GradeNotInScope => "The grade is not in the programme",
            NotApplicableReason::NotLivingInTown => "Only for students living in town",
            NotApplicableReason::JoinedLater => "The period ended before the student joined",
        }
    }
}

/// A requirement's status, with its payload (JSON: `{"status": "DONE",
/// "evidence": ["a1"]}`, `{"status": "DUE", "window": {"from": …, "to": …}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Met; the activity (or growth message) ids that met it.
    Done {
        /// Evidence ids.
        evidence: Vec<String>,
    },
    /// Not met yet; do it in this window.
    Due {
        /// The (possibly handover-extended) window.
        window: Window,
    },
    /// The window closed without it being met.
    Overdue {
        /// The window that closed.
        window: Window,
    },
    /// Does not apply.
    NotApplicable {
        /// Why.
        reason: NotApplicableReason,
    },
}

/// Who is responsible for a row now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Responsible {
    /// The mentor of the student's assignment with this index.
    Mentor(u16),
    /// The student's head teacher (home visits led by the head teacher).
    HeadTeacher,
    /// Nobody yet (no mentor assigned).
    Unassigned,
}

/// One requirement of one student: the compact form the engine produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Row {
    /// What it requires.
    pub kind: RequirementKind,
    /// For exam talks the index of the event in `SchoolYear::events`; for
    /// monthly rows the month (1–12); otherwise 0.
    pub slot: u16,
    /// Status.
    pub status: StatusCode,
    /// Why it does not apply, for `NotApplicable`.
    pub reason: Option<NotApplicableReason>,
    /// The (effective) window.
    pub window: Window,
    /// For talks: the next key-exam window suggested (event index).
    pub suggested_event: Option<u16>,
    /// How many are required.
    pub required: u16,
    /// How many qualifying records were found in the window.
    pub counted: u16,
    /// Evidence: `evidence[start..start + len]` of the [`Buffers`].
    pub evidence_start: u32,
    /// Number of evidence entries.
    pub evidence_len: u16,
    /// Who is responsible now.
    pub responsible: Responsible,
}

/// A requirement's status for display and the API (owned strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementStatus {
    /// What it requires.
    pub kind: RequirementKind,
    /// Chinese label, e.g. "10月家校联系", "期中考试前后谈心".
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// How many are required.
    pub required: u32,
    /// How many qualifying records were found in the window.
    pub counted: u32,
    /// The (effective) window.
    pub window: Window,
    /// The status.
    pub status: TaskStatus,
    /// For talks: the next key exam's window, when one is open or ahead.
    pub suggested_window: Option<Window>,
    /// The related event's name (exam talks, suggestions).
    pub event_name: Option<String>,
    /// The mentor responsible now, if any.
    pub responsible_mentor_id: Option<String>,
    /// Whether the head teacher leads it (home visits).
    pub head_teacher_leads: bool,
}

/// Counts of one requirement kind: rows (periods: one per student, or one
/// per student and month for monthly kinds) by status, and **students**, so
/// a table can say "3 of 4 months done" and "62 % of students on track"
/// without a sum of periods ever reading as a number of students.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    /// Done rows (periods).
    pub done: u32,
    /// Due rows (periods).
    pub due: u32,
    /// Overdue rows (periods).
    pub overdue: u32,
    /// Not-applicable rows (periods).
    pub not_applicable: u32,
    /// Students with at least one applicable row of this kind (the
    /// population the student counts below are out of).
    #[serde(default)]
    pub students: u32,
    /// Students with every applicable row of this kind done.
    #[serde(default)]
    pub students_done: u32,
    /// Students with at least one overdue row of this kind.
    #[serde(default)]
    pub students_overdue: u32,
}

impl KindCounts {
    /// Students with nothing of this kind overdue (done or still in time).
    pub fn students_on_track(&self) -> u32 {
        self.students.saturating_sub(self.students_overdue)
    }

    /// Percentage (0–100, rounded down) of the kind's students on track;
    /// `None` when no student has this kind.
    pub fn on_track_percent(&self) -> Option<u32> {
        percent(self.students_on_track(), self.students)
    }

    /// Percentage (0–100) of the kind's students with everything done.
    pub fn done_percent(&self) -> Option<u32> {
        percent(self.students_done, self.students)
    }

    /// Percentage (0–100) of closed-or-done periods that are done: done rows
    /// out of done and overdue rows (due rows are still open).
    pub fn period_done_percent(&self) -> Option<u32> {
        percent(self.done, self.done + self.overdue)
    }

    fn add(&mut self, s: StatusCode) {
        match s {
            StatusCode::Done => self.done += 1,
            StatusCode::Due => self.due += 1,
            StatusCode::Overdue => self.overdue += 1,
            StatusCode::NotApplicable => self.not_applicable += 1,
        }
    }

    fn merge(&mut self, o: &KindCounts) {
        self.done += o.done;
        self.due += o.due;
        self.overdue += o.overdue;
        self.not_applicable += o.not_applicable;
        self.students += o.students;
        self.students_done += o.students_done;
        self.students_overdue += o.students_overdue;
    }
}

/// `part` of `whole` in whole percent (rounded down, at most 100).
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (u64::from(part.min(whole)) * 100 / u64::from(whole)) as u32)
}

/// Counts by status over a set of students (a mentor's, a class, a grade, a
/// school, a district). No student-level figures, no order among students.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Students counted.
    pub students: u32,
    /// Students with at least one overdue row.
    pub students_with_overdue: u32,
    /// Per [`RequirementKind`], in [`RequirementKind::ALL`] order.
    pub by_kind: [KindCounts; 7],
}

impl StatusCounts {
    /// Counts for one kind.
    pub fn kind(&self, k: RequirementKind) -> &KindCounts {
        &self.by_kind[k.index()]
    }

    /// All kinds together (rows only: the student fields of the total are
    /// sums over kinds, not a number of students).
    pub fn total(&self) -> KindCounts {
        let mut t = KindCounts::default();
        for k in &self.by_kind {
            t.merge(k);
        }
        t
    }

    /// Adds one student's rows.
    pub fn add_student(&mut self, rows: &[Row]) {
        self.add_statuses(rows.iter().map(|r| (r.kind, r.status)));
    }

    /// Adds one student's rows given as (kind, status).
    pub fn add_statuses<I>(&mut self, rows: I)
    where
        I: IntoIterator<Item = (RequirementKind, StatusCode)>,
    {
        self.students += 1;
        let mut overdue = false;
        // Per kind: has an applicable row, has an overdue row, has an open one.
        let mut applies = [false; 7];
        let mut late = [false; 7];
        let mut open = [false; 7];
        for (kind, status) in rows {
            let k = kind.index();
            self.by_kind[k].add(status);
            overdue |= status == StatusCode::Overdue;
            applies[k] |= status != StatusCode::NotApplicable;
            late[k] |= status == StatusCode::Overdue;
            open[k] |= matches!(status, StatusCode::Due | StatusCode::Overdue);
        }
        for (k, c) in self.by_kind.iter_mut().enumerate() {
            if applies[k] {
                c.students += 1;
                c.students_done += u32::from(!open[k]);
                c.students_overdue += u32::from(late[k]);
            }
        }
        if overdue {
            self.students_with_overdue += 1;
        }
    }

    /// Percentage (0–100) of students with nothing overdue.
    pub fn on_track_percent(&self) -> Option<u32> {
        percent(
            self.students.saturating_sub(self.students_with_overdue),
            self.students,
        )
    }

    /// Adds another set of counts (e.g. schools into a district).
    pub fn merge(&mut self, o: &StatusCounts) {
        self.students += o.students;
        self.students_with_overdue += o.students_with_overdue;
        for (a, b) in self.by_kind.iter_mut().zip(o.by_kind.iter()) {
            a.merge(b);
        }
    }
}

/// Errors building an engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The term is not in the school year.
    #[error("term {0} is not in the school year")]
    UnknownTerm(String),
    /// Too many activities to index (more than 2^31).
    #[error("too many activities")]
    TooManyActivities,
}
