//! The termly assessment (导师考核): the school admin runs it for a term (the
//! pure `shared::mentor_assessment::rate` over facts gathered here: the task
//! engine's tallies, activities logged, growth messages published),
//! adjusts ratings with a reason (audited, within the 优秀 quota), publishes,
//! and exports; a mentor reads their own published results over terms
//! (导师成长轨迹); the district reads counts per school.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::mentor_assessment::{
    AssessmentScheme, IndicatorValue, MAX_MENTORS, MentorFacts, Rating, excellent_cap, rate,
};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::{assessment_result, assessment_run};
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::{activity, growth_message};
use crate::org::entities::{school, staff, term};
use crate::paper::xlsx::{self, Cell, Heading, Sheet};
use crate::policy::tasks::mentor_task_tallies;
use crate::tenancy::{Ctx, one_in_school};

const DRAFT: &str = "draft";
const PUBLISHED: &str = "published";

/// Shortest and longest reason for an adjustment, in characters.
pub const ADJUST_REASON_CHARS: (usize, usize) = (2, 200);

/// A run with its term and every result (school admin).
pub struct RunView {
    /// The run.
    pub run: assessment_run::Model,
    /// The term's name.
    pub term_name: String,
    /// The most mentors that may be 优秀.
    pub excellent_cap: u32,
    /// Results with the mentor's name, by name.
    pub results: Vec<(assessment_result::Model, String)>,
}

/// A mentor's own published result of one term.
pub struct OwnResult {
    /// The result.
    pub result: assessment_result::Model,
    /// The term.
    pub term: term::Model,
}

/// One school's published counts (district).
pub struct SchoolCounts {
    /// The school.
    pub school: school::Model,
    /// The term's name.
    pub term_name: String,
    /// The run (counts, publication time).
    pub run: assessment_run::Model,
}

/// The indicators stored with a result.
pub fn indicators_of(r: &assessment_result::Model) -> Vec<IndicatorValue> {
    serde_json::from_str(&r.indicators).unwrap_or_default()
}

/// The rating in force of a result.
pub fn rating_of(code: &str) -> Rating {
    Rating::from_code(code).unwrap_or(Rating::Qualified)
}

/// A run with its term and every result (callers check who may read it).
pub async fn run_view(ctx: &Ctx, run: assessment_run::Model) -> ApiResult<RunView> {
    let school = run.school_id;
    let t = one_in_school::<term::Entity>(ctx, run.term_id, "学期").await?;
    let rows = assessment_result::Entity::find()
        .filter(assessment_result::Column::SchoolId.eq(school))
        .filter(assessment_result::Column::RunId.eq(run.id))
        .all(ctx.db())
        .await?;
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut results: Vec<(assessment_result::Model, String)> = rows
        .into_iter()
        .map(|r| {
            let n = names.get(&r.staff_id).cloned().unwrap_or_default();
            (r, n)
        })
        .collect();
    results.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.staff_id.cmp(&b.0.staff_id)));
    let scheme: AssessmentScheme = serde_json::from_str(&run.scheme).unwrap_or_default();
    Ok(RunView {
        excellent_cap: excellent_cap(results.len(), scheme.excellent_quota_percent) as u32,
        run,
        term_name: t.name,
        results,
    })
}

/// The day a term is judged on: its last day once it is over, else today.
fn judged_on(t: &term::Model, today: NaiveDate) -> NaiveDate {
    today.min(t.ends_on)
}

