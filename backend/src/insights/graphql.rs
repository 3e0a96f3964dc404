//! GraphQL types and operations of insights: the school and district
//! dashboards (counts only above the school) and plan reviews (备案).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use shared::org::SchoolStage;

use super::indicators::{Indicators, percent};
use super::review::{self, Filing};
use super::service::{self, Part, TrendPoint};
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};
use crate::policy::graphql::{PolicyChange, PolicyVersion};
use crate::policy::task_types::TaskCounts;

fn i(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Indicators over a scope (counts and rates only).
#[derive(SimpleObject)]
pub struct IndicatorSet {
    /// Students.
    pub students: i32,
    /// Students with a mentor on the day (coverage).
    pub matched: i32,
    /// `matched` of `students`, whole percent.
    pub coverage_percent: Option<i32>,
    /// Mentors holding students.
    pub mentors: i32,
    /// Mentors holding more than the policy's cap.
    pub mentors_over_cap: i32,
    /// The largest load (students per mentor).
    pub max_load: i32,
    /// The policy's cap (0: no policy).
    pub load_cap: i32,
    /// Task status against the calendar (the engine's counts).
    pub tasks: TaskCounts,
    /// Growth messages written this term.
    pub messages_written: i32,
    /// Of those, reviewed (or published).
    pub messages_reviewed: i32,
    /// Of those, published.
    pub messages_published: i32,
    /// Home visits and parent contacts this term.
    pub contacts: i32,
    /// Of those, face to face (in person or at home).
    pub contacts_face_to_face: i32,
    /// Face-to-face share, whole percent.
    pub face_to_face_percent: Option<i32>,
    /// Care cases open.
    pub care_open: i32,
    /// Cases of the term acknowledged.
    pub care_acknowledged: i32,
    /// Average minutes from a case's opening to its acknowledgement.
    pub care_avg_response_minutes: Option<i32>,
    /// Mentors appointed (聘任).
    pub mentors_appointed: i32,
    /// Mentors not yet appointed (training, probation, deferred).
    pub mentors_in_training: i32,
}

impl From<&Indicators> for IndicatorSet {
    fn from(x: &Indicators) -> Self {
        IndicatorSet {
            students: i(x.students),
            matched: i(x.matched),
            coverage_percent: percent(x.matched, x.students).map(i),
            mentors: i(x.mentors),
            mentors_over_cap: i(x.mentors_over_cap),
            max_load: i(x.max_load),
            load_cap: i(x.load_cap),
            tasks: (&x.tasks).into(),
            messages_written: i(x.messages[0]),
            messages_reviewed: i(x.messages[1]),
            messages_published: i(x.messages[2]),
            contacts: i(x.contacts),
            contacts_face_to_face: i(x.contacts_face),
            face_to_face_percent: percent(x.contacts_face, x.contacts).map(i),
            care_open: i(x.care_open),
            care_acknowledged: i(x.care_acknowledged),
            care_avg_response_minutes: (x.care_acknowledged > 0)
                .then(|| i(x.care_ack_minutes / x.care_acknowledged)),
            mentors_appointed: i(x.mentors_appointed),
            mentors_in_training: i(x.mentors_training),
        }
    }
}

/// One part of a dashboard: a grade, class, mentor (school level only),
/// school, stage or term.
#[derive(SimpleObject)]
pub struct DashboardPart {
    /// Its key: a grade, a class or staff id (school level), a school id, a
    /// stage code, a term's first day.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The grade or stage it belongs to (may be empty).
    pub group: String,
    /// The indicators.
    pub totals: IndicatorSet,
}

impl From<&Part> for DashboardPart {
    fn from(p: &Part) -> Self {
        DashboardPart {
            key: p.key.clone(),
            name: p.name.clone(),
            group: p.group.clone(),
            totals: (&p.totals).into(),
        }
    }
}

/// One day of a trend (rates only).
#[derive(SimpleObject)]
pub struct DashboardTrendPoint {
    /// The day.
    pub day: NaiveDate,
    /// Students with nothing overdue, whole percent.
    pub on_track_percent: Option<i32>,
    /// Coverage, whole percent.
    pub coverage_percent: Option<i32>,
    /// Face-to-face share of contacts, whole percent.
    pub face_to_face_percent: Option<i32>,
    /// Growth messages published so far.
    pub messages_published: i32,
}

impl From<&TrendPoint> for DashboardTrendPoint {
    fn from(p: &TrendPoint) -> Self {
        let t = &p.totals;
        DashboardTrendPoint {
            day: p.day,
            on_track_percent: percent(t.task_on_track, t.task_students).map(i),
            coverage_percent: percent(t.matched, t.students).map(i),
            face_to_face_percent: percent(t.contacts_face, t.contacts).map(i),
            messages_published: i(t.messages[2]),
        }
    }
}

/// A student without a mentor (school admin only).
#[derive(SimpleObject)]
pub struct UnmatchedStudent {
    /// The student.
    pub student_id: ID,
    /// Name.
    pub name: String,
    /// Class.
    pub class_name: String,
}

/// The school dashboard (school admin; a grade leader: their grades).
#[derive(SimpleObject)]
pub struct SchoolDashboard {
    /// The school's name.
    pub school_name: String,
    /// The term shown.
    pub term_name: Option<String>,
    /// The day the figures are of (none: not computed yet).
    pub as_of: Option<NaiveDate>,
    /// When they were computed.
    pub computed_at: Option<DateTime<Utc>>,
    /// The grades shown to a grade leader; none: the whole school.
    pub grades: Option<Vec<i32>>,
    /// The whole shown.
    pub totals: IndicatorSet,
    /// Per grade.
    pub by_grade: Vec<DashboardPart>,
    /// Per class.
    pub by_class: Vec<DashboardPart>,
    /// Per mentor (school admin only).
    pub by_mentor: Vec<DashboardPart>,
    /// Per computed day of the term.
    pub trend: Vec<DashboardTrendPoint>,
    /// Students without a mentor today (school admin only; at most 200).
    pub unmatched: Vec<UnmatchedStudent>,
}

impl From<service::SchoolDashboard> for SchoolDashboard {
    fn from(d: service::SchoolDashboard) -> Self {
        let parts = |v: &[Part]| v.iter().map(Into::into).collect();
        SchoolDashboard {
            school_name: d.school_name,
            term_name: d.term_name,
            as_of: d.day,
            computed_at: d.computed_at,
            grades: d.grades,
            totals: (&d.totals).into(),
            by_grade: parts(&d.by_grade),
            by_class: parts(&d.by_class),
            by_mentor: parts(&d.by_mentor),
            trend: d.trend.iter().map(Into::into).collect(),
            unmatched: d
                .unmatched
                .into_iter()
                .map(|u| UnmatchedStudent {
                    student_id: id(u.id),
                    name: u.name,
                    class_name: u.class_name,
                })
                .collect(),
        }
    }
}

/// The district dashboard: aggregates only, never a name or id of a person.
#[derive(SimpleObject)]
pub struct DistrictDashboard {
    /// The district's name.
    pub district_name: String,
    /// The latest day computed.
    pub as_of: Option<NaiveDate>,
    /// The district's sum (the reference line of the charts).
    pub totals: IndicatorSet,
    /// Per school (key: school id; group: stage code).
    pub schools: Vec<DashboardPart>,
    /// Per stage (`primary`, `middle`, `high`).
    pub stages: Vec<DashboardPart>,
    /// The district per computed day of the current term.
    pub trend: Vec<DashboardTrendPoint>,
    /// The district per term (at each term's last computed day).
    pub terms: Vec<DashboardPart>,
}

/// One school's per-grade summary, as the district reads it.
#[derive(SimpleObject)]
pub struct DistrictSchoolSummary {
    /// The school.
    pub school_id: ID,
    /// Its name.
    pub school_name: String,
    /// Its stage.
    pub stage: SchoolStage,
    /// The day the figures are of.
    pub as_of: Option<NaiveDate>,
    /// Per grade.
    pub by_grade: Vec<DashboardPart>,
}

/// Where a school's plan stands with the district.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PlanStatus {
    /// The school files no plan of its own (the baseline applies).
    NoPlan,
    /// Filed, not yet reviewed.
    Pending,
    /// Reviewed by the district.
    Reviewed,
    /// Sent back with a comment.
    Returned,
}

