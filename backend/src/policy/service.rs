//! Policy and calendar services: district baselines and school policies as
//! append-only versions (validated against the baseline, diffed, audited), and
//! the school calendar's events.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::Value;
use shared::policy::presets;
use shared::policy::{
    self, Change, DistrictBaseline, PolicyMeta, PolicyRules, SchoolPolicy, Violation,
};
use shared::tasks::EventKind;
use uuid::Uuid;

use super::entities::{calendar_event, policy_version};
use crate::audit;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::ids::IdArg;
use crate::org::entities::term;
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// A stored version with its rules and diff parsed.
#[derive(Debug, Clone)]
pub struct Version {
    /// The row.
    pub row: policy_version::Model,
    /// The rules.
    pub rules: PolicyRules,
    /// What changed from the previous version (for a school's first version:
    /// from the district baseline it was checked against).
    pub diff: Vec<Change>,
}

fn parse_version(row: policy_version::Model) -> ApiResult<Version> {
    let rules: PolicyRules = serde_json::from_str(&row.rules)
        .map_err(|e| anyhow::anyhow!("stored policy {} unreadable: {e}", row.id))?;
    let diff: Vec<Change> = serde_json::from_str(&row.diff).unwrap_or_default();
    Ok(Version { row, rules, diff })
}

/// Parses a rules document sent by a client.
pub fn parse_rules(rules: &Value) -> Result<PolicyRules, Violation> {
    serde_json::from_value(rules.clone()).map_err(|e| {
        Violation::new(
            "rules".into(),
            format!("方案格式无效：{e}"),
            format!("The rules document is malformed: {e}"),
        )
    })
}

fn problems_of(v: &[Violation]) -> ApiError {
    ApiError::invalid_all(
        v.iter()
            .map(|x| FieldProblem {
                field: x.path.clone(),
                message: x.message_zh.clone(),
            })
            .collect(),
    )
}

/// A preset id, when given, must name a preset of the right level.
fn check_preset(id: Option<&str>, level: presets::PresetLevel) -> Result<(), Violation> {
    match id {
        Some(id) if !presets::ALL.iter().any(|p| p.id == id && p.level == level) => {
            Err(Violation::new(
                "presetId".into(),
                format!("未知的方案模板“{id}”"),
                format!("Unknown preset \"{id}\""),
            ))
        }
        _ => Ok(()),
    }
}

/// Every version of the district's baseline, newest first.
#[tracing::instrument(skip_all, fields(district = %district))]
pub async fn baseline_versions(ctx: &Ctx, district: Uuid) -> ApiResult<Vec<Version>> {
    policy_version::Entity::find()
        .filter(policy_version::Column::DistrictId.eq(district))
        .filter(policy_version::Column::SchoolId.is_null())
        .order_by_desc(policy_version::Column::Version)
        .all(ctx.db())
        .await?
        .into_iter()
        .map(parse_version)
        .collect()
}

/// Every version of a school's policy, newest first.
#[tracing::instrument(skip_all, fields(district = %district, school = %school))]
pub async fn school_versions(ctx: &Ctx, district: Uuid, school: Uuid) -> ApiResult<Vec<Version>> {
    policy_version::Entity::find()
        .filter(policy_version::Column::DistrictId.eq(district))
        .filter(policy_version::Column::SchoolId.eq(school))
        .order_by_desc(policy_version::Column::Version)
        .all(ctx.db())
        .await?
        .into_iter()
        .map(parse_version)
        .collect()
}

/// The version in effect on a day: the highest version whose effective date
/// is on or before it (versions are newest first).
pub fn in_effect(versions: &[Version], day: NaiveDate) -> Option<&Version> {
    versions
        .iter()
        .filter(|v| v.row.effective_from <= day)
        .max_by_key(|v| (v.row.effective_from, v.row.version))
}

/// The policy in effect for a school on a day: the school's own version in
/// effect then, else the district baseline's (`district_baseline` true),
/// else none. The one answer mentoring, tasks and matching all use.
#[tracing::instrument(skip_all, fields(district = %district, school = %school))]
pub async fn policy_on(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    day: NaiveDate,
) -> ApiResult<Option<Effective>> {
    let own = school_versions(ctx, district, school).await?;
    if let Some(v) = in_effect(&own, day) {
        return Ok(Some(Effective {
            version: v.clone(),
            district_baseline: false,
        }));
    }
    let base = baseline_versions(ctx, district).await?;
    Ok(in_effect(&base, day).map(|v| Effective {
        version: v.clone(),
        district_baseline: true,
    }))
}