/// The facts of every mentor of the school for a term.
async fn gather(
    ctx: &Ctx,
    t: &term::Model,
    today: NaiveDate,
) -> ApiResult<(AssessmentScheme, Vec<MentorFacts>)> {
    let school = t.school_id;
    let (applied, tallies) = mentor_task_tallies(ctx, t, judged_on(t, today)).await?;
    let scheme = applied.rules.mentor_assessment.clone();
    let staff_rows = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?;
    // Mentors: whoever held students in the term, and every qualified mentor.
    let mut ids: BTreeSet<Uuid> = tallies.keys().copied().collect();
    for s in &staff_rows {
        if Qualification::from_code(&s.qualification).is_some_and(Qualification::may_mentor) {
            ids.insert(s.id);
        }
    }
    let known: BTreeSet<Uuid> = staff_rows.iter().map(|s| s.id).collect();
    ids.retain(|i| known.contains(i));
    if ids.len() > MAX_MENTORS {
        return Err(ApiError::invalid(
            "termId",
            format!("一次考核最多{MAX_MENTORS}名导师"),
        ));
    }
    let mut activities: HashMap<Uuid, u32> = HashMap::new();
    for a in activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(school))
        .filter(activity::Column::OccurredOn.between(t.starts_on, t.ends_on))
        .all(ctx.db())
        .await?
    {
        *activities.entry(a.staff_id).or_default() += 1;
    }
    let mut messages: HashMap<Uuid, u32> = HashMap::new();
    for g in growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(school))
        .filter(growth_message::Column::TermId.eq(t.id))
        .filter(growth_message::Column::Status.eq("published"))
        .all(ctx.db())
        .await?
    {
        *messages.entry(g.staff_id).or_default() += 1;
    }
    let views = crate::surveys::service::mentor_views(ctx, school, t.id).await?;
    let reviews = super::reviews::tallies(ctx, school, t.id).await?;
    let facts = ids
        .into_iter()
        .map(|id| {
            let tally = tallies.get(&id).cloned().unwrap_or_default();
            let v = views.get(&id);
            MentorFacts {
                mentor_id: id.to_string(),
                tasks_due: tally.due,
                tasks_met: tally.met,
                task_gaps: tally
                    .gaps
                    .iter()
                    .map(|(k, n)| format!("{}×{n}", k.label_zh()))
                    .collect(),
                activities: activities.get(&id).copied().unwrap_or(0),
                students: tally.students,
                growth_messages: messages.get(&id).copied().unwrap_or(0),
                // Parents' and students' views from the term's surveys,
                // head teachers' and grade leaders' from their reviews.
                student_view: v.map(|v| v.student).unwrap_or_default(),
                parent_view: v.map(|v| v.parent).unwrap_or_default(),
                head_teacher_view: reviews.get(&id).map(|r| r.0).unwrap_or_default(),
                grade_leader_view: reviews.get(&id).map(|r| r.1).unwrap_or_default(),
            }
        })
        .collect();
    Ok((scheme, facts))
}

fn counts(results: &[assessment_result::Model]) -> (i32, i32, i32) {
    let mut c = (0, 0, 0);
    for r in results {
        match rating_of(&r.rating) {
            Rating::Excellent => c.0 += 1,
            Rating::Qualified => c.1 += 1,
            Rating::NeedsImprovement => c.2 += 1,
        }
    }
    c
}

async fn run_of_term(
    ctx: &Ctx,
    school: Uuid,
    term_id: Uuid,
) -> ApiResult<Option<assessment_run::Model>> {
    Ok(assessment_run::Entity::find()
        .filter(assessment_run::Column::SchoolId.eq(school))
        .filter(assessment_run::Column::TermId.eq(term_id))
        .one(ctx.db())
        .await?)
}

