//! The task engine: from a school's policy, the school-year calendar, each
//! student's mentor assignments and the recorded activities, what every
//! student's requirements stand at on a given day.
//!
//! # What is judged
//! For one term of a [`SchoolYear`], each student in the policy's scope gets a
//! list of requirements ([`RequirementKind`]):
//!
//! * **home visit** (家访): `count` in the policy's window, per term or per
//!   year (a per-year window is anchored at the school year's first and last
//!   day, so in the second term a yearly visit shows as done or overdue);
//! * **talks** (谈心谈话): `count_per_term` talks in the term's talk window;
//!   while open, the row carries a *suggested* window: the next key exam's
//!   before/after window ([`ExamWindow`]) for the student's grade;
//! * **exam talks**: if the policy asks for a talk around every key exam, one
//!   row per key exam of the student's grade in the term, windowed
//!   `exam − days_before ..= exam + days_after`;
//! * **growth message** (成长寄语): published messages in the window, per term
//!   or per year (due at the period's end);
//! * **parent contact** / **student report**: one row per calendar month of the
//!   term (a stub of less than 7 days at either end of the term is merged into
//!   its neighbour);
//! * **optional actions** (自选动作): distinct items of the school's menu.
//!
//! Each row is [`TaskStatus::Done`] (with the evidence), [`TaskStatus::Due`]
//! (window not yet closed), [`TaskStatus::Overdue`] (closed, not met), or
//! [`TaskStatus::NotApplicable`] (grade outside the programme; a condition such
//! as "lives in town" not met). Only evidence dated inside the window counts:
//! a late home visit stays recorded but does not turn an overdue row done.
//!
//! # Mentor changes (动态调整)
//! Requirements belong to the **student**, not to a mentor: a change of mentor
//! does not reset anything. An activity counts as evidence if whoever recorded
//! it held the student on the day (an [`Assignment`] covering that date; an
//! activity before the student's first assignment counts for that first
//! mentor, so a home visit in the holiday before term counts). Home visits and
//! parent contacts recorded by the student's head teacher always count. So a
//! talk by the old mentor before the change counts; a talk the old mentor
//! records after handing over does not.
//!
//! Who is **responsible** now: the mentor holding the student on `today`
//! (clamped into the term), or the head teacher for home visits the policy has
//! the head teacher lead. If that mentor took over during the term, after the
//! row's window opened, and the row is not done, its window is extended to at
//! least `handover_grace_days` after the change ([`crate::policy::TaskRules`]),
//! so a new mentor is never handed a task that is already overdue on their
//! first day. Windows of rows already done are not touched.
//!
//! # Students who join during the year
//! A transfer student ([`StudentTerm::joined_on`]) owes nothing for a monthly
//! or exam-talk period that ended before they joined
//! ([`NotApplicableReason::JoinedLater`]); a once-per-period task (home visit,
//! talks, growth message, optional actions) whose window opened before they
//! joined gets at least `handover_grace_days` from the day they joined.
//!
//! # Speed
//! [`TaskEngine::new`] indexes activities by student once (one hash per
//! activity-student pair, then a flat index); evaluation per student reuses the
//! caller's [`Buffers`] and allocates nothing. Aggregates
//! ([`TaskEngine::count_by_status`]) run over a whole district's term.

//!
//! # Layout
//! `calendar` holds the school year, its terms and key dates; `status` the
//! engine's inputs and outputs (assignments, rows, counts); `engine` the
//! evaluation itself. Everything is re-exported here, so callers write
//! `shared::tasks::TaskEngine`.

mod calendar;
mod engine;
mod status;

pub use calendar::{
    CalendarEvent, EventKind, SchoolYear, Term, Window, exam_talk_windows, term_months,
};
pub use engine::{Buffers, StatusTable, TaskEngine};
pub use status::{
    Assignment, EngineError, KindCounts, NotApplicableReason, RequirementKind, RequirementStatus,
    Responsible, Row, StatusCode, StatusCounts, StudentTerm, TaskStatus, percent,
};
