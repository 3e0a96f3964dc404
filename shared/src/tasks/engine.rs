//! The evaluation: requirement templates from the policy and the calendar,
//! evidence from the activities, one status per row.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Duration, NaiveDate};

use super::calendar::{EventKind, SchoolYear, Term, Window, term_months};
use super::status::*;
use crate::activity::{ActivityFact, ActivityKind, GrowthMessageFact};
use crate::policy::{Cadence, HomeVisitLead, PolicyRules, StudentCondition, WindowSpec};

/// FxHash (rustc's hasher): fast for short string keys; not DoS-resistant,
/// which is fine for ids from our own database.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<'a> = HashMap<&'a str, u32, BuildHasherDefault<FxHasher>>;

const GROWTH_BIT: u32 = 1 << 31;

/// What a candidate record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Activity(ActivityKind),
    Growth,
}

/// One of a student's records, pre-checked for attribution.
#[derive(Debug, Clone, Copy)]
struct Cand {
    source: Source,
    date: NaiveDate,
    /// Recorded by a mentor holding the student on the day.
    by_mentor: bool,
    /// Recorded by the student's head teacher.
    by_head_teacher: bool,
    /// Evidence reference (activity index, or growth index | GROWTH_BIT).
    evidence: u32,
}

#[derive(Debug, Clone, Copy)]
struct Template {
    kind: RequirementKind,
    slot: u16,
    window: Window,
    required: u16,
    suggested_event: Option<u16>,
}

/// Reusable buffers for evaluation: rows and evidence are appended; clear
/// them between students if you do not keep them.
#[derive(Debug, Default)]
pub struct Buffers {
    /// Rows appended by [`TaskEngine::evaluate_into`].
    pub rows: Vec<Row>,
    /// Evidence references (see [`TaskEngine::evidence_id`]).
    pub evidence: Vec<u32>,
    cands: Vec<Cand>,
}

impl Buffers {
    /// Clears rows and evidence.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.evidence.clear();
    }
}

