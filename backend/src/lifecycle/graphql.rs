//! GraphQL types and operations of the mentor lifecycle. Resolvers are thin.

use async_graphql::{Context, ID, Object, SimpleObject};
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use shared::mentor_assessment::{Indicator, Rating};
use shared::org::Qualification;

use super::assessment::{self as svc, RunView, indicators_of, rating_of};
use super::entities::{assessment_result, qualification_step};
use super::qualification;
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// One indicator of a mentor's result.
#[derive(SimpleObject)]
pub struct IndicatorResult {
    /// The indicator.
    pub indicator: Indicator,
    /// Its Chinese label.
    pub label: String,
    /// Its value in ‰ (null when there was nothing to go on).
    pub value: Option<i32>,
    /// Its weight (points out of 100).
    pub weight: i32,
    /// Where the value comes from.
    pub explanation: String,
}

fn indicators(r: &assessment_result::Model) -> Vec<IndicatorResult> {
    indicators_of(r)
        .into_iter()
        .map(|i| IndicatorResult {
            indicator: i.indicator,
            label: i.indicator.label_zh().into(),
            value: i.value.map(|v| v as i32),
            weight: i.weight as i32,
            explanation: i.explanation,
        })
        .collect()
}

/// A mentor's result in a run (the school admin's view).
#[derive(SimpleObject)]
pub struct AssessmentResult {
    /// Id.
    pub id: ID,
    /// The mentor (staff id).
    pub staff_id: ID,
    /// The mentor's name.
    pub staff_name: String,
    /// Weighted total in ‰.
    pub score: i32,
    /// The rating in force.
    pub rating: Rating,
    /// The rating the scheme gave.
    pub computed_rating: Rating,
    /// Why the computed rating.
    pub reason: String,
    /// Each indicator with its explanation.
    pub indicators: Vec<IndicatorResult>,
    /// Why it was adjusted, if it was.
    pub adjust_reason: Option<String>,
    /// When it was adjusted (kept when the run is computed again).
    pub adjusted_at: Option<DateTime<Utc>>,
}

fn result(r: assessment_result::Model, name: String) -> AssessmentResult {
    AssessmentResult {
        id: id(r.id),
        staff_id: id(r.staff_id),
        staff_name: name,
        score: r.score,
        rating: rating_of(&r.rating),
        computed_rating: rating_of(&r.computed_rating),
        indicators: indicators(&r),
        reason: r.reason,
        adjust_reason: r.adjust_reason,
        adjusted_at: r.adjusted_at,
    }
}

/// A term's assessment of the school.
#[derive(SimpleObject)]
pub struct AssessmentRun {
    /// Id.
    pub id: ID,
    /// The term.
    pub term_id: ID,
    /// The term's name.
    pub term_name: String,
    /// Published to the mentors.
    pub published: bool,
    /// 优秀 count.
    pub excellent: i32,
    /// 合格 count.
    pub qualified: i32,
    /// 待改善 count.
    pub needs_improvement: i32,
    /// The most mentors that may be 优秀 (the quota).
    pub excellent_cap: i32,
    /// When it was computed last.
    pub run_at: DateTime<Utc>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Every mentor's result, by name.
    pub results: Vec<AssessmentResult>,
}

impl From<RunView> for AssessmentRun {
    fn from(v: RunView) -> Self {
        AssessmentRun {
            id: id(v.run.id),
            term_id: id(v.run.term_id),
            term_name: v.term_name,
            published: v.run.status == "published",
            excellent: v.run.excellent,
            qualified: v.run.qualified,
            needs_improvement: v.run.needs_improvement,
            excellent_cap: v.excellent_cap as i32,
            run_at: v.run.run_at,
            published_at: v.run.published_at,
            results: v.results.into_iter().map(|(r, n)| result(r, n)).collect(),
        }
    }
}

/// The caller's own published result of a term (导师成长轨迹).
#[derive(SimpleObject)]
pub struct MyAssessment {
    /// The term.
    pub term_id: ID,
    /// The term's name.
    pub term_name: String,
    /// Weighted total in ‰.
    pub score: i32,
    /// The rating.
    pub rating: Rating,
    /// Why.
    pub reason: String,
    /// Why the school adjusted it, if it did.
    pub adjust_reason: Option<String>,
    /// Each indicator with its explanation.
    pub indicators: Vec<IndicatorResult>,
}

/// One school's published counts (the district sees nothing more).
#[derive(SimpleObject)]
pub struct SchoolAssessmentCounts {
    /// The school.
    pub school_id: ID,
    /// Its name.
    pub school_name: String,
    /// The term's name.
    pub term_name: String,
    /// 优秀 count.
    pub excellent: i32,
    /// 合格 count.
    pub qualified: i32,
    /// 待改善 count.
    pub needs_improvement: i32,
}

/// A file to download.
#[derive(SimpleObject)]
pub struct ExportFile {
    /// Suggested file name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes, base64.
    pub base64: String,
}