/// A policy version in effect, and whether it is the district baseline's.
#[derive(Debug, Clone)]
pub struct Effective {
    /// The version.
    pub version: Version,
    /// True when the school has none in effect and the baseline applies.
    pub district_baseline: bool,
}

/// The baseline a school policy taking effect on `day` is checked against:
/// the one in effect then, else the newest.
fn baseline_for(versions: &[Version], day: NaiveDate) -> Option<&Version> {
    in_effect(versions, day).or_else(|| versions.first())
}

fn meta_of(row: &policy_version::Model) -> PolicyMeta {
    PolicyMeta {
        name: row.name.clone(),
        version: u32::try_from(row.version).unwrap_or(0),
        term_id: row
            .term_id
            .map_or_else(|| row.effective_from.to_string(), |t| t.to_string()),
        effective_from: row.effective_from,
        preset: row.preset_id.clone(),
    }
}

fn summary(version: u32, diff: &[Change]) -> String {
    let mut paths: Vec<&str> = diff.iter().map(|c| c.path.as_str()).take(20).collect();
    if diff.len() > 20 {
        paths.push("…");
    }
    format!("v{version}: {}", paths.join(", "))
}

/// The district's baseline: its versions, newest first (district admins and
/// every school user of the district).
#[tracing::instrument(skip_all)]
pub async fn district_baseline(ctx: &Ctx) -> ApiResult<Vec<Version>> {
    let district = ctx.district_id()?;
    baseline_versions(ctx, district).await
}

/// What a save needs besides the rules.
#[derive(Debug, Clone)]
pub struct SaveArgs {
    /// The rules document (JSON of `PolicyRules`).
    pub rules: Value,
    /// The day it takes effect.
    pub effective_from: NaiveDate,
    /// The term it applies from (school policies).
    pub term_id: Option<Uuid>,
    /// Display name (default: the previous version's, or a generic one).
    pub name: Option<String>,
    /// The preset it started from (default: the previous version's).
    pub preset_id: Option<String>,
}

fn clean_name(name: Option<&str>, prev: Option<&Version>, default: &str) -> String {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .or_else(|| prev.map(|p| p.row.name.clone()))
        .unwrap_or_else(|| default.to_string())
}

/// Saves a new version of the district baseline (district admin).
#[tracing::instrument(skip_all)]
pub async fn save_district_baseline(ctx: &Ctx, args: SaveArgs) -> ApiResult<Version> {
    let district = crate::authz::policy::may_set_baseline(ctx)?;
    let rules = parse_rules(&args.rules).map_err(|v| problems_of(&[v]))?;
    let versions = baseline_versions(ctx, district).await?;
    let prev = versions.first();
    if args
        .name
        .as_deref()
        .is_some_and(|n| n.chars().count() > 100)
    {
        return Err(ApiError::invalid("name", "名称不能超过100个字"));
    }
    check_preset(args.preset_id.as_deref(), presets::PresetLevel::District)
        .map_err(|v| problems_of(&[v]))?;
    let version = prev.map_or(1, |p| p.row.version + 1);
    let b = DistrictBaseline {
        meta: PolicyMeta {
            name: clean_name(args.name.as_deref(), prev, "区全员导师制工作方案"),
            version: u32::try_from(version).unwrap_or(1),
            term_id: args.effective_from.to_string(),
            effective_from: args.effective_from,
            preset: args
                .preset_id
                .clone()
                .or_else(|| prev.and_then(|p| p.row.preset_id.clone())),
        },
        rules,
    };
    let mut violations = policy::validate_baseline(&b);
    if let Some(p) = prev {
        violations.extend(policy::validate_successor(&meta_of(&p.row), &b.meta));
    }
    if !violations.is_empty() {
        return Err(problems_of(&violations));
    }
    let diff = prev
        .map(|p| policy::diff(&p.rules, &b.rules))
        .unwrap_or_default();
    let row = insert(ctx, district, None, &b.meta, None, &b.rules, &diff).await?;
    audit::record(
        ctx,
        "policy.baseline.save",
        "policy_version",
        Some(row.row.id),
        Some(summary(b.meta.version, &diff)),
    )
    .await?;
    Ok(row)
}

