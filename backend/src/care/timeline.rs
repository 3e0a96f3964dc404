//! The steps of a case, each appended to its timeline (never rewritten): an
//! acknowledgement, a counsellor's structured assessment, actions with an
//! owner and a due day (and their completion), contact with the parents,
//! a referral out and its outcome, follow-up talks, amendments, and the
//! closing summary. The timeline is the record that the people involved did
//! their duty (尽职免责).

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use shared::care::{CaseStage, ConcernLevel};
use uuid::Uuid;

use super::cases::{CaseView, append, load, save, view};
use super::entities::{alert, case, event};
use crate::audit;
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{staff, student};
use crate::tenancy::{Ctx, one_in_school};
use crate::validate;

/// Longest note, plan or summary.
pub const MAX_NOTE: usize = 2_000;
/// Longest short field (referral destination, factor).
pub const MAX_SHORT: usize = 200;
/// Most factors in an assessment list.
pub const MAX_FACTORS: usize = 20;

/// The structured content of an entry; which fields are set depends on
/// the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryBody {
    /// Assessment: the counsellor's risk level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<ConcernLevel>,
    /// Assessment: risk factors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<String>,
    /// Assessment: protective factors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protective_factors: Vec<String>,
    /// Assessment: the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Action description, contact, follow-up or completion note, amendment
    /// text, closing summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Referral: where to (hospital, 专业机构).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_to: Option<String>,
    /// Referral: on which day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_on: Option<NaiveDate>,
    /// Referral outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Amendment: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A conference's step (scheduled, recorded, an action it decided):
    /// the conference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference_id: Option<Uuid>,
    /// A scheduled conference: when it takes place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl EntryBody {
    /// Parses a stored body.
    pub fn parse(s: &str) -> EntryBody {
        serde_json::from_str(s).unwrap_or_default()
    }
}

/// A body with a note only.
pub fn note(text: String) -> EntryBody {
    EntryBody {
        note: Some(text),
        ..EntryBody::default()
    }
}

/// Checks a required text field (trimmed, 1..=`max` characters).
pub fn need_text(field: &str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ApiError::invalid(field, "请填写内容"));
    }
    validate::text(t, max, true).map_err(|p| p.for_field(field))?;
    Ok(t.to_string())
}

fn list(field: &str, v: &[String]) -> ApiResult<Vec<String>> {
    if v.len() > MAX_FACTORS {
        return Err(ApiError::invalid(field, format!("最多{MAX_FACTORS}项")));
    }
    v.iter()
        .filter(|f| !f.trim().is_empty())
        .map(|f| need_text(field, f, MAX_SHORT))
        .collect()
}

/// A case open for a new step, with the caller's tier on it.
pub struct Open {
    /// The caller.
    pub me: Me,
    /// The case.
    pub case: case::Model,
    /// The caller's tier.
    pub tier: Option<shared::care::CaseTier>,
    staff: Option<Uuid>,
}

/// A step to append.
#[derive(Default)]
pub struct Step {
    /// `care_events.kind`.
    pub kind: &'static str,
    /// Its content.
    pub body: EntryBody,
    /// An action's owner.
    pub owner: Option<Uuid>,
    /// An action's due day.
    pub due_on: Option<NaiveDate>,
    /// What it amends or completes.
    pub amends: Option<Uuid>,
}

impl Open {
    /// Appends a step written by the caller.
    pub async fn write(&self, ctx: &Ctx, s: Step) -> ApiResult<event::Model> {
        let body = serde_json::to_value(&s.body).unwrap_or_default();
        let author = Some((self.me.user_id, self.staff));
        append(
            ctx, &self.case, s.kind, author, body, s.owner, s.due_on, s.amends,
        )
        .await
    }

    /// Appends an action with an owner (a staff member of the school, who
    /// joins the case) and a due day (not before yesterday, for time
    /// zones); `conference` when a conference decided it.
    pub async fn write_action(
        &self,
        ctx: &Ctx,
        description: String,
        owner: Uuid,
        due_on: Option<NaiveDate>,
        conference: Option<Uuid>,
    ) -> ApiResult<event::Model> {
        check_due(due_on)?;
        let e = self
            .write(
                ctx,
                Step {
                    kind: "action",
                    body: EntryBody {
                        conference_id: conference,
                        ..note(description)
                    },
                    owner: Some(owner),
                    due_on,
                    ..Step::default()
                },
            )
            .await?;
        add_participants(ctx, &self.case, &[owner]).await?;
        Ok(e)
    }
}

