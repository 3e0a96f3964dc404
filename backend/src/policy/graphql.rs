//! GraphQL types and operations of the policy capability (一校一策, the school
//! calendar, task status). Resolvers are thin: they parse ids and call the
//! services. The task-status types are in [`super::task_types`].

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use shared::policy::presets::{self, PresetLevel};
use shared::tasks::EventKind;

use super::entities::calendar_event;
use super::service::{self as svc, SaveArgs, Version};
use super::task_types::*;
use super::tasks;
use crate::graphql::context::{GqlResult, ctx_of, id, opt_id, parse_id};
use crate::ids::id_arg;

fn today(as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(crate::clock::today)
}

/// A calendar event's fields.
#[derive(InputObject)]
pub struct CalendarEventInput {
    /// The term it falls in.
    pub term_id: ID,
    /// Kind.
    pub kind: EventKind,
    /// The day (within the term).
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    #[graphql(default)]
    pub grades: Vec<i32>,
    /// Display name, e.g. "期中考试".
    pub name: String,
}

impl From<CalendarEventInput> for svc::CalendarEventFields {
    fn from(i: CalendarEventInput) -> Self {
        svc::CalendarEventFields {
            term_id: id_arg(&i.term_id, "学期"),
            kind: i.kind,
            date: i.date,
            grades: i.grades,
            name: i.name,
        }
    }
}

/// A preset a district or school can start from (the plans of the seed, 篇1–篇6).
#[derive(SimpleObject)]
pub struct PolicyPreset {
    /// Stable id.
    pub id: String,
    /// Where it comes from ("篇5").
    pub source: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// District baseline or school policy.
    pub level: PresetLevel,
    /// The rules document (JSON of `PolicyRules`).
    pub rules: Json<Value>,
}

/// One difference between two versions.
#[derive(SimpleObject)]
pub struct PolicyChange {
    /// Dotted path, e.g. `ratio.per_grade.7`.
    pub path: String,
    /// The old value (absent if added).
    pub before: Option<Json<Value>>,
    /// The new value (absent if removed).
    pub after: Option<Json<Value>>,
}