async fn insert(
    ctx: &Ctx,
    district: Uuid,
    school: Option<Uuid>,
    meta: &PolicyMeta,
    term_id: Option<Uuid>,
    rules: &PolicyRules,
    diff: &[Change],
) -> ApiResult<Version> {
    let created_by = ctx.caller().ok().map(|c| c.user_id);
    let row = policy_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        version: Set(i32::try_from(meta.version).unwrap_or(i32::MAX)),
        name: Set(meta.name.clone()),
        effective_from: Set(meta.effective_from),
        term_id: Set(term_id),
        preset_id: Set(meta.preset.clone()),
        rules: Set(serde_json::to_string(rules).map_err(anyhow::Error::from)?),
        diff: Set(serde_json::to_string(diff).map_err(anyhow::Error::from)?),
        created_by: Set(created_by),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("方案已被他人同时修改，请刷新后重试"),
        other => other,
    })?;
    Ok(Version {
        row,
        rules: rules.clone(),
        diff: diff.to_vec(),
    })
}

/// A school's policy as the school sees it.
#[derive(Debug, Clone)]
pub struct SchoolPolicyView {
    /// The school.
    pub school_id: Uuid,
    /// The school's versions, newest first.
    pub versions: Vec<Version>,
    /// The district baseline's versions, newest first.
    pub baseline: Vec<Version>,
    /// The day the view was computed for.
    pub as_of: NaiveDate,
}

impl SchoolPolicyView {
    /// The school's newest version.
    pub fn current(&self) -> Option<&Version> {
        self.versions.first()
    }

    /// What applies on `as_of`: the school's version in effect, else the
    /// baseline in effect.
    pub fn in_effect(&self) -> Option<(&Version, bool)> {
        in_effect(&self.versions, self.as_of)
            .map(|v| (v, false))
            .or_else(|| in_effect(&self.baseline, self.as_of).map(|v| (v, true)))
    }

    /// Where the school's version in effect on `as_of` no longer meets the
    /// baseline in effect then (e.g. after the district tightened it); empty
    /// when compliant or when the baseline applies itself.
    pub fn baseline_violations(&self) -> Vec<Violation> {
        let Some(own) = in_effect(&self.versions, self.as_of) else {
            return vec![];
        };
        let Some(base) = baseline_for(&self.baseline, self.as_of) else {
            return vec![];
        };
        policy::validate_school(
            &SchoolPolicy {
                meta: meta_of(&own.row),
                rules: own.rules.clone(),
            },
            &DistrictBaseline {
                meta: meta_of(&base.row),
                rules: base.rules.clone(),
            },
        )
    }
}

/// A school's policy: the caller's own school, or (district admin) any school
/// of the district.
#[tracing::instrument(skip_all)]
pub async fn school_policy(
    ctx: &Ctx,
    school_id: Option<Uuid>,
    as_of: NaiveDate,
) -> ApiResult<SchoolPolicyView> {
    let (district, school) =
        crate::authz::policy::which_school_policy_readable(ctx, school_id).await?;
    Ok(SchoolPolicyView {
        school_id: school,
        versions: school_versions(ctx, district, school).await?,
        baseline: baseline_versions(ctx, district).await?,
        as_of,
    })
}

/// Checks a draft school policy without saving (school admin): every
/// violation of its own rules and of the district baseline.
#[tracing::instrument(skip_all)]
pub async fn validate_school_policy(
    ctx: &Ctx,
    rules: &Value,
    effective_from: NaiveDate,
    term_id: Option<Uuid>,
) -> ApiResult<Vec<Violation>> {
    Ok(
        check_school(ctx, rules, effective_from, term_id, None, None)
            .await?
            .0,
    )
}

struct Checked {
    policy: Option<SchoolPolicy>,
    previous: Option<Version>,
    baseline: Option<Version>,
    district: Uuid,
    school: Uuid,
}