/// One change of a teacher's standing.
#[derive(SimpleObject)]
pub struct QualificationStep {
    /// Id.
    pub id: ID,
    /// The teacher.
    pub staff_id: ID,
    /// The day it took effect.
    pub on: NaiveDate,
    /// The standing before.
    pub previous: Qualification,
    /// The standing after.
    pub standing: Qualification,
    /// Why.
    pub reason: String,
}

impl From<qualification_step::Model> for QualificationStep {
    fn from(s: qualification_step::Model) -> Self {
        QualificationStep {
            id: id(s.id),
            staff_id: id(s.staff_id),
            on: s.on_date,
            previous: Qualification::from_code(&s.from_q).unwrap_or(Qualification::Untrained),
            standing: Qualification::from_code(&s.to_q).unwrap_or(Qualification::Untrained),
            reason: s.reason,
        }
    }
}

fn today(as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(crate::clock::today)
}

/// Lifecycle queries.
#[derive(Default)]
pub struct LifecycleQuery;

#[Object]
impl LifecycleQuery {
    /// A term's assessment of the caller's school (school admin); null when
    /// not yet run.
    async fn assessment_run(
        &self,
        cx: &Context<'_>,
        term_id: ID,
    ) -> GqlResult<Option<AssessmentRun>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::assessment_run(ctx, parse_id(&term_id, "学期")?)
            .await?
            .map(AssessmentRun::from))
    }

    /// The caller's own published results, latest term first (导师成长轨迹).
    async fn my_assessments(&self, cx: &Context<'_>) -> GqlResult<Vec<MyAssessment>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::my_assessments(ctx)
            .await?
            .into_iter()
            .map(|o| MyAssessment {
                term_id: id(o.term.id),
                term_name: o.term.name,
                score: o.result.score,
                rating: rating_of(&o.result.rating),
                indicators: indicators(&o.result),
                reason: o.result.reason,
                adjust_reason: o.result.adjust_reason,
            })
            .collect())
    }

    /// Published assessment counts per school (district admin).
    async fn district_assessment_counts(
        &self,
        cx: &Context<'_>,
    ) -> GqlResult<Vec<SchoolAssessmentCounts>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::district_counts(ctx)
            .await?
            .into_iter()
            .map(|c| SchoolAssessmentCounts {
                school_id: id(c.school.id),
                school_name: c.school.name,
                term_name: c.term_name,
                excellent: c.run.excellent,
                qualified: c.run.qualified,
                needs_improvement: c.run.needs_improvement,
            })
            .collect())
    }

    /// A run as an `.xlsx` for performance pay (school admin; audited).
    async fn assessment_export(&self, cx: &Context<'_>, run_id: ID) -> GqlResult<ExportFile> {
        let ctx = ctx_of(cx)?;
        let (filename, bytes) = svc::export_assessment(ctx, parse_id(&run_id, "考核")?).await?;
        Ok(ExportFile {
            filename,
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .into(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }

    /// A teacher's training, probation and appointment steps (school admin,
    /// or the teacher).
    async fn qualification_history(
        &self,
        cx: &Context<'_>,
        staff_id: ID,
    ) -> GqlResult<Vec<QualificationStep>> {
        let ctx = ctx_of(cx)?;
        Ok(qualification::history(ctx, parse_id(&staff_id, "教师")?)
            .await?
            .into_iter()
            .map(QualificationStep::from)
            .collect())
    }
}

/// Lifecycle mutations.
#[derive(Default)]
pub struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
    /// Runs (or runs again) a term's assessment as a draft (school admin).
    /// `asOf` judges the tasks on another day (default today, at most the
    /// term's last day).
    async fn run_assessment(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<AssessmentRun> {
        let ctx = ctx_of(cx)?;
        Ok(
            svc::run_assessment(ctx, parse_id(&term_id, "学期")?, today(as_of))
                .await?
                .into(),
        )
    }

    /// Sets a mentor's rating with a reason (school admin; audited; 优秀
    /// within the quota).
    async fn adjust_assessment(
        &self,
        cx: &Context<'_>,
        result_id: ID,
        rating: Rating,
        reason: String,
    ) -> GqlResult<AssessmentRun> {
        let ctx = ctx_of(cx)?;
        Ok(
            svc::adjust_assessment(ctx, parse_id(&result_id, "考核结果")?, rating, reason)
                .await?
                .into(),
        )
    }

    /// Publishes a run to the mentors (school admin); final.
    async fn publish_assessment(&self, cx: &Context<'_>, run_id: ID) -> GqlResult<AssessmentRun> {
        let ctx = ctx_of(cx)?;
        Ok(svc::publish_assessment(ctx, parse_id(&run_id, "考核")?)
            .await?
            .into())
    }

    /// Records a change of a teacher's standing (school admin): training
    /// done → probation, appointment (聘任) or deferral (reason required).
    async fn record_qualification(
        &self,
        cx: &Context<'_>,
        staff_id: ID,
        to: Qualification,
        on: NaiveDate,
        reason: Option<String>,
    ) -> GqlResult<QualificationStep> {
        let ctx = ctx_of(cx)?;
        Ok(qualification::record_step(
            ctx,
            parse_id(&staff_id, "教师")?,
            to,
            on,
            reason.unwrap_or_default(),
            crate::clock::today(),
        )
        .await?
        .into())
    }
}