/// The engine for one school policy and one term. Build once, evaluate many
/// students (from any number of threads: it is `Sync`).
#[derive(Debug)]
pub struct TaskEngine<'a> {
    rules: &'a PolicyRules,
    year: &'a SchoolYear,
    term: &'a Term,
    today: NaiveDate,
    activities: &'a [ActivityFact],
    growth: &'a [GrowthMessageFact],
    /// Requirement templates per grade 0..=12 (index = grade).
    templates: Vec<Vec<Template>>,
    in_scope: [bool; 13],
    student_slot: FxMap<'a>,
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl<'a> TaskEngine<'a> {
    /// Builds the engine: resolves windows per grade and indexes the records by
    /// student. Pass the activities and published growth messages of the
    /// school year (per-year requirements look at the whole year).
    pub fn new(
        rules: &'a PolicyRules,
        year: &'a SchoolYear,
        term_id: &str,
        activities: &'a [ActivityFact],
        growth: &'a [GrowthMessageFact],
        today: NaiveDate,
    ) -> Result<TaskEngine<'a>, EngineError> {
        let term = year
            .term(term_id)
            .ok_or_else(|| EngineError::UnknownTerm(term_id.to_owned()))?;
        if activities.len() >= GROWTH_BIT as usize || growth.len() >= GROWTH_BIT as usize {
            return Err(EngineError::TooManyActivities);
        }
        let mut in_scope = [false; 13];
        for g in rules.scope.all_grades() {
            if (0..=12).contains(&g) {
                in_scope[g as usize] = true;
            }
        }
        let templates = (0..=12)
            .map(|g| build_templates(rules, year, term, g, today))
            .collect();

        // Index: student id -> slot; then a flat CSR of record references.
        let pairs: usize = activities
            .iter()
            .map(|a| a.student_ids.len())
            .sum::<usize>()
            + growth.len();
        let mut student_slot: FxMap<'a> =
            HashMap::with_capacity_and_hasher(pairs / 8 + 16, Default::default());
        let mut counts: Vec<u32> = Vec::new();
        let mut slots: Vec<u32> = Vec::with_capacity(pairs);
        // Records usually arrive grouped by student: skip the hash on a repeat.
        let mut last: Option<(&'a str, u32)> = None;
        let mut slot_of = |id: &'a str, counts: &mut Vec<u32>| -> u32 {
            let s = match last {
                Some((l, s)) if l == id => s,
                _ => {
                    let next = counts.len() as u32;
                    let s = *student_slot.entry(id).or_insert(next);
                    if s == next {
                        counts.push(0);
                    }
                    last = Some((id, s));
                    s
                }
            };
            counts[s as usize] += 1;
            s
        };
        for a in activities {
            for sid in &a.student_ids {
                slots.push(slot_of(sid.as_str(), &mut counts));
            }
        }
        for g in growth {
            slots.push(slot_of(g.student_id.as_str(), &mut counts));
        }
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut acc = 0u32;
        offsets.push(0);
        for c in &counts {
            acc += c;
            offsets.push(acc);
        }
        let mut fill: Vec<u32> = offsets[..counts.len()].to_vec();
        let mut items = vec![0u32; slots.len()];
        let mut k = 0;
        for (i, a) in activities.iter().enumerate() {
            for _ in &a.student_ids {
                let s = slots[k] as usize;
                items[fill[s] as usize] = i as u32;
                fill[s] += 1;
                k += 1;
            }
        }
        for i in 0..growth.len() {
            let s = slots[k] as usize;
            items[fill[s] as usize] = i as u32 | GROWTH_BIT;
            fill[s] += 1;
            k += 1;
        }

        Ok(TaskEngine {
            rules,
            year,
            term,
            today,
            activities,
            growth,
            templates,
            in_scope,
            student_slot,
            offsets,
            items,
        })
    }

    /// The term judged.
    pub fn term(&self) -> &Term {
        self.term
    }

    /// The id of an evidence reference (an activity id or a growth-message id).
    pub fn evidence_id(&self, e: u32) -> &'a str {
        if e & GROWTH_BIT != 0 {
            &self.growth[(e & !GROWTH_BIT) as usize].id
        } else {
            &self.activities[e as usize].id
        }
    }

    /// Appends one student's rows to `buf.rows` (and their evidence to
    /// `buf.evidence`). Allocates nothing once the buffers have grown.
    pub fn evaluate_into(&self, student: &StudentTerm, buf: &mut Buffers) {
        let grade = student.grade.clamp(0, 12) as usize;
        let templates = &self.templates[grade];
        let in_scope = self.in_scope[grade] && student.grade == grade as i32;

        if !in_scope {
            for t in templates {
                buf.rows.push(Row {
                    kind: t.kind,
                    slot: t.slot,
                    status: StatusCode::NotApplicable,
                    reason: Some(NotApplicableReason::GradeNotInScope),
                    window: t.window,
                    suggested_event: None,
                    required: t.required,
                    counted: 0,
                    evidence_start: buf.evidence.len() as u32,
                    evidence_len: 0,
                    responsible: Responsible::Unassigned,
                });
            }
            return;
        }

        // Attribution of the student's records.
        buf.cands.clear();
        let first_from = student.assignments.iter().map(|a| a.from).min();
        if let Some(&slot) = self.student_slot.get(student.id.as_str()) {
            let (s, e) = (
                self.offsets[slot as usize] as usize,
                self.offsets[slot as usize + 1] as usize,
            );
            for &r in &self.items[s..e] {
                let (source, date, recorder) = if r & GROWTH_BIT != 0 {
                    let g = &self.growth[(r & !GROWTH_BIT) as usize];
                    (Source::Growth, g.published_on, g.mentor_id.as_str())
                } else {
                    let a = &self.activities[r as usize];
                    (
                        Source::Activity(a.kind),
                        a.occurred_on,
                        a.mentor_id.as_str(),
                    )
                };
                let by_mentor = student.assignments.iter().any(|a| {
                    a.mentor_id == recorder
                        && (a.covers(date) || (Some(a.from) == first_from && date < a.from))
                });
                let by_head_teacher = student.head_teacher_id.as_deref() == Some(recorder);
                buf.cands.push(Cand {
                    source,
                    date,
                    by_mentor,
                    by_head_teacher,
                    evidence: r,
                });
            }
        }

        // Who holds the student now, and since when (if it was a change).
        let at = self.today.clamp(self.term.starts_on, self.term.ends_on);
        let (responsible, handover_from) = responsible_at(student, at);
        let grace = Duration::days(i64::from(self.rules.tasks.handover_grace_days));
        let hv = &self.rules.tasks.home_visit;

        for t in templates {
            let mut row = Row {
                kind: t.kind,
                slot: t.slot,
                status: StatusCode::Due,
                reason: None,
                window: t.window,
                suggested_event: t.suggested_event,
                required: t.required,
                counted: 0,
                evidence_start: buf.evidence.len() as u32,
                evidence_len: 0,
                responsible,
            };
            if t.kind == RequirementKind::HomeVisit {
                if hv.condition == Some(StudentCondition::LivesInTown) && !student.lives_in_town {
                    row.status = StatusCode::NotApplicable;
                    row.reason = Some(NotApplicableReason::NotLivingInTown);
                    buf.rows.push(row);
                    continue;
                }
                if hv.lead == HomeVisitLead::HeadTeacher && student.head_teacher_id.is_some() {
                    row.responsible = Responsible::HeadTeacher;
                }
            }
            // A transfer: a period that ended before the student joined is
            // nobody's debt; a once-per-period task whose window closed
            // before (or soon after) the student joined gets the grace days.
            let mut window = t.window;
            let mut joined_late = false;
            if let Some(joined) = student.joined_on
                && joined > window.from
            {
                joined_late = true;
                let per_period = !matches!(
                    t.kind,
                    RequirementKind::ParentContact
                        | RequirementKind::SelfReport
                        | RequirementKind::ExamTalk
                );
                if per_period {
                    window.to = window.to.max(joined + grace);
                } else if joined > window.to {
                    row.status = StatusCode::NotApplicable;
                    row.reason = Some(NotApplicableReason::JoinedLater);
                    row.suggested_event = None;
                    buf.rows.push(row);
                    continue;
                }
            }
            // Handover: extend an open window for a mentor who took over late.
            if let Some(since) = handover_from
                && since > window.from
                && row.responsible != Responsible::HeadTeacher
            {
                window.to = window.to.max(since + grace);
            }
            let counted = count_evidence(t.kind, window, &buf.cands, self, &mut buf.evidence);
            row.counted = counted.min(u32::from(u16::MAX)) as u16;
            row.evidence_len = (buf.evidence.len() as u32 - row.evidence_start) as u16;
            if counted >= u32::from(t.required) {
                row.status = StatusCode::Done;
                row.suggested_event = None;
                // A transfer's window is the one they had, done or not.
                if joined_late {
                    row.window = window;
                }
            } else {
                // Unmet: evidence found so far is partial, keep it listed.
                row.window = window;
                row.status = if self.today <= window.to {
                    StatusCode::Due
                } else {
                    StatusCode::Overdue
                };
                if row.status == StatusCode::Overdue {
                    row.suggested_event = None;
                }
            }
            buf.rows.push(row);
        }
    }

    /// One student's requirements, with owned strings for the API.
    pub fn student_statuses(&self, student: &StudentTerm) -> Vec<RequirementStatus> {
        let mut buf = Buffers::default();
        self.evaluate_into(student, &mut buf);
        buf.rows
            .iter()
            .map(|r| self.describe(student, r, &buf.evidence))
            .collect()
    }

    /// Turns a compact row into its display form.
    pub fn describe(&self, student: &StudentTerm, r: &Row, evidence: &[u32]) -> RequirementStatus {
        let ev = &evidence
            [r.evidence_start as usize..r.evidence_start as usize + r.evidence_len as usize];
        let status = match r.status {
            StatusCode::Done => TaskStatus::Done {
                evidence: ev.iter().map(|e| self.evidence_id(*e).to_owned()).collect(),
            },
            StatusCode::Due => TaskStatus::Due { window: r.window },
            StatusCode::Overdue => TaskStatus::Overdue { window: r.window },
            StatusCode::NotApplicable => TaskStatus::NotApplicable {
                reason: r.reason.unwrap_or(NotApplicableReason::GradeNotInScope),
            },
        };
        let event = |i: u16| self.year.events.get(usize::from(i));
        let (label_zh, label_en, event_name) = match r.kind {
            RequirementKind::ExamTalk => {
                let name = event(r.slot).map(|e| e.name.clone()).unwrap_or_default();
                (
                    format!("{name}前后谈心"),
                    format!("Talk around {name}"),
                    Some(name),
                )
            }
            RequirementKind::ParentContact | RequirementKind::SelfReport => (
                format!("{}月{}", r.slot, r.kind.label_zh()),
                format!("{} ({})", r.kind.label_en(), month_en(r.slot)),
                None,
            ),
            k => (
                k.label_zh().to_owned(),
                k.label_en().to_owned(),
                r.suggested_event.and_then(event).map(|e| e.name.clone()),
            ),
        };
        let ew = self.rules.tasks.talks.exam_window;
        let suggested_window = r.suggested_event.and_then(event).map(|e| Window {
            from: e.date - Duration::days(i64::from(ew.days_before)),
            to: e.date + Duration::days(i64::from(ew.days_after)),
        });
        let responsible_mentor_id = match r.responsible {
            Responsible::Mentor(i) => student
                .assignments
                .get(usize::from(i))
                .map(|a| a.mentor_id.clone()),
            _ => None,
        };
        RequirementStatus {
            kind: r.kind,
            label_zh,
            label_en,
            required: u32::from(r.required),
            counted: u32::from(r.counted),
            window: r.window,
            status,
            suggested_window,
            event_name,
            responsible_mentor_id,
            head_teacher_leads: r.responsible == Responsible::HeadTeacher,
        }
    }

    /// Counts by status over a set of students.
    pub fn count_by_status<'s, I>(&self, students: I) -> StatusCounts
    where
        I: IntoIterator<Item = &'s StudentTerm>,
    {
        let mut buf = Buffers::default();
        let mut counts = StatusCounts::default();
        for s in students {
            buf.clear();
            self.evaluate_into(s, &mut buf);
            counts.add_student(&buf.rows);
        }
        counts
    }

    /// Every student's rows in one table: rows of `students[i]` are
    /// `rows[row_offsets[i]..row_offsets[i + 1]]`.
    pub fn evaluate_all(&self, students: &[StudentTerm]) -> StatusTable {
        let mut buf = Buffers::default();
        let per = self.templates.iter().map(Vec::len).max().unwrap_or(0);
        buf.rows.reserve(students.len() * per);
        let mut row_offsets = Vec::with_capacity(students.len() + 1);
        row_offsets.push(0u32);
        for s in students {
            self.evaluate_into(s, &mut buf);
            row_offsets.push(buf.rows.len() as u32);
        }
        StatusTable {
            rows: buf.rows,
            row_offsets,
            evidence: buf.evidence,
        }
    }
}