/// Runs (or runs again) a term's assessment as a draft: every mentor's
/// indicators, score, rating and explanation. Running again recomputes the
/// indicators and computed ratings but keeps the admin's adjustments (rating,
/// reason, who and when) and each result's id; an adjustment is dropped
/// (audited, with why) only when its mentor is no longer assessed or when
/// 优秀 adjustments no longer fit the quota. A published run is final.
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
pub async fn run_assessment(ctx: &Ctx, term_id: Uuid, today: NaiveDate) -> ApiResult<RunView> {
    let (district, school) = authz::lifecycle::may_manage_assessment(ctx)?;
    let user = ctx.caller()?.user_id;
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let existing = run_of_term(ctx, school, t.id).await?;
    if existing.as_ref().is_some_and(|r| r.status == PUBLISHED) {
        return Err(ApiError::conflict("本学期的考核结果已发布，不能重新计算"));
    }
    let (scheme, facts) = gather(ctx, &t, today).await?;
    let outcomes = rate(&scheme, &facts);
    let now = Utc::now();
    let run_id = existing.as_ref().map_or_else(Uuid::new_v4, |r| r.id);
    let previous: HashMap<Uuid, assessment_result::Model> = match &existing {
        Some(r) => assessment_result::Entity::find()
            .filter(assessment_result::Column::SchoolId.eq(school))
            .filter(assessment_result::Column::RunId.eq(r.id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|x| (x.staff_id, x))
            .collect(),
        None => HashMap::new(),
    };
    let mut rows = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        let staff_id = Uuid::parse_str(&o.mentor_id)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("mentor id: {e}")))?;
        let before = previous.get(&staff_id);
        rows.push(assessment_result::Model {
            id: before.map_or_else(Uuid::new_v4, |b| b.id),
            district_id: district,
            school_id: school,
            run_id,
            term_id: t.id,
            staff_id,
            score: o.score as i32,
            computed_rating: o.rating.code().into(),
            rating: o.rating.code().into(),
            indicators: serde_json::to_string(&o.indicators)
                .map_err(|e| ApiError::Internal(e.into()))?,
            reason: o.reason,
            adjusted_by: None,
            adjust_reason: None,
            adjusted_at: None,
        });
    }
    let cap = excellent_cap(rows.len(), scheme.excellent_quota_percent);
    let dropped = super::rerun::keep_adjustments(&mut rows, &previous, cap);
    for row in &rows {
        let a = assessment_result::ActiveModel::from(row.clone());
        if previous.contains_key(&row.staff_id) {
            a.reset_all().update(ctx.db()).await?;
        } else {
            a.insert(ctx.db()).await?;
        }
    }
    let now_mentors: BTreeSet<Uuid> = rows.iter().map(|r| r.staff_id).collect();
    let gone: Vec<Uuid> = previous
        .values()
        .filter(|p| !now_mentors.contains(&p.staff_id))
        .map(|p| p.id)
        .collect();
    if !gone.is_empty() {
        assessment_result::Entity::delete_many()
            .filter(assessment_result::Column::SchoolId.eq(school))
            .filter(assessment_result::Column::Id.is_in(gone))
            .exec(ctx.db())
            .await?;
    }
    for d in &dropped {
        audit::record(
            ctx,
            "drop_assessment_adjustment",
            "assessment_result",
            Some(d.result_id),
            Some(d.why.clone()),
        )
        .await?;
    }
    let (ex, q, ni) = counts(&rows);
    let scheme_json = serde_json::to_string(&scheme).map_err(|e| ApiError::Internal(e.into()))?;
    let run = match existing {
        Some(r) => {
            let mut a = r.into_active_model();
            a.scheme = Set(scheme_json);
            a.excellent = Set(ex);
            a.qualified = Set(q);
            a.needs_improvement = Set(ni);
            a.run_by = Set(user);
            a.run_at = Set(now);
            a.update(ctx.db()).await?
        }
        None => {
            assessment_run::ActiveModel::from(assessment_run::Model {
                id: run_id,
                district_id: district,
                school_id: school,
                term_id: t.id,
                status: DRAFT.into(),
                scheme: scheme_json,
                excellent: ex,
                qualified: q,
                needs_improvement: ni,
                run_by: user,
                run_at: now,
                published_by: None,
                published_at: None,
            })
            .insert(ctx.db())
            .await?
        }
    };
    audit::record(ctx, "run_assessment", "assessment_run", Some(run.id), None).await?;
    run_view(ctx, run).await
}

/// The run of a term (the school admin), if the term was assessed.
#[tracing::instrument(skip_all)]
pub async fn assessment_run(ctx: &Ctx, term_id: Uuid) -> ApiResult<Option<RunView>> {
    let (_, school) = authz::lifecycle::may_manage_assessment(ctx)?;
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    match run_of_term(ctx, school, t.id).await? {
        Some(r) => Ok(Some(run_view(ctx, r).await?)),
        None => Ok(None),
    }
}

