//! Dashboards (issue 13): the school's (admin; grade leader for their
//! grades), the district's (aggregates only) with each school's summary,
//! and the district's review of school plans (备案). Charts are the SVG
//! components of [`charts`].

pub mod charts;
mod district;
mod plans;
mod school;

pub use district::{DistrictDashboard, DistrictSchoolSummary};
pub use plans::{PlanFilingStatus, PlanFilings};
pub use school::{DashboardSummary, GradeDashboard, SchoolDashboard};

use crate::ops;
use crate::pages::tasks::KindRow;

/// Indicators of one scope, as the pages read them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ind {
    pub students: i64,
    pub matched: i64,
    pub coverage: Option<i64>,
    pub mentors: i64,
    pub over_cap: i64,
    pub max_load: i64,
    pub cap: i64,
    pub task_students: i64,
    pub task_overdue: i64,
    pub on_track: Option<i64>,
    pub kinds: Vec<KindRow>,
    pub written: i64,
    pub reviewed: i64,
    pub published: i64,
    pub contacts: i64,
    pub face_pct: Option<i64>,
    pub care_open: i64,
    pub care_avg: Option<i64>,
    pub appointed: i64,
    pub training: i64,
}

/// A named part (grade, class, mentor, school, stage, term).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartVm {
    pub key: String,
    pub name: String,
    pub group: String,
    pub ind: Ind,
}

/// A day of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendVm {
    pub day: String,
    pub on_track: Option<i64>,
    pub coverage: Option<i64>,
}

macro_rules! indicators_from {
    ($m:ident) => {
        impl From<ops::$m::KindFields> for KindRow {
            fn from(k: ops::$m::KindFields) -> KindRow {
                KindRow {
                    kind: k.kind.0,
                    done: k.done,
                    due: k.due,
                    overdue: k.overdue,
                    students: k.students,
                    students_done: k.students_done,
                    students_overdue: k.students_overdue,
                    on_track_percent: k.on_track_percent,
                }
            }
        }
        impl From<ops::$m::Totals> for Ind {
            fn from(t: ops::$m::Totals) -> Ind {
                Ind {
                    students: t.students,
                    matched: t.matched,
                    coverage: t.coverage_percent,
                    mentors: t.mentors,
                    over_cap: t.mentors_over_cap,
                    max_load: t.max_load,
                    cap: t.load_cap,
                    task_students: t.tasks.students,
                    task_overdue: t.tasks.students_with_overdue,
                    on_track: t.tasks.on_track_percent,
                    kinds: t.tasks.by_kind.into_iter().map(KindRow::from).collect(),
                    written: t.messages_written,
                    reviewed: t.messages_reviewed,
                    published: t.messages_published,
                    contacts: t.contacts,
                    face_pct: t.face_to_face_percent,
                    care_open: t.care_open,
                    care_avg: t.care_avg_response_minutes,
                    appointed: t.mentors_appointed,
                    training: t.mentors_in_training,
                }
            }
        }
        impl From<ops::$m::PartFields> for PartVm {
            fn from(p: ops::$m::PartFields) -> PartVm {
                PartVm {
                    key: p.key,
                    name: p.name,
                    group: p.group,
                    ind: p.totals.into(),
                }
            }
        }
    };
}

macro_rules! trend_from {
    ($m:ident) => {
        impl From<ops::$m::TrendFields> for TrendVm {
            fn from(p: ops::$m::TrendFields) -> TrendVm {
                TrendVm {
                    day: p.day,
                    on_track: p.on_track_percent,
                    coverage: p.coverage_percent,
                }
            }
        }
    };
}

indicators_from!(school_dashboard_page);
indicators_from!(recompute_school_insights);
indicators_from!(district_dashboard_page);
indicators_from!(district_school_summary_page);
trend_from!(school_dashboard_page);
trend_from!(recompute_school_insights);
trend_from!(district_dashboard_page);

/// `MM-DD` of an ISO day, for chart axes.
pub fn short_day(day: &str) -> String {
    day.get(5..).unwrap_or(day).to_string()
}