/// Refuses a due day in the past.
pub fn check_due(due_on: Option<NaiveDate>) -> ApiResult<()> {
    if due_on.is_some_and(|d| d < clock::local_day(clock::now()) - chrono::Duration::days(1)) {
        return Err(ApiError::invalid("input.dueOn", "完成期限不能早于今天"));
    }
    Ok(())
}

/// Opens a case of the caller's school for a new step; closed cases take
/// none.
pub async fn open(ctx: &Ctx, case_id: Uuid) -> ApiResult<Open> {
    let me = Me::load(ctx).await?;
    let (c, tier) = load(ctx, &me, case_id).await?;
    authz::care::require_some(tier)?;
    if c.closed_at.is_some() {
        return Err(ApiError::conflict("个案已结案，不能再添加记录"));
    }
    let staff = me.staff.as_ref().map(|s| s.id);
    Ok(Open {
        me,
        case: c,
        tier,
        staff,
    })
}

async fn done(ctx: &Ctx, o: Open, action: &str) -> ApiResult<CaseView> {
    audit::record(ctx, action, "care_case", Some(o.case.id), None).await?;
    let c = one_in_school::<case::Entity>(ctx, o.case.id, "个案").await?;
    view(ctx, &o.me, c).await
}

fn advance(c: &case::Model, to: CaseStage) -> Option<String> {
    let now = CaseStage::from_code(&c.stage).unwrap_or(CaseStage::Raised);
    let order = |s: CaseStage| CaseStage::ALL.iter().position(|x| *x == s).unwrap_or(0);
    (order(to) > order(now)).then(|| to.code().to_string())
}

/// Acknowledges a case (whoever sees it in full, or was alerted about it).
/// A second acknowledgement is recorded too, but the case keeps its first.
#[tracing::instrument(skip_all)]
pub async fn acknowledge(ctx: &Ctx, case_id: Uuid) -> ApiResult<CaseView> {
    let o = open(ctx, case_id).await?;
    let alerted = alert::Entity::find()
        .filter(alert::Column::SchoolId.eq(o.me.school_id))
        .filter(alert::Column::CaseId.eq(o.case.id))
        .filter(alert::Column::RecipientUserId.eq(o.me.user_id))
        .one(ctx.db())
        .await?
        .is_some();
    authz::care::may_acknowledge(o.tier, alerted)?;
    let now = clock::now();
    o.write(
        ctx,
        Step {
            kind: "acknowledge",
            ..Step::default()
        },
    )
    .await?;
    if o.case.acknowledged_at.is_none() {
        let mut a = o.case.clone().into_active_model();
        a.acknowledged_at = Set(Some(now));
        a.acknowledged_by = Set(Some(o.me.user_id));
        if let Some(st) = advance(&o.case, CaseStage::Acknowledged) {
            a.stage = Set(st);
        }
        save(ctx, a).await?;
    }
    done(ctx, o, "care.case.acknowledge").await
}

/// A counsellor's structured assessment.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// Assessed risk.
    pub risk_level: ConcernLevel,
    /// Risk factors.
    pub factors: Vec<String>,
    /// Protective factors.
    pub protective_factors: Vec<String>,
    /// The plan.
    pub plan: String,
}

/// Records a counsellor's assessment (counsellors only). The case takes the
/// assessed level; the first assessment counts for the response target.
#[tracing::instrument(skip_all)]
pub async fn assess(ctx: &Ctx, case_id: Uuid, a: Assessment) -> ApiResult<CaseView> {
    let body = EntryBody {
        risk_level: Some(a.risk_level),
        factors: list("input.factors", &a.factors)?,
        protective_factors: list("input.protectiveFactors", &a.protective_factors)?,
        plan: Some(need_text("input.plan", &a.plan, MAX_NOTE)?),
        ..EntryBody::default()
    };
    let o = open(ctx, case_id).await?;
    authz::care::may_assess(ctx, o.tier)?;
    let now = clock::now();
    o.write(
        ctx,
        Step {
            kind: "assessment",
            body,
            ..Step::default()
        },
    )
    .await?;
    let mut m = o.case.clone().into_active_model();
    if o.case.assessed_at.is_none() {
        m.assessed_at = Set(Some(now));
    }
    if o.case.acknowledged_at.is_none() {
        m.acknowledged_at = Set(Some(now));
        m.acknowledged_by = Set(Some(o.me.user_id));
    }
    m.level = Set(a.risk_level.code().into());
    if let Some(st) = advance(&o.case, CaseStage::Assessed) {
        m.stage = Set(st);
    }
    save(ctx, m).await?;
    done(ctx, o, "care.case.assess").await
}