/// The district's decision on a plan.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PlanDecision {
    /// Mark reviewed.
    Reviewed,
    /// Return with a comment.
    Returned,
}

/// One school's filed plan (备案).
#[derive(SimpleObject)]
pub struct PlanFiling {
    /// The school.
    pub school_id: ID,
    /// Its name.
    pub school_name: String,
    /// The current plan version.
    pub current: Option<PolicyVersion>,
    /// The baseline version compared against.
    pub baseline_version: Option<i32>,
    /// What the plan changes from the baseline.
    pub diff_from_baseline: Vec<PolicyChange>,
    /// The status.
    pub status: PlanStatus,
    /// The district's comment.
    pub comment: Option<String>,
    /// When reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl From<Filing> for PlanFiling {
    fn from(f: Filing) -> Self {
        let status = match (&f.current, f.review.as_ref().map(|r| r.status.as_str())) {
            (None, _) => PlanStatus::NoPlan,
            (Some(_), Some("reviewed")) => PlanStatus::Reviewed,
            (Some(_), Some(_)) => PlanStatus::Returned,
            (Some(_), None) => PlanStatus::Pending,
        };
        PlanFiling {
            school_id: id(f.school.id),
            school_name: f.school.name.clone(),
            current: f.current.as_ref().map(Into::into),
            baseline_version: f.baseline.as_ref().map(|b| b.row.version),
            diff_from_baseline: f
                .diff
                .iter()
                .map(|c| PolicyChange {
                    path: c.path.clone(),
                    before: c.before.clone().map(async_graphql::Json),
                    after: c.after.clone().map(async_graphql::Json),
                })
                .collect(),
            status,
            comment: f
                .review
                .as_ref()
                .map(|r| r.comment.clone())
                .filter(|c| !c.is_empty()),
            reviewed_at: f.review.as_ref().map(|r| r.reviewed_at),
        }
    }
}

