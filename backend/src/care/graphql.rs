//! GraphQL types and operations of care and crisis. Resolvers are thin: a
//! case's fields beyond the viewer's tier resolve to null (or empty).

use async_graphql::{Context, ID, InputObject, MergedObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use shared::care::{CaseStage, CaseTier, ConcernCategory, ConcernLevel};
use uuid::Uuid;

use super::alerts::{self, AlertView};
use super::cases::{self, CaseView, NewConcern};
use super::conference_graphql::{ConferenceMutation, ConferenceQuery};
use super::entities::event;
use super::live::AlertEvent;
use super::timeline::{self, Assessment, EntryBody};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{GqlResult, ctx_of, id, opt_id, parse_id, state_of};
use crate::tenancy::Caller;

/// A teacher named on a case.
#[derive(SimpleObject)]
pub struct CareStaff {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
}

/// One step of a case's timeline. Steps are never changed: a correction is
/// an `amendment` entry pointing at the one it corrects (`amends`).
pub struct CareEntry {
    row: event::Model,
    body: EntryBody,
    author: Option<String>,
    owner: Option<String>,
}

#[Object]
impl CareEntry {
    /// Id.
    async fn id(&self) -> ID {
        id(self.row.id)
    }
    /// `raised`, `acknowledge`, `assessment`, `action`, `action_done`,
    /// `parent_contact`, `referral`, `referral_outcome`, `follow_up`,
    /// `amendment`, `escalation` or `close`.
    async fn kind(&self) -> &str {
        &self.row.kind
    }
    /// Who wrote it (none for the plan's own steps).
    async fn author_name(&self) -> Option<&str> {
        self.author.as_deref()
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// An action's owner (staff id).
    async fn owner_staff_id(&self) -> Option<ID> {
        self.row.owner_staff_id.map(id)
    }
    /// An action's owner.
    async fn owner_name(&self) -> Option<&str> {
        self.owner.as_deref()
    }
    /// An action's due day.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.row.due_on
    }
    /// The entry this one amends, completes or answers.
    async fn amends(&self) -> Option<ID> {
        self.row.amends.map(id)
    }
    /// Assessment: assessed risk.
    async fn risk_level(&self) -> Option<ConcernLevel> {
        self.body.risk_level
    }
    /// Assessment: risk factors.
    async fn factors(&self) -> &[String] {
        &self.body.factors
    }
    /// Assessment: protective factors.
    async fn protective_factors(&self) -> &[String] {
        &self.body.protective_factors
    }
    /// Assessment: the plan.
    async fn plan(&self) -> Option<&str> {
        self.body.plan.as_deref()
    }
    /// The text of an action, contact, follow-up, completion, amendment,
    /// escalation or closing summary.
    async fn note(&self) -> Option<&str> {
        self.body.note.as_deref()
    }
    /// Referral: where to.
    async fn referred_to(&self) -> Option<&str> {
        self.body.referred_to.as_deref()
    }
    /// Referral: when.
    async fn referred_on(&self) -> Option<NaiveDate> {
        self.body.referred_on
    }
    /// Referral outcome.
    async fn outcome(&self) -> Option<&str> {
        self.body.outcome.as_deref()
    }
    /// Amendment: why.
    async fn reason(&self) -> Option<&str> {
        self.body.reason.as_deref()
    }
    /// A conference's step (scheduled, recorded, or an action it decided):
    /// the conference.
    async fn conference_id(&self) -> Option<ID> {
        self.body.conference_id.map(id)
    }
    /// A scheduled conference: when it takes place.
    async fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.body.scheduled_at
    }
}

/// A care case as the viewer may see it (保密性原则): `tier` says how much.
/// At `EXISTENCE` only that a case is open; at `STATUS` also its level,
/// stage and times; at `FULL` everything. The timeline holds every entry at
/// `FULL`, else only the viewer's own.
pub struct CareCase(CaseView);

impl CareCase {
    fn at_least(&self, t: CaseTier) -> bool {
        self.0.tier >= t
    }
}