/// A saved version of a district baseline or a school policy.
#[derive(SimpleObject)]
pub struct PolicyVersion {
    /// Id.
    pub id: ID,
    /// Version number (1 for the first).
    pub version: i32,
    /// Display name.
    pub name: String,
    /// The day it takes effect.
    pub effective_from: NaiveDate,
    /// The term it applies from, if named.
    pub term_id: Option<ID>,
    /// The preset it started from.
    pub preset_id: Option<String>,
    /// Whether this is a district baseline version.
    pub is_district_baseline: bool,
    /// The rules document (JSON of `PolicyRules`).
    pub rules: Json<Value>,
    /// What changed from the previous version (a school's first version:
    /// from the district baseline).
    pub diff: Vec<PolicyChange>,
    /// Who saved it (user id; none for seeded versions).
    pub created_by: Option<ID>,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

impl From<&Version> for PolicyVersion {
    fn from(v: &Version) -> Self {
        PolicyVersion {
            id: id(v.row.id),
            version: v.row.version,
            name: v.row.name.clone(),
            effective_from: v.row.effective_from,
            term_id: v.row.term_id.map(id),
            preset_id: v.row.preset_id.clone(),
            is_district_baseline: v.row.school_id.is_none(),
            rules: Json(serde_json::to_value(&v.rules).unwrap_or(Value::Null)),
            diff: v
                .diff
                .iter()
                .map(|c| PolicyChange {
                    path: c.path.clone(),
                    before: c.before.clone().map(Json),
                    after: c.after.clone().map(Json),
                })
                .collect(),
            created_by: v.row.created_by.map(id),
            created_at: v.row.created_at,
        }
    }
}

/// The district baseline and its history.
#[derive(SimpleObject)]
pub struct DistrictBaselineInfo {
    /// The newest version (none if the district has not published one).
    pub current: Option<PolicyVersion>,
    /// Every version, newest first.
    pub versions: Vec<PolicyVersion>,
}

/// A school's policy and its history.
#[derive(SimpleObject)]
pub struct SchoolPolicyInfo {
    /// The school.
    pub school_id: ID,
    /// The school's newest version (none if it has not saved one).
    pub current: Option<PolicyVersion>,
    /// What applies on the day asked: the school's version in effect, else the district baseline's.
    pub in_effect: Option<PolicyVersion>,
    /// True when no school version is in effect and the district baseline applies.
    pub uses_district_baseline: bool,
    /// The district baseline's newest version.
    pub baseline: Option<PolicyVersion>,
    /// The school's versions, newest first, with their diffs.
    pub versions: Vec<PolicyVersion>,
    /// Where the school's version in effect no longer meets the baseline in
    /// effect (e.g. after the district tightened it); empty when compliant.
    pub baseline_violations: Vec<PolicyViolation>,
}

/// One problem found by validation.
#[derive(SimpleObject)]
pub struct PolicyViolation {
    /// Dotted path into the rules, e.g. `ratio.per_grade.7`.
    pub path: String,
    /// In Chinese.
    pub message_zh: String,
    /// In English.
    pub message_en: String,
}

/// An event of the school calendar.
#[derive(SimpleObject)]
pub struct CalendarEvent {
    /// Id.
    pub id: ID,
    /// The term.
    pub term_id: ID,
    /// Kind (key exams open the before/after talk windows).
    pub kind: EventKind,
    /// The day.
    pub date: NaiveDate,
    /// Grades concerned (empty: every grade).
    pub grades: Vec<i32>,
    /// Name.
    pub name: String,
}

impl From<calendar_event::Model> for CalendarEvent {
    fn from(e: calendar_event::Model) -> Self {
        CalendarEvent {
            id: id(e.id),
            term_id: id(e.term_id),
            kind: svc::kind_of(&e.kind),
            date: e.occurs_on,
            grades: svc::grades_of(&e),
            name: e.name,
        }
    }
}

fn violation(v: shared::policy::Violation) -> PolicyViolation {
    PolicyViolation {
        path: v.path,
        message_zh: v.message_zh,
        message_en: v.message_en,
    }
}

/// Policy, calendar and task-status queries.
#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// The presets (篇1–篇6) a district or school can start from (any signed-in user).
    async fn policy_presets(&self, cx: &Context<'_>) -> GqlResult<Vec<PolicyPreset>> {
        ctx_of(cx)?.caller()?;
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        Ok(presets::ALL
            .iter()
            .filter_map(|p| {
                let rules = match p.level {
                    PresetLevel::District => presets::district(p.id, "preset", day)
                        .map(|b| serde_json::to_value(&b.rules)),
                    PresetLevel::School => {
                        presets::school(p.id, "preset", day).map(|s| serde_json::to_value(&s.rules))
                    }
                }?
                .ok()?;
                Some(PolicyPreset {
                    id: p.id.into(),
                    source: p.source.into(),
                    title_zh: p.title_zh.into(),
                    title_en: p.title_en.into(),
                    level: p.level,
                    rules: Json(rules),
                })
            })
            .collect())
    }

    /// The district baseline: current version and history (district admin
    /// and every school user of the district).
    async fn district_baseline(&self, cx: &Context<'_>) -> GqlResult<DistrictBaselineInfo> {
        let versions = svc::district_baseline(ctx_of(cx)?).await?;
        Ok(DistrictBaselineInfo {
            current: versions.first().map(Into::into),
            versions: versions.iter().map(Into::into).collect(),
        })
    }

