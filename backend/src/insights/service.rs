//! The dashboards: read only from `insight_days` (and, for the school
//! admin, the names that belong to the school). The district's reads run
//! under the narrowed RLS role [`DISTRICT_READER`], which no personal table
//! admits, so a district response cannot carry a student or staff row even
//! if a query asked for one.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::aggregate::{CLASS, GRADE, MENTOR, SCHOOL, term_on};
use super::entities::insight_day;
use super::indicators::Indicators;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, district, mentor_assignment, school, staff, student, term};
use crate::tenancy::Ctx;

/// The RLS role of the district's dashboard reads.
pub const DISTRICT_READER: &str = "district_reader";
/// Most unmatched students named on the school dashboard.
pub const MAX_UNMATCHED: usize = 200;

/// One day of a trend.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    /// The day.
    pub day: NaiveDate,
    /// Indicators summed over the scope on that day.
    pub totals: Indicators,
}

/// A named part of a dashboard (a grade, class, mentor, school or stage).
#[derive(Debug, Clone)]
pub struct Part {
    /// Its key (grade number, class id, staff id, school id, stage code).
    pub key: String,
    /// Its display name (a class's or mentor's name only at school level).
    pub name: String,
    /// A grade or a stage, where it has one.
    pub group: String,
    /// The indicators.
    pub totals: Indicators,
}

/// A student without a mentor (school admin only).
#[derive(Debug, Clone)]
pub struct Unmatched {
    /// Student id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Class name.
    pub class_name: String,
}

