//! The school-year calendar: terms, key exams and other dated events, and the
//! windows derived from them.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::policy::PolicyRules;
use crate::validation::Violation;

/// A term (学期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Stable id, e.g. "2025-1".
    pub id: String,
    /// Display name, e.g. "2025学年第一学期".
    pub name: String,
    /// First school day.
    pub starts_on: NaiveDate,
    /// Last school day.
    pub ends_on: NaiveDate,
}

/// What kind of day a calendar event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// 重要考试: opens the before/after talk windows.
    KeyExam,
    /// A school-wide life event (e.g. 入学, 毕业, a move).
    LifeEvent,
    /// Anything else.
    Other,
}

/// A dated event of the school calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEvent {
    /// Kind.
    pub kind: EventKind,
    /// The day (for a multi-day exam, its first day).
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    #[serde(default)]
    pub grades: Vec<i32>,
    /// Display name, e.g. "期中考试".
    pub name: String,
}

impl CalendarEvent {
    /// Whether the event concerns a grade.
    pub fn applies_to(&self, grade: i32) -> bool {
        self.grades.is_empty() || self.grades.contains(&grade)
    }
}

/// A school year (学年): its terms in order and its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolYear {
    /// Stable id, e.g. "2025".
    pub id: String,
    /// Terms, in order.
    pub terms: Vec<Term>,
    /// Events of the year.
    #[serde(default)]
    pub events: Vec<CalendarEvent>,
}

impl SchoolYear {
    /// First day of the first term (`NaiveDate::MIN` if there are no terms).
    pub fn starts_on(&self) -> NaiveDate {
        self.terms
            .iter()
            .map(|t| t.starts_on)
            .min()
            .unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the last term.
    pub fn ends_on(&self) -> NaiveDate {
        self.terms
            .iter()
            .map(|t| t.ends_on)
            .max()
            .unwrap_or(NaiveDate::MIN)
    }

    /// A term by id.
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// The term containing a day, if any.
    pub fn term_on(&self, day: NaiveDate) -> Option<&Term> {
        self.terms
            .iter()
            .find(|t| t.starts_on <= day && day <= t.ends_on)
    }

    /// Every problem with the calendar (paths `terms.1.starts_on`, `events.0.grades` …).
    pub fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.terms.is_empty() {
            out.push(Violation::new(
                "terms".into(),
                "学年至少包含一个学期".into(),
                "A school year needs at least one term".into(),
            ));
        }
        for (i, t) in self.terms.iter().enumerate() {
            if t.id.trim().is_empty() || self.terms[..i].iter().any(|o| o.id == t.id) {
                out.push(Violation::new(
                    format!("terms.{i}.id"),
                    "学期编号为空或重复".into(),
                    "Term id is empty or used twice".into(),
                ));
            }
            if t.starts_on > t.ends_on {
                out.push(Violation::new(
                    format!("terms.{i}.ends_on"),
                    "学期结束日期早于开始日期".into(),
                    "The term ends before it starts".into(),
                ));
            }
            if i > 0 && self.terms[i - 1].ends_on >= t.starts_on {
                out.push(Violation::new(
                    format!("terms.{i}.starts_on"),
                    "学期须按时间顺序排列且不能重叠".into(),
                    "Terms must be in order and must not overlap".into(),
                ));
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            if e.name.trim().is_empty() {
                out.push(Violation::new(
                    format!("events.{i}.name"),
                    "事件名称不能为空".into(),
                    "The event needs a name".into(),
                ));
            }
            if e.grades.iter().any(|g| !(1..=12).contains(g)) {
                out.push(Violation::new(
                    format!("events.{i}.grades"),
                    "年级应为1–12".into(),
                    "Grades are 1–12".into(),
                ));
            }
        }
        out
    }
}

/// A concrete window of days, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Window {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Window {
    /// Whether a day lies in the window.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// The talk windows key exams open for a grade in a term (policy lengths).
pub fn exam_talk_windows<'y>(
    rules: &PolicyRules,
    year: &'y SchoolYear,
    term: &Term,
    grade: i32,
) -> Vec<(&'y CalendarEvent, Window)> {
    let ew = rules.tasks.talks.exam_window;
    year.events
        .iter()
        .filter(|e| e.kind == EventKind::KeyExam && e.applies_to(grade))
        .filter(|e| term.starts_on <= e.date && e.date <= term.ends_on)
        .map(|e| {
            (
                e,
                Window {
                    from: e.date - Duration::days(i64::from(ew.days_before)),
                    to: e.date + Duration::days(i64::from(ew.days_after)),
                },
            )
        })
        .collect()
}

/// Calendar months of the term as windows; stubs shorter than 7 days are
/// merged into the neighbouring month. Returns (month, window).
pub fn term_months(term: &Term) -> Vec<(u32, Window)> {
    let mut out: Vec<(u32, Window)> = Vec::new();
    let mut d = term.starts_on;
    while d <= term.ends_on {
        let (y, m) = (d.year(), d.month());
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        }
        .unwrap_or(NaiveDate::MAX);
        let to = (next - Duration::days(1)).min(term.ends_on);
        out.push((m, Window { from: d, to }));
        d = next;
    }
    let len = |w: &Window| (w.to - w.from).num_days() + 1;
    if out.len() >= 2 && len(&out[0].1) < 7 {
        let first = out.remove(0);
        out[0].1.from = first.1.from;
    }
    if out.len() >= 2 && len(&out[out.len() - 1].1) < 7 {
        let last = out.pop().map(|x| x.1.to);
        if let (Some(to), Some(prev)) = (last, out.last_mut()) {
            prev.1.to = to;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_merge_stubs() {
        let t = Term {
            id: "t".into(),
            name: "t".into(),
            starts_on: d(2026, 2, 27),
            ends_on: d(2026, 7, 3),
        };
        let m = term_months(&t);
        assert_eq!(m.first().unwrap().0, 3);
        assert_eq!(m.first().unwrap().1.from, d(2026, 2, 27));
        assert_eq!(m.last().unwrap().0, 6);
        assert_eq!(m.last().unwrap().1.to, d(2026, 7, 3));
        assert_eq!(m.len(), 4);
    }
}