/// All students' rows, flat (see [`TaskEngine::evaluate_all`]).
#[derive(Debug, Clone, Default)]
pub struct StatusTable {
    /// Rows of every student, in student order.
    pub rows: Vec<Row>,
    /// `rows` offsets per student (length = students + 1).
    pub row_offsets: Vec<u32>,
    /// Evidence references of every row.
    pub evidence: Vec<u32>,
}

impl StatusTable {
    /// The rows of the `i`-th student.
    pub fn student_rows(&self, i: usize) -> &[Row] {
        &self.rows[self.row_offsets[i] as usize..self.row_offsets[i + 1] as usize]
    }
}

fn month_en(m: u16) -> &'static str {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    M.get(usize::from(m).wrapping_sub(1)).copied().unwrap_or("")
}

/// The responsible assignment at `at`, and the day it started if it replaced
/// an earlier assignment (a mid-year change).
fn responsible_at(student: &StudentTerm, at: NaiveDate) -> (Responsible, Option<NaiveDate>) {
    let a = &student.assignments;
    if a.is_empty() {
        return (Responsible::Unassigned, None);
    }
    // Covering `at` (latest start wins), else the latest started before, else the earliest.
    let pick = a
        .iter()
        .enumerate()
        .filter(|(_, x)| x.covers(at))
        .max_by_key(|(_, x)| x.from)
        .or_else(|| {
            a.iter()
                .enumerate()
                .filter(|(_, x)| x.from <= at)
                .max_by_key(|(_, x)| x.from)
        })
        .or_else(|| a.iter().enumerate().min_by_key(|(_, x)| x.from));
    match pick {
        Some((i, x)) => {
            let replaced = a.iter().any(|o| o.from < x.from);
            (
                Responsible::Mentor(i.min(usize::from(u16::MAX)) as u16),
                replaced.then_some(x.from),
            )
        }
        None => (Responsible::Unassigned, None),
    }
}