/// The school dashboard.
#[derive(Debug, Clone)]
pub struct SchoolDashboard {
    /// The school's name.
    pub school_name: String,
    /// The term shown.
    pub term_name: Option<String>,
    /// The latest day computed (none: not computed yet).
    pub day: Option<NaiveDate>,
    /// When computed.
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The grades shown (a grade leader's); none: the whole school.
    pub grades: Option<Vec<i32>>,
    /// The whole (school or the leader's grades).
    pub totals: Indicators,
    /// Per grade, class and mentor (mentors for the admin only).
    pub by_grade: Vec<Part>,
    /// Per class.
    pub by_class: Vec<Part>,
    /// Per mentor.
    pub by_mentor: Vec<Part>,
    /// Per day of the term.
    pub trend: Vec<TrendPoint>,
    /// Students without a mentor, named (admin only; at most [`MAX_UNMATCHED`]).
    pub unmatched: Vec<Unmatched>,
}

/// The district dashboard.
#[derive(Debug, Clone)]
pub struct DistrictDashboard {
    /// The district's name.
    pub district_name: String,
    /// The latest day computed.
    pub day: Option<NaiveDate>,
    /// The district's sum (the reference line).
    pub totals: Indicators,
    /// Per school (key: school id, group: stage).
    pub schools: Vec<Part>,
    /// Per stage.
    pub stages: Vec<Part>,
    /// Per day of the current term (the district's sum).
    pub trend: Vec<TrendPoint>,
    /// Per term of the district's history, by term name, at each term's last computed day.
    pub terms: Vec<Part>,
}

/// Rows of a school on a day, scopes filtered.
async fn rows_on(
    ctx: &Ctx,
    school: Uuid,
    term: Uuid,
    day: NaiveDate,
) -> ApiResult<Vec<insight_day::Model>> {
    Ok(insight_day::Entity::find()
        .filter(insight_day::Column::SchoolId.eq(school))
        .filter(insight_day::Column::TermId.eq(term))
        .filter(insight_day::Column::Day.eq(day))
        .all(ctx.db())
        .await?)
}

/// The school dashboard of the caller's school on its latest computed day
/// up to `today`: the school admin sees everything; a grade leader their
/// grades' rows only, without names of mentors or unmatched students.
#[tracing::instrument(skip_all)]
pub async fn school_dashboard(ctx: &Ctx, today: NaiveDate) -> ApiResult<SchoolDashboard> {
    let school_id = ctx.school_id()?;
    let grades = authz::policy::which_grades_countable(ctx)?;
    let s = school::Entity::find_by_id(school_id)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let mut out = SchoolDashboard {
        school_name: s.name.clone(),
        term_name: None,
        day: None,
        computed_at: None,
        grades: grades.clone(),
        totals: Indicators::default(),
        by_grade: vec![],
        by_class: vec![],
        by_mentor: vec![],
        trend: vec![],
        unmatched: vec![],
    };
    let Some(t) = term_on(ctx, school_id, today).await? else {
        return Ok(out);
    };
    out.term_name = Some(t.name.clone());
    let shows = |r: &insight_day::Model, class_grade: &HashMap<String, i32>| match &grades {
        None => true,
        Some(gs) => match r.scope.as_str() {
            GRADE => r.scope_key.parse().is_ok_and(|g: i32| gs.contains(&g)),
            CLASS => class_grade
                .get(&r.scope_key)
                .is_some_and(|g| gs.contains(g)),
            _ => false,
        },
    };
    let classes: Vec<class::Model> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .all(ctx.db())
        .await?;
    let class_grade: HashMap<String, i32> = classes
        .iter()
        .map(|c| (c.id.to_string(), c.grade))
        .collect();
    let class_name: HashMap<String, String> = classes
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();

    // Every computed day of the term (the trend), the latest for the rest.
    let all: Vec<insight_day::Model> = insight_day::Entity::find()
        .filter(insight_day::Column::SchoolId.eq(school_id))
        .filter(insight_day::Column::TermId.eq(t.id))
        .filter(insight_day::Column::Day.lte(today))
        .filter(insight_day::Column::Scope.is_in(if grades.is_some() {
            vec![GRADE]
        } else {
            vec![SCHOOL]
        }))
        .order_by_asc(insight_day::Column::Day)
        .all(ctx.db())
        .await?;
    let mut by_day: BTreeMap<NaiveDate, Indicators> = BTreeMap::new();
    for r in all.iter().filter(|r| shows(r, &class_grade)) {
        by_day.entry(r.day).or_default().add_light(r);
    }
    out.trend = by_day
        .into_iter()
        .map(|(day, totals)| TrendPoint { day, totals })
        .collect();
    let Some(day) = out.trend.last().map(|p| p.day) else {
        return Ok(out);
    };
    out.day = Some(day);
    let rows: Vec<insight_day::Model> = rows_on(ctx, school_id, t.id, day)
        .await?
        .into_iter()
        .filter(|r| shows(r, &class_grade))
        .collect();
    out.computed_at = rows.first().map(|r| r.computed_at);
    let whole = if grades.is_some() { GRADE } else { SCHOOL };
    out.totals = Indicators::of(rows.iter().filter(|r| r.scope == whole));
    let staff_names: HashMap<String, String> = if grades.is_none() {
        staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(school_id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect()
    } else {
        HashMap::new()
    };
    for r in &rows {
        let (name, group) = match r.scope.as_str() {
            GRADE => (r.scope_key.clone(), r.scope_key.clone()),
            CLASS => (
                class_name.get(&r.scope_key).cloned().unwrap_or_default(),
                class_grade
                    .get(&r.scope_key)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            MENTOR => (
                staff_names.get(&r.scope_key).cloned().unwrap_or_default(),
                String::new(),
            ),
            _ => continue,
        };
        let part = Part {
            key: r.scope_key.clone(),
            name,
            group,
            totals: Indicators::of([r]),
        };
        match r.scope.as_str() {
            GRADE => out.by_grade.push(part),
            CLASS => out.by_class.push(part),
            _ => out.by_mentor.push(part),
        }
    }
    out.by_grade
        .sort_by_key(|p| p.key.parse::<i32>().unwrap_or(0));
    out.by_class
        .sort_by_key(|p| (p.group.parse::<i32>().unwrap_or(0), p.name.clone()));
    out.by_mentor.sort_by(|a, b| {
        b.totals
            .mentors_over_cap
            .cmp(&a.totals.mentors_over_cap)
            .then(a.name.cmp(&b.name))
    });
    if grades.is_none() {
        out.unmatched = unmatched(ctx, school_id, today, &class_name).await?;
    }
    Ok(out)
}

/// The school's students without a mentor on `today`, named (school admin).
async fn unmatched(
    ctx: &Ctx,
    school: Uuid,
    today: NaiveDate,
    class_name: &HashMap<String, String>,
) -> ApiResult<Vec<Unmatched>> {
    let held: std::collections::HashSet<Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StartsOn.lte(today))
        .filter(
            mentor_assignment::Column::EndsOn
                .is_null()
                .or(mentor_assignment::Column::EndsOn.gte(today)),
        )
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|a| a.student_id)
        .collect();
    Ok(student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?
        .into_iter()
        .filter(|s| !held.contains(&s.id))
        .take(MAX_UNMATCHED)
        .map(|s| Unmatched {
            id: s.id,
            class_name: class_name
                .get(&s.class_id.to_string())
                .cloned()
                .unwrap_or_default(),
            name: s.name,
        })
        .collect())
}

/// Narrows the transaction's RLS role to [`DISTRICT_READER`] (PostgreSQL)
/// for the aggregate reads, or restores the district admin's.
async fn narrow(ctx: &Ctx, on: bool) -> ApiResult<()> {
    ctx.set_local(
        "app.role",
        if on {
            DISTRICT_READER
        } else {
            "district_admin"
        },
    )
    .await
}

/// The district dashboard: every school's latest school-scope row (within a
/// week of the district's latest day), sums per stage and for the district,
/// the district's daily trend over the current term and its history per
/// term. Aggregates only.
#[tracing::instrument(skip_all)]
pub async fn district_dashboard(ctx: &Ctx, today: NaiveDate) -> ApiResult<DistrictDashboard> {
    authz::policy::may_count_district_tasks(ctx)?;
    let district_id = ctx.caller()?.district_id;
    let d = district::Entity::find_by_id(district_id)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("区"))?;
    let schools: Vec<school::Model> = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district_id))
        .order_by_asc(school::Column::Code)
        .all(ctx.db())
        .await?;
    let terms: HashMap<Uuid, term::Model> = term::Entity::find()
        .filter(term::Column::DistrictId.eq(district_id))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    narrow(ctx, true).await?;
    let rows = insight_day::Entity::find()
        .filter(insight_day::Column::DistrictId.eq(district_id))
        .filter(insight_day::Column::Scope.eq(SCHOOL))
        .filter(insight_day::Column::Day.lte(today))
        .order_by_asc(insight_day::Column::Day)
        .all(ctx.db())
        .await;
    narrow(ctx, false).await?;
    let rows = rows?;
    Ok(district_from_rows(d.name, &schools, &terms, &rows, today))
}