    /// A school's policy: current version, what is in effect on `asOf`
    /// (default today) and the history with diffs. School users see their
    /// own school; a district admin passes `schoolId`.
    async fn school_policy(
        &self,
        cx: &Context<'_>,
        school_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<SchoolPolicyInfo> {
        let v = svc::school_policy(ctx_of(cx)?, opt_id(school_id, "学校")?, today(as_of)).await?;
        let (in_effect, uses_baseline) = match v.in_effect() {
            Some((x, b)) => (Some(x.into()), b),
            None => (None, false),
        };
        Ok(SchoolPolicyInfo {
            school_id: id(v.school_id),
            current: v.current().map(Into::into),
            in_effect,
            uses_district_baseline: uses_baseline,
            baseline: v.baseline.first().map(Into::into),
            versions: v.versions.iter().map(Into::into).collect(),
            baseline_violations: v.baseline_violations().into_iter().map(violation).collect(),
        })
    }

    /// Checks a draft school policy against its own rules and the district
    /// baseline without saving (school admin); empty when valid.
    async fn validate_school_policy(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: Option<NaiveDate>,
        term_id: Option<ID>,
    ) -> GqlResult<Vec<PolicyViolation>> {
        let ctx = ctx_of(cx)?;
        let v = svc::validate_school_policy(
            ctx,
            &rules.0,
            today(effective_from),
            opt_id(term_id, "学期")?,
        )
        .await?;
        Ok(v.into_iter().map(violation).collect())
    }

    /// A term's calendar events (users of the school).
    async fn calendar_events(
        &self,
        cx: &Context<'_>,
        term_id: ID,
    ) -> GqlResult<Vec<CalendarEvent>> {
        Ok(
            svc::calendar_events(ctx_of(cx)?, parse_id(&term_id, "学期")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// One student's task status in a term (default: the current term), for
    /// anyone who may see the student. `asOf` defaults to today.
    async fn student_tasks(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(tasks::student_tasks(
            ctx_of(cx)?,
            parse_id(&student_id, "学生")?,
            opt_id(term_id, "学期")?,
            today(as_of),
        )
        .await?
        .into())
    }

    /// The caller's mentees with what is due next and what is overdue (mentor).
    async fn my_students_tasks(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(
            tasks::my_students_tasks(ctx_of(cx)?, opt_id(term_id, "学期")?, today(as_of))
                .await?
                .into(),
        )
    }

    /// A class's task status (its head teacher, the grade leader, the school admin).
    async fn class_tasks(
        &self,
        cx: &Context<'_>,
        class_id: ID,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<TermTaskReport> {
        Ok(tasks::class_tasks(
            ctx_of(cx)?,
            parse_id(&class_id, "班级")?,
            opt_id(term_id, "学期")?,
            today(as_of),
        )
        .await?
        .into())
    }

    /// Counts by status per requirement kind: the school admin's school (a
    /// grade leader: their grades), or (district admin) every school of the
    /// district, aggregates only.
    async fn school_task_counts(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
        as_of: Option<NaiveDate>,
    ) -> GqlResult<Vec<SchoolTaskCounts>> {
        Ok(
            tasks::school_task_counts(ctx_of(cx)?, opt_id(term_id, "学期")?, today(as_of))
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

/// Policy and calendar mutations.
#[derive(Default)]
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    /// Saves a new version of the district baseline (district admin).
    async fn save_district_baseline(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: NaiveDate,
        name: Option<String>,
        preset_id: Option<String>,
    ) -> GqlResult<PolicyVersion> {
        let v = svc::save_district_baseline(
            ctx_of(cx)?,
            SaveArgs {
                rules: rules.0,
                effective_from,
                term_id: None,
                name,
                preset_id,
            },
        )
        .await?;
        Ok((&v).into())
    }

    /// Saves a new version of the school's policy (school admin). Refused
    /// with `VALIDATION` (every violation in `extensions.problems`) when it
    /// is invalid or loosens the district baseline.
    async fn save_school_policy(
        &self,
        cx: &Context<'_>,
        rules: Json<Value>,
        effective_from: NaiveDate,
        term_id: Option<ID>,
        name: Option<String>,
        preset_id: Option<String>,
    ) -> GqlResult<PolicyVersion> {
        let v = svc::save_school_policy(
            ctx_of(cx)?,
            SaveArgs {
                rules: rules.0,
                effective_from,
                term_id: opt_id(term_id, "学期")?,
                name,
                preset_id,
            },
        )
        .await?;
        Ok((&v).into())
    }

    /// Adds an event to the school calendar (school admin).
    async fn create_calendar_event(
        &self,
        cx: &Context<'_>,
        input: CalendarEventInput,
    ) -> GqlResult<CalendarEvent> {
        Ok(svc::create_calendar_event(ctx_of(cx)?, input.into())
            .await?
            .into())
    }

    /// Deletes an event of the school calendar (school admin).
    async fn delete_calendar_event(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(svc::delete_calendar_event(ctx_of(cx)?, parse_id(&id, "日历事件")?).await?)
    }
}