/// Adds an action with an owner (a staff member of the school, who joins
/// the case) and a due day.
#[tracing::instrument(skip_all)]
pub async fn add_action(
    ctx: &Ctx,
    case_id: Uuid,
    description: &str,
    owner: Option<Uuid>,
    due_on: Option<NaiveDate>,
) -> ApiResult<CaseView> {
    let text = need_text("input.description", description, MAX_NOTE)?;
    let o = open(ctx, case_id).await?;
    authz::care::require_full(o.tier)?;
    let owner = match owner {
        Some(id) => one_in_school::<staff::Entity>(ctx, id, "负责人").await?.id,
        None => o.me.staff_id()?,
    };
    o.write_action(ctx, text, owner, due_on, None).await?;
    done(ctx, o, "care.case.action").await
}

/// Names staff on a case (full access from then on).
pub async fn add_participants(ctx: &Ctx, c: &case::Model, staff: &[Uuid]) -> ApiResult<()> {
    let current = one_in_school::<case::Entity>(ctx, c.id, "个案").await?;
    let mut ids = crate::mentoring::entities::parse_ids(&current.participants);
    let before = ids.len();
    for s in staff {
        if !ids.contains(s) {
            ids.push(*s);
        }
    }
    if ids.len() == before {
        return Ok(());
    }
    let mut m = current.into_active_model();
    m.participants = Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()));
    save(ctx, m).await?;
    Ok(())
}

async fn open_entry(ctx: &Ctx, entry: Uuid) -> ApiResult<(Open, event::Model)> {
    let e = one_in_school::<event::Entity>(ctx, entry, "记录").await?;
    let o = open(ctx, e.case_id).await?;
    Ok((o, e))
}

/// Marks an action done (its owner, or whoever sees the case in full).
#[tracing::instrument(skip_all)]
pub async fn complete_action(ctx: &Ctx, entry: Uuid, text: &str) -> ApiResult<CaseView> {
    let text = need_text("note", text, MAX_NOTE)?;
    let (o, e) = open_entry(ctx, entry).await?;
    if e.kind != "action" {
        return Err(ApiError::invalid("entryId", "只能完成行动项"));
    }
    if e.owner_staff_id != o.staff || o.staff.is_none() {
        authz::care::require_full(o.tier)?;
    }
    let already = event::Entity::find()
        .filter(event::Column::SchoolId.eq(o.me.school_id))
        .filter(event::Column::CaseId.eq(o.case.id))
        .filter(event::Column::Kind.eq("action_done"))
        .filter(event::Column::Amends.eq(e.id))
        .one(ctx.db())
        .await?;
    if already.is_some() {
        return Err(ApiError::conflict("此行动项已完成"));
    }
    o.write(
        ctx,
        Step {
            kind: "action_done",
            body: EntryBody {
                conference_id: EntryBody::parse(&e.body).conference_id,
                ..note(text)
            },
            owner: e.owner_staff_id,
            amends: Some(e.id),
            ..Step::default()
        },
    )
    .await?;
    done(ctx, o, "care.case.action_done").await
}

/// Records contact with the parents (归口: per the communication rule).
#[tracing::instrument(skip_all)]
pub async fn parent_contact(ctx: &Ctx, case_id: Uuid, text: &str) -> ApiResult<CaseView> {
    let text = need_text("note", text, MAX_NOTE)?;
    let o = open(ctx, case_id).await?;
    let s = one_in_school::<student::Entity>(ctx, o.case.student_id, "学生").await?;
    let rules = crate::mentoring::activities::communication_rules(ctx).await?;
    authz::care::may_contact_parents(ctx, &o.me, &s, o.tier, &rules)?;
    o.write(
        ctx,
        Step {
            kind: "parent_contact",
            body: note(text),
            ..Step::default()
        },
    )
    .await?;
    done(ctx, o, "care.case.parent_contact").await
}

