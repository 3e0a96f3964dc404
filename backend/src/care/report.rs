//! The response-time report (issue 11, item 8): per school and term, the
//! cases by level, the median and worst time to acknowledge and to assess
//! against the plan's targets, and the steps overdue. The school admin sees
//! it for their school; the district sees the same counts per school, with
//! no name or id of a person or case (its own sessions never read a case:
//! each school's figures are counted in a session of that school).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::care::ConcernLevel;
use shared::org::Role;
use shared::policy::EmergencyPlan;
use uuid::Uuid;

use super::cases::plan_for;
use super::entities::{case, event};
use crate::audit;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{school, term};
use crate::tenancy::{Ctx, one_in_school};

/// Most cases counted for one school and term.
const MAX_CASES: u64 = 20_000;

/// The figures of one level (GraphQL `CareLevelFigures`).
#[derive(Debug, Clone, Default, PartialEq, Eq, async_graphql::SimpleObject)]
#[graphql(name = "CareLevelFigures")]
pub struct LevelFigures {
    /// The level.
    pub level: Option<ConcernLevel>,
    /// Cases opened in the term.
    pub cases: i64,
    /// Of which still open.
    pub open: i64,
    /// The plan's acknowledgement target, minutes.
    pub ack_target_minutes: i64,
    /// Cases acknowledged.
    pub acknowledged: i64,
    /// Median minutes to acknowledge (of those acknowledged).
    pub ack_median_minutes: Option<i64>,
    /// Worst minutes to acknowledge, counting open cases still waiting.
    pub ack_worst_minutes: Option<i64>,
    /// Acknowledged late, or still waiting past the target.
    pub ack_overdue: i64,
    /// The plan's assessment target, hours.
    pub assess_target_hours: i64,
    /// Cases assessed.
    pub assessed: i64,
    /// Median minutes to assess.
    pub assess_median_minutes: Option<i64>,
    /// Worst minutes to assess, counting open cases still waiting.
    pub assess_worst_minutes: Option<i64>,
    /// Assessed late, or still waiting past the target.
    pub assess_overdue: i64,
    /// Escalated for want of an acknowledgement.
    pub escalated: i64,
}