#[Object]
impl CareCase {
    /// Id.
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    /// What the viewer may see.
    async fn tier(&self) -> CaseTier {
        self.0.tier
    }
    /// The student.
    async fn student_id(&self) -> ID {
        id(self.0.row.student_id)
    }
    /// The student's name.
    async fn student_name(&self) -> &str {
        &self.0.student_name
    }
    /// The student's class.
    async fn class_name(&self) -> &str {
        &self.0.class_name
    }
    /// Whether the case is open.
    async fn open(&self) -> bool {
        self.0.row.closed_at.is_none()
    }
    /// When it was opened.
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.row.opened_at
    }
    /// Whether the viewer raised it.
    async fn raised_by_me(&self, cx: &Context<'_>) -> GqlResult<bool> {
        Ok(ctx_of(cx)?.caller()?.user_id == self.0.row.raised_by)
    }
    /// Level (status tier and above).
    async fn level(&self) -> Option<ConcernLevel> {
        self.at_least(CaseTier::Status).then(|| self.0.level())
    }
    /// Category (status tier and above).
    async fn category(&self) -> Option<ConcernCategory> {
        self.at_least(CaseTier::Status)
            .then(|| ConcernCategory::from_code(&self.0.row.category))
            .flatten()
    }
    /// Stage (status tier and above).
    async fn stage(&self) -> Option<CaseStage> {
        self.at_least(CaseTier::Status).then(|| self.0.stage())
    }
    /// First acknowledgement (status tier and above).
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .row
            .acknowledged_at
            .filter(|_| self.at_least(CaseTier::Status))
    }
    /// First assessment (status tier and above).
    async fn assessed_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .row
            .assessed_at
            .filter(|_| self.at_least(CaseTier::Status))
    }
    /// When the plan escalated it (status tier and above).
    async fn escalated_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .row
            .escalated_at
            .filter(|_| self.at_least(CaseTier::Status))
    }
    /// When closed.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.closed_at
    }
    /// The plan's acknowledgement deadline (status tier and above).
    async fn acknowledge_due(&self) -> Option<DateTime<Utc>> {
        self.at_least(CaseTier::Status).then_some(self.0.ack_due)
    }
    /// The plan's assessment deadline (status tier and above).
    async fn assess_due(&self) -> Option<DateTime<Utc>> {
        self.at_least(CaseTier::Status).then_some(self.0.assess_due)
    }
    /// Acknowledged late, or still waiting past the deadline.
    async fn acknowledge_overdue(&self) -> Option<bool> {
        self.at_least(CaseTier::Status)
            .then(|| self.0.ack_overdue())
    }
    /// Assessed late, or still waiting past the deadline.
    async fn assess_overdue(&self) -> Option<bool> {
        self.at_least(CaseTier::Status)
            .then(|| self.0.assess_overdue())
    }
    /// What was seen (full tier).
    async fn seen(&self) -> Option<&str> {
        self.at_least(CaseTier::Full)
            .then_some(self.0.row.seen.as_str())
    }
    /// When it was seen (full tier).
    async fn seen_at(&self) -> Option<DateTime<Utc>> {
        self.at_least(CaseTier::Full).then_some(self.0.row.seen_at)
    }
    /// Who else knows (full tier).
    async fn others_aware(&self) -> Option<&str> {
        self.at_least(CaseTier::Full)
            .then_some(self.0.row.others_aware.as_str())
    }
    /// Who raised it (full tier).
    async fn raised_by_name(&self) -> Option<&str> {
        self.0
            .raised_by_name
            .as_deref()
            .filter(|_| self.at_least(CaseTier::Full))
    }
    /// Staff named on the case (full tier).
    async fn participants(&self) -> Vec<CareStaff> {
        if !self.at_least(CaseTier::Full) {
            return vec![];
        }
        crate::mentoring::entities::parse_ids(&self.0.row.participants)
            .into_iter()
            .map(|s| CareStaff {
                id: id(s),
                name: self.0.names.get(&s).cloned().unwrap_or_default(),
            })
            .collect()
    }
    /// The emergency plan's checklist (full tier, crisis cases).
    async fn checklist(&self) -> &[String] {
        &self.0.checklist
    }
    /// The timeline, oldest first.
    async fn timeline(&self) -> Vec<CareEntry> {
        self.0
            .timeline
            .iter()
            .map(|e| CareEntry {
                body: EntryBody::parse(&e.body),
                author: e
                    .author_staff_id
                    .and_then(|s| self.0.names.get(&s).cloned()),
                owner: e.owner_staff_id.and_then(|s| self.0.names.get(&s).cloned()),
                row: e.clone(),
            })
            .collect()
    }
}

/// An in-app alert of the emergency plan.
pub struct CareAlert(AlertView);

#[Object]
impl CareAlert {
    /// Id.
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    /// The case.
    async fn case_id(&self) -> ID {
        id(self.0.row.case_id)
    }
    /// The student.
    async fn student_name(&self) -> &str {
        &self.0.student_name
    }
    /// The case's level when alerted; null for a recipient whose tier does
    /// not show it (the head teacher sees only that a case exists).
    async fn level(&self) -> Option<ConcernLevel> {
        if !self.0.level_visible {
            return None;
        }
        ConcernLevel::from_code(&self.0.row.level)
    }
    /// `raised`, or `escalated` (nobody acknowledged in time).
    async fn reason(&self) -> &str {
        &self.0.row.reason
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }
    /// Whether the recipient dismissed it.
    async fn read(&self) -> bool {
        self.0.row.read_at.is_some()
    }
    /// Whether someone acknowledged the case.
    async fn acknowledged(&self) -> bool {
        self.0.acknowledged
    }
    /// Whether the case is closed.
    async fn closed(&self) -> bool {
        self.0.closed
    }
}