async fn check_school(
    ctx: &Ctx,
    rules: &Value,
    effective_from: NaiveDate,
    term_id: Option<Uuid>,
    name: Option<&str>,
    preset_id: Option<String>,
) -> ApiResult<(Vec<Violation>, Checked)> {
    let (district, school) = crate::authz::policy::may_manage_school_policy(ctx)?;
    let mut violations = vec![];
    if let Some(t) = term_id {
        let t = one_in_school::<term::Entity>(ctx, t, "学期").await?;
        if effective_from > t.ends_on {
            violations.push(Violation::new(
                "effectiveFrom".into(),
                format!("生效日期不能晚于所选学期的结束日期{}", t.ends_on),
                "It must take effect before the chosen term ends".into(),
            ));
        }
    }
    if let Err(v) = check_preset(preset_id.as_deref(), presets::PresetLevel::School) {
        violations.push(v);
    }
    if name.is_some_and(|n| n.chars().count() > 100) {
        violations.push(Violation::new(
            "name".into(),
            "名称不能超过100个字".into(),
            "The name may have at most 100 characters".into(),
        ));
    }
    let versions = school_versions(ctx, district, school).await?;
    let baselines = baseline_versions(ctx, district).await?;
    let previous = versions.first().cloned();
    let baseline = baseline_for(&baselines, effective_from).cloned();
    let parsed = match parse_rules(rules) {
        Ok(r) => Some(r),
        Err(v) => {
            violations.push(v);
            None
        }
    };
    let policy = parsed.map(|rules| SchoolPolicy {
        meta: PolicyMeta {
            name: clean_name(name, previous.as_ref(), "学校全员导师制实施方案"),
            version: previous
                .as_ref()
                .map_or(1, |p| u32::try_from(p.row.version).unwrap_or(0) + 1),
            term_id: term_id.map_or_else(|| effective_from.to_string(), |t| t.to_string()),
            effective_from,
            preset: preset_id.or_else(|| previous.as_ref().and_then(|p| p.row.preset_id.clone())),
        },
        rules,
    });
    if let Some(p) = &policy {
        match &baseline {
            Some(b) => {
                let base = DistrictBaseline {
                    meta: meta_of(&b.row),
                    rules: b.rules.clone(),
                };
                violations.extend(policy::validate_school(p, &base));
            }
            None => violations.push(Violation::new(
                "baseline".into(),
                "区教育局尚未发布区基线，学校方案暂无法核对，请联系区教育局".into(),
                "The district has not published a baseline yet".into(),
            )),
        }
        if let Some(prev) = &previous {
            violations.extend(policy::validate_successor(&meta_of(&prev.row), &p.meta));
        }
    }
    Ok((
        violations,
        Checked {
            policy,
            previous,
            baseline,
            district,
            school,
        },
    ))
}

/// Saves a new version of the school's policy (school admin): refused with
/// `VALIDATION` listing every violation when it is invalid or loosens the
/// district baseline; else stored with its diff and audited.
#[tracing::instrument(skip_all)]
pub async fn save_school_policy(ctx: &Ctx, args: SaveArgs) -> ApiResult<Version> {
    let (violations, c) = check_school(
        ctx,
        &args.rules,
        args.effective_from,
        args.term_id,
        args.name.as_deref(),
        args.preset_id.clone(),
    )
    .await?;
    if !violations.is_empty() {
        return Err(problems_of(&violations));
    }
    let Some(p) = c.policy else {
        return Err(ApiError::invalid("rules", "方案格式无效"));
    };
    let from = c
        .previous
        .as_ref()
        .or(c.baseline.as_ref())
        .map(|v| &v.rules);
    let diff = from.map(|r| policy::diff(r, &p.rules)).unwrap_or_default();
    let v = insert(
        ctx,
        c.district,
        Some(c.school),
        &p.meta,
        args.term_id,
        &p.rules,
        &diff,
    )
    .await?;
    audit::record(
        ctx,
        "policy.school.save",
        "policy_version",
        Some(v.row.id),
        Some(summary(p.meta.version, &diff)),
    )
    .await?;
    Ok(v)
}

// ---------------------------------------------------------------- calendar