async fn draft_run(ctx: &Ctx, school: Uuid, run_id: Uuid) -> ApiResult<assessment_run::Model> {
    let run = assessment_run::Entity::find_by_id(run_id)
        .filter(assessment_run::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("考核"))?;
    if run.status == PUBLISHED {
        return Err(ApiError::conflict("考核结果已发布，不能再调整"));
    }
    Ok(run)
}

/// Sets a mentor's rating with a reason (audited). 优秀 stays within the
/// quota; the computed rating and its explanation are kept beside it.
#[tracing::instrument(skip_all, fields(result_id = %result_id))]
pub async fn adjust_assessment(
    ctx: &Ctx,
    result_id: Uuid,
    rating: Rating,
    reason: String,
) -> ApiResult<RunView> {
    let (_, school) = authz::lifecycle::may_manage_assessment(ctx)?;
    let reason = reason.trim().to_string();
    let n = reason.chars().count();
    if n < ADJUST_REASON_CHARS.0 || n > ADJUST_REASON_CHARS.1 {
        return Err(ApiError::invalid("reason", "调整理由须为2–200字"));
    }
    let r = one_in_school::<assessment_result::Entity>(ctx, result_id, "考核结果").await?;
    let run = draft_run(ctx, school, r.run_id).await?;
    if rating == Rating::Excellent && rating_of(&r.rating) != Rating::Excellent {
        let scheme: AssessmentScheme = serde_json::from_str(&run.scheme).unwrap_or_default();
        let total = assessment_result::Entity::find()
            .filter(assessment_result::Column::SchoolId.eq(school))
            .filter(assessment_result::Column::RunId.eq(run.id))
            .count(ctx.db())
            .await? as usize;
        let cap = excellent_cap(total, scheme.excellent_quota_percent);
        if run.excellent as usize + 1 > cap {
            return Err(ApiError::invalid(
                "rating",
                format!(
                    "优秀名额已满（{}名导师中最多{cap}名，{}%）",
                    total, scheme.excellent_quota_percent
                ),
            ));
        }
    }
    let user = ctx.caller()?.user_id;
    let mut a = r.into_active_model();
    a.rating = Set(rating.code().into());
    a.adjusted_by = Set(Some(user));
    a.adjust_reason = Set(Some(reason.clone()));
    a.adjusted_at = Set(Some(Utc::now()));
    a.update(ctx.db()).await?;
    audit::record(
        ctx,
        "adjust_assessment",
        "assessment_result",
        Some(result_id),
        Some(format!("{}：{reason}", rating.label_zh())),
    )
    .await?;
    recount(ctx, run).await
}

async fn recount(ctx: &Ctx, run: assessment_run::Model) -> ApiResult<RunView> {
    let rows = assessment_result::Entity::find()
        .filter(assessment_result::Column::SchoolId.eq(run.school_id))
        .filter(assessment_result::Column::RunId.eq(run.id))
        .all(ctx.db())
        .await?;
    let (ex, q, ni) = counts(&rows);
    let mut a = run.into_active_model();
    a.excellent = Set(ex);
    a.qualified = Set(q);
    a.needs_improvement = Set(ni);
    let run = a.update(ctx.db()).await?;
    run_view(ctx, run).await
}

/// Publishes a run: each mentor then sees their own result.
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn publish_assessment(ctx: &Ctx, run_id: Uuid) -> ApiResult<RunView> {
    let (_, school) = authz::lifecycle::may_manage_assessment(ctx)?;
    let run = draft_run(ctx, school, run_id).await?;
    let user = ctx.caller()?.user_id;
    let mut a = run.into_active_model();
    a.status = Set(PUBLISHED.into());
    a.published_by = Set(Some(user));
    a.published_at = Set(Some(Utc::now()));
    let run = a.update(ctx.db()).await?;
    audit::record(
        ctx,
        "publish_assessment",
        "assessment_run",
        Some(run.id),
        None,
    )
    .await?;
    crate::notify::events::enqueue(
        ctx,
        crate::notify::events::Event::AssessmentPublished,
        run.id,
    )
    .await?;
    run_view(ctx, run).await
}