/// Builds the district dashboard from school-scope rows.
pub fn district_from_rows(
    district_name: String,
    schools: &[school::Model],
    terms: &HashMap<Uuid, term::Model>,
    rows: &[insight_day::Model],
    today: NaiveDate,
) -> DistrictDashboard {
    let day = rows.iter().map(|r| r.day).max();
    // The current term: the one (by year and name) containing today, else the latest computed.
    let term_key = |id: &Uuid| {
        terms
            .get(id)
            .map(|t| (t.academic_year.clone(), t.name.clone()))
    };
    let current = rows
        .iter()
        .rev()
        .find(|r| {
            terms
                .get(&r.term_id)
                .is_some_and(|t| t.starts_on <= today && today <= t.ends_on)
        })
        .or(rows.last())
        .and_then(|r| term_key(&r.term_id));
    let mut latest: HashMap<Uuid, &insight_day::Model> = HashMap::new();
    let mut last_of_term: HashMap<(Uuid, Uuid), &insight_day::Model> = HashMap::new();
    let mut trend: BTreeMap<NaiveDate, Indicators> = BTreeMap::new();
    for r in rows {
        last_of_term.insert((r.school_id, r.term_id), r);
        if term_key(&r.term_id) == current {
            latest.insert(r.school_id, r);
            trend.entry(r.day).or_default().add_light(r);
        }
    }
    let mut out = DistrictDashboard {
        district_name,
        day,
        totals: Indicators::default(),
        schools: vec![],
        stages: vec![],
        trend: trend
            .into_iter()
            .map(|(day, totals)| TrendPoint { day, totals })
            .collect(),
        terms: vec![],
    };
    let mut stages: BTreeMap<String, Indicators> = BTreeMap::new();
    for s in schools {
        let totals = latest
            .get(&s.id)
            .filter(|r| day.is_some_and(|d| (d - r.day).num_days() <= 7))
            .map(|r| Indicators::of([*r]))
            .unwrap_or_default();
        out.totals.merge(&totals);
        stages.entry(s.stage.clone()).or_default().merge(&totals);
        out.schools.push(Part {
            key: s.id.to_string(),
            name: s.name.clone(),
            group: s.stage.clone(),
            totals,
        });
    }
    let order = |s: &str| match s {
        "primary" => 0,
        "middle" => 1,
        "high" => 2,
        _ => 3,
    };
    out.stages = stages
        .into_iter()
        .map(|(k, totals)| Part {
            name: k.clone(),
            group: k.clone(),
            key: k,
            totals,
        })
        .collect();
    out.stages.sort_by_key(|p| order(&p.key));
    let mut by_term: BTreeMap<(NaiveDate, String), Indicators> = BTreeMap::new();
    for ((_, term_id), r) in last_of_term {
        if let Some(t) = terms.get(&term_id) {
            by_term
                .entry((t.starts_on, format!("{} {}", t.academic_year, t.name)))
                .or_default()
                .add(r);
        }
    }
    out.terms = by_term
        .into_iter()
        .map(|((start, name), totals)| Part {
            key: start.to_string(),
            name,
            group: String::new(),
            totals,
        })
        .collect();
    out
}