/// A calendar event's fields.
#[derive(Debug, Clone)]
pub struct CalendarEventFields {
    /// The term it falls in.
    pub term_id: IdArg,
    /// Kind.
    pub kind: EventKind,
    /// The day (within the term).
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    pub grades: Vec<i32>,
    /// Display name, e.g. "期中考试".
    pub name: String,
}

/// The code of an event kind.
pub fn kind_code(k: EventKind) -> &'static str {
    match k {
        EventKind::KeyExam => "KEY_EXAM",
        EventKind::LifeEvent => "LIFE_EVENT",
        EventKind::Other => "OTHER",
    }
}

/// Parses an event kind code.
pub fn kind_of(code: &str) -> EventKind {
    match code {
        "KEY_EXAM" => EventKind::KeyExam,
        "LIFE_EVENT" => EventKind::LifeEvent,
        _ => EventKind::Other,
    }
}

/// The grades of an event row.
pub fn grades_of(e: &calendar_event::Model) -> Vec<i32> {
    serde_json::from_str(&e.grades).unwrap_or_default()
}

/// A term's events, by date (any user of the school).
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
pub async fn calendar_events(ctx: &Ctx, term_id: Uuid) -> ApiResult<Vec<calendar_event::Model>> {
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    events_of_terms(ctx, t.school_id, &[t.id]).await
}

/// Events of some terms of a school, by date.
#[tracing::instrument(skip_all, fields(school = %school))]
pub async fn events_of_terms(
    ctx: &Ctx,
    school: Uuid,
    terms: &[Uuid],
) -> ApiResult<Vec<calendar_event::Model>> {
    Ok(calendar_event::Entity::find()
        .filter(calendar_event::Column::SchoolId.eq(school))
        .filter(calendar_event::Column::TermId.is_in(terms.to_vec()))
        .order_by_asc(calendar_event::Column::OccursOn)
        .order_by_asc(calendar_event::Column::Name)
        .all(ctx.db())
        .await?)
}

/// Adds an event to a term of the school (school admin).
#[tracing::instrument(skip_all)]
pub async fn create_calendar_event(
    ctx: &Ctx,
    input: CalendarEventFields,
) -> ApiResult<calendar_event::Model> {
    let (district, school) = crate::authz::policy::may_manage_calendar(ctx)?;
    let t = one_in_school::<term::Entity>(ctx, input.term_id?, "学期").await?;
    let mut p = Problems::default();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        p.add("input.name", "名称须为1–50个字");
    }
    if input.date < t.starts_on || input.date > t.ends_on {
        p.add(
            "input.date",
            format!("日期须在学期内（{}至{}）", t.starts_on, t.ends_on),
        );
    }
    let mut grades = input.grades.clone();
    grades.sort_unstable();
    grades.dedup();
    if grades.iter().any(|g| !(1..=12).contains(g)) {
        p.add("input.grades", "年级应为1–12");
    }
    p.finish()?;
    let m = calendar_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        term_id: Set(t.id),
        kind: Set(kind_code(input.kind).into()),
        occurs_on: Set(input.date),
        grades: Set(serde_json::to_string(&grades).map_err(anyhow::Error::from)?),
        name: Set(name.to_string()),
        created_by: Set(ctx.caller().ok().map(|c| c.user_id)),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await?;
    audit::record(ctx, "calendar.create", "calendar_event", Some(m.id), None).await?;
    Ok(m)
}

/// Deletes an event of the school (school admin).
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_calendar_event(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    crate::authz::policy::may_manage_calendar(ctx)?;
    let e = one_in_school::<calendar_event::Entity>(ctx, id, "日历事件").await?;
    e.delete(ctx.db()).await?;
    audit::record(ctx, "calendar.delete", "calendar_event", Some(id), None).await?;
    Ok(true)
}

/// Terms of a school in the same school year as `t`, in order.
#[tracing::instrument(skip_all)]
pub async fn year_terms(ctx: &Ctx, t: &term::Model) -> ApiResult<Vec<term::Model>> {
    Ok(term::Entity::find()
        .filter(
            Condition::all()
                .add(term::Column::SchoolId.eq(t.school_id))
                .add(term::Column::AcademicYear.eq(t.academic_year.clone())),
        )
        .order_by_asc(term::Column::StartsOn)
        .all(ctx.db())
        .await?)
}