/// The caller's own published results, latest term first (导师成长轨迹).
#[tracing::instrument(skip_all)]
pub async fn my_assessments(ctx: &Ctx) -> ApiResult<Vec<OwnResult>> {
    let school = ctx.school_id()?;
    let Some(me) = authz::my_staff(ctx).await? else {
        return Ok(vec![]);
    };
    let published: Vec<Uuid> = assessment_run::Entity::find()
        .filter(assessment_run::Column::SchoolId.eq(school))
        .filter(assessment_run::Column::Status.eq(PUBLISHED))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if published.is_empty() {
        return Ok(vec![]);
    }
    let rows = assessment_result::Entity::find()
        .filter(assessment_result::Column::SchoolId.eq(school))
        .filter(assessment_result::Column::StaffId.eq(me.id))
        .filter(assessment_result::Column::RunId.is_in(published))
        .all(ctx.db())
        .await?;
    let terms: HashMap<Uuid, term::Model> = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut out: Vec<OwnResult> = rows
        .into_iter()
        .filter_map(|r| {
            let term = terms.get(&r.term_id)?.clone();
            Some(OwnResult { result: r, term })
        })
        .collect();
    out.sort_by_key(|o| std::cmp::Reverse(o.term.starts_on));
    Ok(out)
}

/// Published counts per school of the district (district admin), latest
/// term first; never a mentor's result.
#[tracing::instrument(skip_all)]
pub async fn district_counts(ctx: &Ctx) -> ApiResult<Vec<SchoolCounts>> {
    let district = authz::lifecycle::may_count_district_assessments(ctx)?;
    let schools: HashMap<Uuid, school::Model> = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let runs = assessment_run::Entity::find()
        .filter(assessment_run::Column::DistrictId.eq(district))
        .filter(assessment_run::Column::Status.eq(PUBLISHED))
        .order_by_desc(assessment_run::Column::PublishedAt)
        .all(ctx.db())
        .await?;
    let terms: HashMap<Uuid, String> = term::Entity::find()
        .filter(term::Column::DistrictId.eq(district))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(runs
        .into_iter()
        .filter_map(|run| {
            Some(SchoolCounts {
                school: schools.get(&run.school_id)?.clone(),
                term_name: terms.get(&run.term_id).cloned().unwrap_or_default(),
                run,
            })
        })
        .collect())
}

/// The run as an `.xlsx` for the school's performance-pay process
/// (school admin; audited): file name and bytes.
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn export_assessment(ctx: &Ctx, run_id: Uuid) -> ApiResult<(String, Vec<u8>)> {
    let (_, school) = authz::lifecycle::may_manage_assessment(ctx)?;
    let run = assessment_run::Entity::find_by_id(run_id)
        .filter(assessment_run::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("考核"))?;
    let v = run_view(ctx, run).await?;
    let staff_nos: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.staff_no))
        .collect();
    let mut sheet = Sheet::new(
        "导师考核",
        &[
            "工号",
            "姓名",
            "学期",
            "总分(%)",
            "考核结果",
            "计算结果",
            "说明",
            "调整理由",
        ],
    );
    for (r, name) in &v.results {
        sheet.rows.push(vec![
            Cell::Text(staff_nos.get(&r.staff_id).cloned().unwrap_or_default()),
            Cell::Text(name.clone()),
            Cell::Text(v.term_name.clone()),
            Cell::Number(f64::from(r.score) / 10.0),
            Cell::Text(rating_of(&r.rating).label_zh().into()),
            Cell::Text(rating_of(&r.computed_rating).label_zh().into()),
            Cell::Text(r.reason.clone()),
            Cell::Text(r.adjust_reason.clone().unwrap_or_default()),
        ]);
    }
    let head = Heading {
        school: crate::paper::school_name(ctx).await?,
        title: "导师考核结果（绩效用）".into(),
        term: v.term_name.clone(),
        generated_at: crate::paper::generated_at(),
    };
    let bytes = xlsx::workbook(&head, &[sheet]).map_err(|e| ApiError::invalid("file", e))?;
    audit::record(
        ctx,
        "export_assessment",
        "assessment_run",
        Some(v.run.id),
        None,
    )
    .await?;
    Ok((format!("导师考核-{}.xlsx", v.term_name), bytes))
}