/// A live alert: ids only; the page loads what the viewer may see.
#[derive(SimpleObject)]
pub struct CareAlertEvent {
    /// The alert.
    pub alert_id: ID,
    /// The case.
    pub case_id: ID,
    /// `raised` or `escalated`.
    pub reason: String,
}

impl From<AlertEvent> for CareAlertEvent {
    fn from(e: AlertEvent) -> Self {
        CareAlertEvent {
            alert_id: id(e.alert_id),
            case_id: id(e.case_id),
            reason: e.reason,
        }
    }
}

/// A concern to raise.
#[derive(InputObject)]
pub struct RaiseConcernInput {
    /// Client-generated key; the same key sent again returns the same case.
    pub client_key: String,
    /// The student.
    pub student_id: ID,
    /// 关注, 预警 or 危机.
    pub level: ConcernLevel,
    /// What about.
    pub category: ConcernCategory,
    /// What was seen (up to 2,000 characters; may follow later for a crisis).
    #[graphql(default)]
    pub seen: String,
    /// When it was seen; now when absent.
    pub seen_at: Option<DateTime<Utc>>,
    /// Who else knows (up to 500 characters).
    #[graphql(default)]
    pub others_aware: String,
}

/// A counsellor's structured assessment.
#[derive(InputObject)]
pub struct AssessmentInput {
    /// Assessed risk.
    pub risk_level: ConcernLevel,
    /// Risk factors (up to 20, 200 characters each).
    #[graphql(default)]
    pub factors: Vec<String>,
    /// Protective factors.
    #[graphql(default)]
    pub protective_factors: Vec<String>,
    /// The plan (up to 2,000 characters).
    pub plan: String,
}

/// An action on a case.
#[derive(InputObject)]
pub struct CaseActionInput {
    /// What is to be done.
    pub description: String,
    /// Who does it (a staff member; the caller when absent).
    pub owner_staff_id: Option<ID>,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A referral out.
#[derive(InputObject)]
pub struct ReferralInput {
    /// Where to (hospital, 专业机构).
    pub referred_to: String,
    /// On which day.
    pub referred_on: NaiveDate,
    /// The outcome, if known already.
    pub outcome: Option<String>,
}

/// Queries of care and crisis: cases and alerts, conferences and reports.
#[derive(MergedObject, Default)]
pub struct CareQuery(CaseQuery, ConferenceQuery);

/// Mutations of care and crisis: cases, conferences.
#[derive(MergedObject, Default)]
pub struct CareMutation(CaseMutation, ConferenceMutation);

/// Queries of cases and alerts.
#[derive(Default)]
pub struct CaseQuery;

#[Object]
impl CaseQuery {
    /// The cases the caller may see (staff of the school), most urgent and
    /// oldest first; each read is audited.
    async fn care_cases(
        &self,
        cx: &Context<'_>,
        student_id: Option<ID>,
        #[graphql(default = true)] open_only: bool,
    ) -> GqlResult<Vec<CareCase>> {
        let ctx = ctx_of(cx)?;
        let s = opt_id(student_id, "学生")?;
        Ok(cases::list(ctx, s, open_only)
            .await?
            .into_iter()
            .map(CareCase)
            .collect())
    }

    /// One case, as the caller may see it (audited).
    async fn care_case(&self, cx: &Context<'_>, id: ID) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        Ok(CareCase(cases::get(ctx, parse_id(&id, "个案")?).await?))
    }

