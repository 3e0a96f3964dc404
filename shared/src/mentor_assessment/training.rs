//! Mentor training (导师培训, 篇1): courses of the school or the district
//! (e.g. the four series, 单周一研 every other week), their sessions, and
//! when a teacher has completed the required training — the day probation
//! starts from.

use std::collections::HashMap;

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validation::Violation;

/// Most sessions scheduled at once.
pub const MAX_SESSIONS_SCHEDULED: usize = 60;
/// Most characters in a course's name or a session's topic.
pub const MAX_NAME_CHARS: usize = 60;
/// Most sessions a required course may ask for.
pub const MAX_SESSIONS_REQUIRED: u32 = 40;

/// Who runs a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "TrainingProvider"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Provider {
    /// 校本培训.
    School,
    /// 区级培训 (the district's, attended by the school's teachers).
    District,
}

/// How often a course meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "TrainingCadence"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Cadence {
    /// Once.
    Once,
    /// Every week.
    Weekly,
    /// Every other week (e.g. 单周一研).
    Biweekly,
    /// Every month.
    Monthly,
}

macro_rules! codes {
    ($t:ty, $($v:ident => $c:literal),+) => {
        impl $t {
            /// Stable code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$v => $c),+ }
            }
            /// Parses a code.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($c => Some(Self::$v),)+ _ => None }
            }
        }
    };
}
codes!(Provider, School => "SCHOOL", District => "DISTRICT");
codes!(Cadence, Once => "ONCE", Weekly => "WEEKLY", Biweekly => "BIWEEKLY", Monthly => "MONTHLY");

/// The dates of a course's sessions from `from` through `until` at its
/// cadence (one date for `Once`); `None` when that would be more than
/// [`MAX_SESSIONS_SCHEDULED`] or `until` is before `from`.
pub fn schedule(cadence: Cadence, from: NaiveDate, until: NaiveDate) -> Option<Vec<NaiveDate>> {
    if until < from {
        return None;
    }
    let mut out = vec![];
    let mut k: u32 = 0;
    loop {
        let d = match cadence {
            Cadence::Once => from,
            Cadence::Weekly => from + Duration::weeks(i64::from(k)),
            Cadence::Biweekly => from + Duration::weeks(2 * i64::from(k)),
            Cadence::Monthly => from.checked_add_months(Months::new(k))?,
        };
        if d > until || (cadence == Cadence::Once && k > 0) {
            break;
        }
        out.push(d);
        if out.len() > MAX_SESSIONS_SCHEDULED {
            return None;
        }
        k += 1;
    }
    Some(out)
}

/// Every problem with a course's definition.
pub fn check_course(name: &str, required: bool, sessions_required: u32) -> Vec<Violation> {
    let mut out = vec![];
    if !(1..=MAX_NAME_CHARS).contains(&name.trim().chars().count()) {
        out.push(Violation::new(
            "name".into(),
            format!("课程名称须为1–{MAX_NAME_CHARS}字"),
            "Name: 1–60 characters".into(),
        ));
    }
    if required && !(1..=MAX_SESSIONS_REQUIRED).contains(&sessions_required) {
        out.push(Violation::new(
            "sessionsRequired".into(),
            format!("必修课程须出勤1–{MAX_SESSIONS_REQUIRED}次"),
            "A required course asks for 1–40 sessions".into(),
        ));
    }
    out
}

/// A required course: attend at least `sessions` of its sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The course.
    pub course: String,
    /// Sessions to attend.
    pub sessions: u32,
}

/// A teacher's progress in one required course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The course.
    pub course: String,
    /// Sessions attended.
    pub attended: u32,
    /// Sessions to attend.
    pub required: u32,
    /// The day the requirement was met.
    pub met_on: Option<NaiveDate>,
}

/// Progress per required course from the sessions attended (course, day).
pub fn progress(required: &[Requirement], attended: &[(String, NaiveDate)]) -> Vec<Progress> {
    let mut by_course: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for (c, d) in attended {
        by_course.entry(c.as_str()).or_default().push(*d);
    }
    required
        .iter()
        .map(|r| {
            let mut days = by_course
                .get(r.course.as_str())
                .cloned()
                .unwrap_or_default();
            days.sort_unstable();
            let n = r.sessions.max(1) as usize;
            Progress {
                course: r.course.clone(),
                attended: days.len() as u32,
                required: r.sessions,
                met_on: days.get(n - 1).copied(),
            }
        })
        .collect()
}

/// The day the required training was completed: every required course met,
/// on the day the last was met. `None` without any required course.
pub fn completed_on(
    required: &[Requirement],
    attended: &[(String, NaiveDate)],
) -> Option<NaiveDate> {
    if required.is_empty() {
        return None;
    }
    progress(required, attended)
        .into_iter()
        .map(|p| p.met_on)
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn biweekly_meets_every_other_week() {
        let s = schedule(Cadence::Biweekly, d("2026-09-07"), d("2026-10-31")).expect("dates");
        assert_eq!(
            s,
            vec![
                d("2026-09-07"),
                d("2026-09-21"),
                d("2026-10-05"),
                d("2026-10-19")
            ]
        );
        assert_eq!(
            schedule(Cadence::Once, d("2026-09-07"), d("2026-12-31"))
                .expect("one")
                .len(),
            1
        );
        assert_eq!(
            schedule(Cadence::Monthly, d("2026-01-31"), d("2026-03-31"))
                .expect("m")
                .len(),
            3
        );
        assert!(schedule(Cadence::Weekly, d("2026-01-01"), d("2028-01-01")).is_none());
        assert!(schedule(Cadence::Weekly, d("2026-02-01"), d("2026-01-01")).is_none());
    }

    #[test]
    fn completion_is_the_day_the_last_requirement_is_met() {
        let req = vec![
            Requirement {
                course: "a".into(),
                sessions: 2,
            },
            Requirement {
                course: "b".into(),
                sessions: 1,
            },
        ];
        let mut att = vec![
            ("a".to_string(), d("2026-09-07")),
            ("b".to_string(), d("2026-09-10")),
        ];
        assert_eq!(completed_on(&req, &att), None);
        att.push(("a".to_string(), d("2026-09-21")));
        assert_eq!(completed_on(&req, &att), Some(d("2026-09-21")));
        assert_eq!(completed_on(&[], &att), None);
        assert_eq!(check_course(" ", true, 0).len(), 2);
        assert!(check_course("导师基础", true, 4).is_empty());
    }

    proptest! {
        #[test]
        fn completion_never_precedes_any_requirement(
            days in prop::collection::vec((0u8..3, 0i64..200), 0..30),
            need in prop::collection::vec(1u32..4, 1..3),
        ) {
            let base = d("2026-09-01");
            let att: Vec<(String, NaiveDate)> = days.iter().map(|(c, k)| (c.to_string(), base + Duration::days(*k))).collect();
            let req: Vec<Requirement> = need.iter().enumerate().map(|(i, n)| Requirement { course: i.to_string(), sessions: *n }).collect();
            // Same inputs in any order, same day.
            let mut rev = att.clone();
            rev.reverse();
            prop_assert_eq!(completed_on(&req, &att), completed_on(&req, &rev));
            if let Some(done) = completed_on(&req, &att) {
                for r in &req {
                    let before = att.iter().filter(|(c, day)| *c == r.course && *day <= done).count();
                    prop_assert!(before as u32 >= r.sessions);
                }
            }
        }
    }
}