/// Dashboard and plan-review queries.
#[derive(Default)]
pub struct InsightsQuery;

#[Object]
impl InsightsQuery {
    /// The school dashboard of the caller's school (school admin; a grade
    /// leader sees their grades only), from the pre-computed indicators.
    async fn school_dashboard(&self, cx: &Context<'_>) -> GqlResult<SchoolDashboard> {
        Ok(
            service::school_dashboard(ctx_of(cx)?, crate::clock::today())
                .await?
                .into(),
        )
    }

    /// The district dashboard (district admin): per school, stage and term,
    /// aggregates only.
    async fn district_dashboard(&self, cx: &Context<'_>) -> GqlResult<DistrictDashboard> {
        let d = service::district_dashboard(ctx_of(cx)?, crate::clock::today()).await?;
        let parts = |v: &[Part]| v.iter().map(Into::into).collect();
        Ok(DistrictDashboard {
            district_name: d.district_name,
            as_of: d.day,
            totals: (&d.totals).into(),
            schools: parts(&d.schools),
            stages: parts(&d.stages),
            trend: d.trend.iter().map(Into::into).collect(),
            terms: parts(&d.terms),
        })
    }

    /// One school's per-grade summary (district admin; aggregates only).
    async fn district_school_summary(
        &self,
        cx: &Context<'_>,
        school_id: ID,
    ) -> GqlResult<DistrictSchoolSummary> {
        let (s, parts, day) = service::district_school_summary(
            ctx_of(cx)?,
            parse_id(&school_id, "学校")?,
            crate::clock::today(),
        )
        .await?;
        Ok(DistrictSchoolSummary {
            school_id: id(s.id),
            school_name: s.name,
            stage: SchoolStage::from_code(&s.stage).unwrap_or(SchoolStage::Middle),
            as_of: day,
            by_grade: parts.iter().map(Into::into).collect(),
        })
    }

    /// Filed school plans (备案): every school's for the district admin,
    /// the own school's for its admin.
    async fn plan_filings(&self, cx: &Context<'_>) -> GqlResult<Vec<PlanFiling>> {
        Ok(review::plan_filings(ctx_of(cx)?, crate::clock::today())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// Dashboard and plan-review mutations.
#[derive(Default)]
pub struct InsightsMutation;

#[Object]
impl InsightsMutation {
    /// Recomputes today's indicators of the caller's school now (school
    /// admin), instead of waiting for the nightly job.
    async fn recompute_school_insights(&self, cx: &Context<'_>) -> GqlResult<SchoolDashboard> {
        let ctx = ctx_of(cx)?;
        super::aggregate::refresh_own_school(ctx, crate::clock::today()).await?;
        Ok(service::school_dashboard(ctx, crate::clock::today())
            .await?
            .into())
    }

    /// Files the district's review of a school's current plan (district
    /// admin): reviewed, or returned with a comment (at most 500 characters).
    async fn review_school_plan(
        &self,
        cx: &Context<'_>,
        school_id: ID,
        version_id: ID,
        decision: PlanDecision,
        comment: Option<String>,
    ) -> GqlResult<PlanFiling> {
        Ok(review::review_plan(
            ctx_of(cx)?,
            parse_id(&school_id, "学校")?,
            parse_id(&version_id, "方案")?,
            decision == PlanDecision::Returned,
            comment.as_deref().unwrap_or(""),
            crate::clock::today(),
        )
        .await?
        .into())
    }
}