    /// The caller's alerts, newest first.
    async fn care_alerts(
        &self,
        cx: &Context<'_>,
        #[graphql(default)] unread_only: bool,
    ) -> GqlResult<Vec<CareAlert>> {
        let ctx = ctx_of(cx)?;
        Ok(alerts::mine(ctx, unread_only)
            .await?
            .into_iter()
            .map(CareAlert)
            .collect())
    }
}

/// Mutations of cases.
#[derive(Default)]
pub struct CaseMutation;

fn parse_case(v: &ID) -> GqlResult<Uuid> {
    Ok(parse_id(v, "个案")?)
}

fn parse_entry(v: &ID) -> GqlResult<Uuid> {
    Ok(parse_id(v, "记录")?)
}

/// The answer of every step on a case: the case as the caller now sees it.
fn answer(r: ApiResult<CaseView>) -> GqlResult<CareCase> {
    Ok(CareCase(r?))
}

#[Object]
impl CaseMutation {
    /// Raises a concern about a student: any of the student's mentors, the
    /// head teacher, the grade leader or a counsellor. The plan's people are
    /// alerted at once. Idempotent by `input.clientKey` (an offline raise
    /// sent twice is one case).
    async fn raise_concern(
        &self,
        cx: &Context<'_>,
        input: RaiseConcernInput,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        let state = state_of(cx)?;
        let new = NewConcern {
            client_key: input.client_key,
            student_id: parse_id(&input.student_id, "学生")?,
            level: input.level,
            category: input.category,
            seen: input.seen,
            seen_at: input.seen_at,
            others_aware: input.others_aware,
        };
        Ok(CareCase(cases::raise(ctx, &state.alerts, new).await?))
    }

    /// Acknowledges a case (its alerted people, or whoever sees it in full).
    async fn acknowledge_care_case(&self, cx: &Context<'_>, case_id: ID) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::acknowledge(ctx, parse_case(&case_id)?).await)
    }

    /// Records a counsellor's assessment.
    async fn record_care_assessment(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        input: AssessmentInput,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        let a = Assessment {
            risk_level: input.risk_level,
            factors: input.factors,
            protective_factors: input.protective_factors,
            plan: input.plan,
        };
        answer(timeline::assess(ctx, parse_case(&case_id)?, a).await)
    }

    /// Adds an action with an owner and a due day.
    async fn add_care_action(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        input: CaseActionInput,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        let owner = opt_id(input.owner_staff_id, "负责人")?;
        let case = parse_case(&case_id)?;
        answer(timeline::add_action(ctx, case, &input.description, owner, input.due_on).await)
    }

    /// Marks an action done (its owner, or whoever sees the case in full).
    async fn complete_care_action(
        &self,
        cx: &Context<'_>,
        entry_id: ID,
        note: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::complete_action(ctx, parse_entry(&entry_id)?, &note).await)
    }

    /// Records contact with the parents (per the communication rule).
    async fn record_care_parent_contact(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        note: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::parent_contact(ctx, parse_case(&case_id)?, &note).await)
    }

    /// Records a referral out.
    async fn record_care_referral(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        input: ReferralInput,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(
            timeline::referral(
                ctx,
                parse_case(&case_id)?,
                &input.referred_to,
                input.referred_on,
                input.outcome.as_deref(),
            )
            .await,
        )
    }

    /// Records the outcome of a referral.
    async fn record_care_referral_outcome(
        &self,
        cx: &Context<'_>,
        entry_id: ID,
        outcome: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::referral_outcome(ctx, parse_entry(&entry_id)?, &outcome).await)
    }

    /// Records a follow-up talk.
    async fn record_care_follow_up(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        note: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::follow_up(ctx, parse_case(&case_id)?, &note).await)
    }

    /// Amends one's own entry; the original is kept.
    async fn amend_care_entry(
        &self,
        cx: &Context<'_>,
        entry_id: ID,
        text: String,
        reason: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::amend(ctx, parse_entry(&entry_id)?, &text, &reason).await)
    }

    /// Closes a case with a summary.
    async fn close_care_case(
        &self,
        cx: &Context<'_>,
        case_id: ID,
        summary: String,
    ) -> GqlResult<CareCase> {
        let ctx = ctx_of(cx)?;
        answer(timeline::close(ctx, parse_case(&case_id)?, &summary).await)
    }

    /// Dismisses one of the caller's alerts.
    async fn mark_care_alert_read(&self, cx: &Context<'_>, alert_id: ID) -> GqlResult<bool> {
        let ctx = ctx_of(cx)?;
        Ok(alerts::mark_read(ctx, parse_id(&alert_id, "提醒")?).await?)
    }
}

/// Live events of care and crisis (over WebSocket, `graphql-transport-ws`,
/// at `/graphql/ws`; the access token goes in the connection's init payload).
#[derive(Default)]
pub struct CareSubscription;

#[Subscription]
impl CareSubscription {
    /// The emergency plan's alerts to the caller, as they happen.
    async fn care_alerts(
        &self,
        cx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, CareAlertEvent>> {
        let caller = cx
            .data::<Caller>()
            .map_err(|_| ApiError::unauthenticated())?;
        let school = caller
            .school_id
            .ok_or_else(|| ApiError::forbidden("区级账号没有个案提醒"))?;
        let state = state_of(cx)?;
        Ok(state
            .alerts
            .stream_for(school, caller.user_id)
            .map(CareAlertEvent::from)
            .boxed())
    }
}