fn count_evidence(
    kind: RequirementKind,
    w: Window,
    cands: &[Cand],
    engine: &TaskEngine<'_>,
    evidence: &mut Vec<u32>,
) -> u32 {
    let accepts = |c: &Cand| -> bool {
        if !w.contains(c.date) {
            return false;
        }
        match (kind, c.source) {
            (RequirementKind::HomeVisit, Source::Activity(ActivityKind::HomeVisit))
            | (RequirementKind::ParentContact, Source::Activity(ActivityKind::ParentContact)) => {
                c.by_mentor || c.by_head_teacher
            }
            (
                RequirementKind::Talks | RequirementKind::ExamTalk,
                Source::Activity(ActivityKind::Talk),
            )
            | (RequirementKind::SelfReport, Source::Activity(ActivityKind::StudentReport))
            | (RequirementKind::OptionalActions, Source::Activity(ActivityKind::OptionalAction))
            | (RequirementKind::GrowthMessage, Source::Growth) => c.by_mentor,
            _ => false,
        }
    };
    if kind != RequirementKind::OptionalActions {
        let mut n = 0;
        for c in cands.iter().filter(|c| accepts(c)) {
            evidence.push(c.evidence);
            n += 1;
        }
        return n;
    }
    // Optional actions: distinct items of the menu (any item if no menu).
    let menu = &engine.rules.tasks.optional_actions.menu;
    let start = evidence.len();
    let mut n = 0;
    for c in cands.iter().filter(|c| accepts(c)) {
        let code = engine.activities[c.evidence as usize]
            .optional_action
            .as_deref();
        let on_menu = match code {
            Some(code) => menu.is_empty() || menu.iter().any(|m| m.code == code),
            None => menu.is_empty(),
        };
        if !on_menu {
            continue;
        }
        let seen = code.is_some()
            && evidence[start..]
                .iter()
                .any(|&e| engine.activities[e as usize].optional_action.as_deref() == code);
        evidence.push(c.evidence);
        if !seen {
            n += 1;
        }
    }
    n
}