/// One school's per-grade summary for the district (aggregates only).
#[tracing::instrument(skip_all, fields(school = %school_id))]
pub async fn district_school_summary(
    ctx: &Ctx,
    school_id: Uuid,
    today: NaiveDate,
) -> ApiResult<(school::Model, Vec<Part>, Option<NaiveDate>)> {
    authz::policy::may_count_district_tasks(ctx)?;
    let district_id = ctx.caller()?.district_id;
    let s = school::Entity::find_by_id(school_id)
        .filter(school::Column::DistrictId.eq(district_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    narrow(ctx, true).await?;
    let rows = insight_day::Entity::find()
        .filter(insight_day::Column::DistrictId.eq(district_id))
        .filter(insight_day::Column::SchoolId.eq(school_id))
        .filter(insight_day::Column::Scope.eq(GRADE))
        .filter(insight_day::Column::Day.lte(today))
        .order_by_desc(insight_day::Column::Day)
        .limit(64)
        .all(ctx.db())
        .await;
    narrow(ctx, false).await?;
    let rows = rows?;
    let day = rows.first().map(|r| r.day);
    let mut parts: Vec<Part> = rows
        .iter()
        .filter(|r| Some(r.day) == day)
        .map(|r| Part {
            key: r.scope_key.clone(),
            name: r.scope_key.clone(),
            group: r.scope_key.clone(),
            totals: Indicators::of([r]),
        })
        .collect();
    parts.sort_by_key(|p| p.key.parse::<i32>().unwrap_or(0));
    Ok((s, parts, day))
}