/// Records a referral out.
#[tracing::instrument(skip_all)]
pub async fn referral(
    ctx: &Ctx,
    case_id: Uuid,
    to: &str,
    on: NaiveDate,
    outcome: Option<&str>,
) -> ApiResult<CaseView> {
    let to = need_text("input.referredTo", to, MAX_SHORT)?;
    let outcome = outcome
        .filter(|o| !o.trim().is_empty())
        .map(|o| need_text("input.outcome", o, MAX_NOTE))
        .transpose()?;
    let o = open(ctx, case_id).await?;
    authz::care::require_full(o.tier)?;
    o.write(
        ctx,
        Step {
            kind: "referral",
            body: EntryBody {
                referred_to: Some(to),
                referred_on: Some(on),
                outcome,
                ..EntryBody::default()
            },
            ..Step::default()
        },
    )
    .await?;
    if let Some(st) = advance(&o.case, CaseStage::Referred) {
        let mut m = o.case.clone().into_active_model();
        m.stage = Set(st);
        save(ctx, m).await?;
    }
    done(ctx, o, "care.case.referral").await
}

/// Records the outcome of a referral.
#[tracing::instrument(skip_all)]
pub async fn referral_outcome(ctx: &Ctx, entry: Uuid, outcome: &str) -> ApiResult<CaseView> {
    let outcome = need_text("outcome", outcome, MAX_NOTE)?;
    let (o, e) = open_entry(ctx, entry).await?;
    authz::care::require_full(o.tier)?;
    if e.kind != "referral" {
        return Err(ApiError::invalid("entryId", "只能为转介记录结果"));
    }
    o.write(
        ctx,
        Step {
            kind: "referral_outcome",
            body: EntryBody {
                outcome: Some(outcome),
                ..EntryBody::default()
            },
            amends: Some(e.id),
            ..Step::default()
        },
    )
    .await?;
    done(ctx, o, "care.case.referral").await
}

/// Records a follow-up talk (whoever sees the case in full, or raised it).
#[tracing::instrument(skip_all)]
pub async fn follow_up(ctx: &Ctx, case_id: Uuid, text: &str) -> ApiResult<CaseView> {
    let text = need_text("note", text, MAX_NOTE)?;
    let o = open(ctx, case_id).await?;
    authz::care::may_follow_up(o.tier, o.case.raised_by == o.me.user_id)?;
    o.write(
        ctx,
        Step {
            kind: "follow_up",
            body: note(text),
            ..Step::default()
        },
    )
    .await?;
    done(ctx, o, "care.case.follow_up").await
}

/// Amends an entry: its author adds a correction with a reason; the
/// original stays as it was.
#[tracing::instrument(skip_all)]
pub async fn amend(ctx: &Ctx, entry: Uuid, text: &str, reason: &str) -> ApiResult<CaseView> {
    let text = need_text("text", text, MAX_NOTE)?;
    let reason = need_text("reason", reason, MAX_SHORT)?;
    let (o, e) = open_entry(ctx, entry).await?;
    if e.author_user_id != Some(o.me.user_id) {
        return Err(ApiError::forbidden("只能更正自己写的记录"));
    }
    o.write(
        ctx,
        Step {
            kind: "amendment",
            body: EntryBody {
                reason: Some(reason),
                ..note(text)
            },
            amends: Some(e.id),
            ..Step::default()
        },
    )
    .await?;
    done(ctx, o, "care.case.amend").await
}

/// Closes a case with a summary (whoever sees it in full).
#[tracing::instrument(skip_all)]
pub async fn close(ctx: &Ctx, case_id: Uuid, summary: &str) -> ApiResult<CaseView> {
    let summary = need_text("summary", summary, MAX_NOTE)?;
    let o = open(ctx, case_id).await?;
    authz::care::require_full(o.tier)?;
    o.write(
        ctx,
        Step {
            kind: "close",
            body: note(summary),
            ..Step::default()
        },
    )
    .await?;
    let mut m = o.case.clone().into_active_model();
    m.closed_at = Set(Some(clock::now()));
    m.stage = Set(CaseStage::Closed.code().into());
    save(ctx, m).await?;
    done(ctx, o, "care.case.close").await
}