fn period(cadence: Cadence, year: &SchoolYear, term: &Term) -> (NaiveDate, NaiveDate) {
    match cadence {
        Cadence::PerTerm => (term.starts_on, term.ends_on),
        Cadence::PerYear => (year.starts_on(), year.ends_on()),
    }
}

fn resolve(spec: &WindowSpec, (s, e): (NaiveDate, NaiveDate)) -> Window {
    let (from, to) = spec.resolve(s, e);
    Window { from, to }
}

fn build_templates(
    rules: &PolicyRules,
    year: &SchoolYear,
    term: &Term,
    grade: i32,
    today: NaiveDate,
) -> Vec<Template> {
    let t = &rules.tasks;
    let mut out = Vec::new();
    let sat16 = |n: u32| n.min(u32::from(u16::MAX)) as u16;
    if t.home_visit.count > 0 {
        out.push(Template {
            kind: RequirementKind::HomeVisit,
            slot: 0,
            window: resolve(
                &t.home_visit.window,
                period(t.home_visit.cadence, year, term),
            ),
            required: sat16(t.home_visit.count),
            suggested_event: None,
        });
    }
    let exams: Vec<(usize, Window)> = year
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EventKind::KeyExam && e.applies_to(grade))
        .filter(|(_, e)| term.starts_on <= e.date && e.date <= term.ends_on)
        .map(|(i, e)| {
            (
                i,
                Window {
                    from: e.date - Duration::days(i64::from(t.talks.exam_window.days_before)),
                    to: e.date + Duration::days(i64::from(t.talks.exam_window.days_after)),
                },
            )
        })
        .collect();
    if t.talks.count_per_term > 0 {
        let suggest = if t.talks.triggers.iter().any(|x| x.is_exam()) {
            exams
                .iter()
                .filter(|(_, w)| w.to >= today)
                .min_by_key(|(_, w)| w.from)
                .map(|(i, _)| (*i).min(usize::from(u16::MAX)) as u16)
        } else {
            None
        };
        out.push(Template {
            kind: RequirementKind::Talks,
            slot: 0,
            window: resolve(&t.talks.window, (term.starts_on, term.ends_on)),
            required: sat16(t.talks.count_per_term),
            suggested_event: suggest,
        });
    }
    if t.talks.one_per_key_exam {
        for (i, w) in &exams {
            out.push(Template {
                kind: RequirementKind::ExamTalk,
                slot: (*i).min(usize::from(u16::MAX)) as u16,
                window: *w,
                required: 1,
                suggested_event: None,
            });
        }
    }
    if t.growth_message.count > 0 {
        out.push(Template {
            kind: RequirementKind::GrowthMessage,
            slot: 0,
            window: resolve(
                &t.growth_message.window,
                period(t.growth_message.cadence, year, term),
            ),
            required: sat16(t.growth_message.count),
            suggested_event: None,
        });
    }
    let months = term_months(term);
    for (kind, rule) in [
        (RequirementKind::ParentContact, t.parent_contact),
        (RequirementKind::SelfReport, t.self_report),
    ] {
        if rule.per_month > 0 {
            for (m, w) in &months {
                out.push(Template {
                    kind,
                    slot: *m as u16,
                    window: *w,
                    required: sat16(rule.per_month),
                    suggested_event: None,
                });
            }
        }
    }
    if t.optional_actions.min_per_term > 0 {
        out.push(Template {
            kind: RequirementKind::OptionalActions,
            slot: 0,
            window: Window {
                from: term.starts_on,
                to: term.ends_on,
            },
            required: sat16(t.optional_actions.min_per_term),
            suggested_event: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fx_hasher_distinguishes() {
        let mut a = FxHasher::default();
        a.write(b"student-000001");
        let mut b = FxHasher::default();
        b.write(b"student-000002");
        assert_ne!(a.finish(), b.finish());
    }
}