/// The report of one school for one term: counts only (GraphQL
/// `CareResponseReport`).
#[derive(Debug, Clone, async_graphql::SimpleObject)]
#[graphql(name = "CareResponseReport")]
pub struct Report {
    /// The school.
    pub school_name: String,
    /// The term.
    pub term_name: String,
    /// Its first day.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
    /// One row per level, crisis first.
    pub levels: Vec<LevelFigures>,
    /// Actions past their due day and not done, on open cases.
    pub overdue_actions: i64,
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

/// The figures of cases against a plan at `now` (pure; shared by both views).
pub fn figures(
    cases: &[case::Model],
    plan: &EmergencyPlan,
    now: DateTime<Utc>,
) -> Vec<LevelFigures> {
    let mut levels = ConcernLevel::ALL.to_vec();
    levels.sort_by_key(|l| std::cmp::Reverse(l.urgency()));
    levels
        .into_iter()
        .map(|level| {
            let lp = plan.level(level);
            let ack_target = i64::from(lp.acknowledge_minutes);
            let assess_target = i64::from(lp.assess_hours) * 60;
            let mine: Vec<&case::Model> = cases
                .iter()
                .filter(|c| ConcernLevel::from_code(&c.level) == Some(level))
                .collect();
            // A case still waiting counts with how long it has waited so far.
            let waited = |done: Option<DateTime<Utc>>, c: &case::Model| match done {
                Some(at) => Some(minutes(c.opened_at, at)),
                None => c.closed_at.is_none().then(|| minutes(c.opened_at, now)),
            };
            let acks: Vec<i64> = mine
                .iter()
                .filter_map(|c| c.acknowledged_at.map(|a| minutes(c.opened_at, a)))
                .collect();
            let assesses: Vec<i64> = mine
                .iter()
                .filter_map(|c| c.assessed_at.map(|a| minutes(c.opened_at, a)))
                .collect();
            let ack_all: Vec<i64> = mine
                .iter()
                .filter_map(|c| waited(c.acknowledged_at, c))
                .collect();
            let assess_all: Vec<i64> = mine
                .iter()
                .filter_map(|c| waited(c.assessed_at, c))
                .collect();
            LevelFigures {
                level: Some(level),
                cases: mine.len() as i64,
                open: mine.iter().filter(|c| c.closed_at.is_none()).count() as i64,
                ack_target_minutes: ack_target,
                acknowledged: acks.len() as i64,
                ack_median_minutes: median(acks),
                ack_worst_minutes: ack_all.iter().max().copied(),
                ack_overdue: ack_all.iter().filter(|m| **m > ack_target).count() as i64,
                assess_target_hours: i64::from(lp.assess_hours),
                assessed: assesses.len() as i64,
                assess_median_minutes: median(assesses),
                assess_worst_minutes: assess_all.iter().max().copied(),
                assess_overdue: assess_all.iter().filter(|m| **m > assess_target).count() as i64,
                escalated: mine.iter().filter(|c| c.escalated_at.is_some()).count() as i64,
            }
        })
        .collect()
}

/// The term of a school containing `day`, else the latest begun before it.
async fn term_on(ctx: &Ctx, school: Uuid, day: NaiveDate) -> ApiResult<Option<term::Model>> {
    let terms = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .filter(term::Column::StartsOn.lte(day))
        .order_by_desc(term::Column::StartsOn)
        .limit(1)
        .all(ctx.db())
        .await?;
    Ok(terms.into_iter().next())
}

/// Counts one school's term (in a session of that school).
async fn count(
    ctx: &Ctx,
    district: Uuid,
    school_name: String,
    school: Uuid,
    t: term::Model,
) -> ApiResult<Report> {
    let from = t
        .starts_on
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_default()
        - Duration::days(1);
    let to = t
        .ends_on
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_default()
        + Duration::days(2);
    let mut cases = case::Entity::find()
        .filter(case::Column::DistrictId.eq(district))
        .filter(case::Column::SchoolId.eq(school))
        .filter(case::Column::OpenedAt.gte(from))
        .filter(case::Column::OpenedAt.lt(to))
        .limit(MAX_CASES)
        .all(ctx.db())
        .await?;
    cases.retain(|c| {
        let d = clock::local_day(c.opened_at);
        d >= t.starts_on && d <= t.ends_on
    });
    let plan = plan_for(ctx, district, school).await?;
    let now = clock::now();
    let today = clock::local_day(now);
    let open: Vec<Uuid> = cases
        .iter()
        .filter(|c| c.closed_at.is_none())
        .map(|c| c.id)
        .collect();
    let mut overdue_actions = 0;
    for chunk in open.chunks(500) {
        let entries = event::Entity::find()
            .filter(event::Column::SchoolId.eq(school))
            .filter(event::Column::CaseId.is_in(chunk.to_vec()))
            .filter(event::Column::Kind.is_in(["action", "action_done"]))
            .all(ctx.db())
            .await?;
        overdue_actions += entries
            .iter()
            .filter(|e| e.kind == "action" && e.due_on.is_some_and(|d| d < today))
            .filter(|e| {
                !entries
                    .iter()
                    .any(|d| d.kind == "action_done" && d.amends == Some(e.id))
            })
            .count() as i64;
    }
    Ok(Report {
        school_name,
        term_name: t.name,
        from: t.starts_on,
        to: t.ends_on,
        levels: figures(&cases, &plan, now),
        overdue_actions,
    })
}

/// The school admin's report for a term (the current one when absent).
#[tracing::instrument(skip_all)]
pub async fn for_school(ctx: &Ctx, term_id: Option<Uuid>) -> ApiResult<Report> {
    let (district, school) = ctx.require_school_admin()?;
    let t = match term_id {
        Some(id) => one_in_school::<term::Entity>(ctx, id, "学期").await?,
        None => term_on(ctx, school, clock::local_day(clock::now()))
            .await?
            .ok_or_else(|| ApiError::not_found("学期"))?,
    };
    let s = school::Entity::find_by_id(school)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    audit::record(ctx, "care.report.read", "term", Some(t.id), None).await?;
    count(ctx, district, s.name, school, t).await
}

/// The district's report: each school's term containing `on` (today when
/// absent), counts only. Each school is counted in a session of its own
/// (`Ctx::begin_system`), so the district's session never reads a case.
#[tracing::instrument(skip_all)]
pub async fn for_district(
    ctx: &Ctx,
    app_db: &DatabaseConnection,
    on: Option<NaiveDate>,
) -> ApiResult<Vec<Report>> {
    let caller = ctx.require_any(&[Role::DistrictAdmin])?;
    if caller.school_id.is_some() {
        return Err(ApiError::forbidden("只有区级账号可以查看各校汇总"));
    }
    let district = caller.district_id;
    let day = on.unwrap_or_else(|| clock::local_day(clock::now()));
    let schools = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district))
        .order_by_asc(school::Column::Code)
        .limit(500)
        .all(ctx.db())
        .await?;
    let mut out = vec![];
    for s in schools {
        let sctx = Ctx::begin_system(app_db, district, s.id).await?;
        let r = match term_on(&sctx, s.id, day).await {
            Ok(Some(t)) => count(&sctx, district, s.name.clone(), s.id, t)
                .await
                .map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        sctx.finish(r.is_ok()).await?;
        if let Some(r) = r? {
            out.push(r);
        }
    }
    audit::record(
        ctx,
        "care.report.district",
        "district",
        Some(district),
        None,
    )
    .await?;
    Ok(out)
}
