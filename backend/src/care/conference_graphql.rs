//! GraphQL of case conferences, the action-owner's task list, the owner
//! picker and the response-time report (merged into `CareQuery` and
//! `CareMutation`). Fields beyond the viewer's tier resolve to null.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use shared::care::{CaseTier, ConcernLevel};

use super::conferences::{self, ActionView, ConferenceView, DecidedAction, NewConference};
use super::graphql::CareStaff;
use super::report::{self, Report};
use crate::graphql::context::{GqlResult, ctx_of, id, ids, parse_id, state_of};

/// A case on a conference, as the viewer may see it.
#[derive(SimpleObject)]
pub struct CareConferenceCase {
    /// The case.
    pub id: ID,
    /// The viewer's tier on it.
    pub tier: CaseTier,
    /// The student.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// Level (status tier and above).
    pub level: Option<ConcernLevel>,
}

/// An action on a care case, with its state: in a conference, or in its
/// owner's task list.
pub struct CareAction(ActionView);

#[Object]
impl CareAction {
    /// The timeline entry (complete it with `completeCareAction`).
    async fn entry_id(&self) -> ID {
        id(self.0.entry.id)
    }
    /// The case.
    async fn case_id(&self) -> ID {
        id(self.0.entry.case_id)
    }
    /// The conference that decided it.
    async fn conference_id(&self) -> Option<ID> {
        self.0.conference_id.map(id)
    }
    /// The student of the case.
    async fn student_name(&self) -> &str {
        &self.0.student_name
    }
    /// What is to be done.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Its owner.
    async fn owner_name(&self) -> Option<&str> {
        self.0.owner_name.as_deref()
    }
    /// By when.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.entry.due_on
    }
    /// Whether it is done.
    async fn done(&self) -> bool {
        self.0.done_at.is_some()
    }
    /// When it was marked done.
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.done_at
    }
    /// Not done and past its due day.
    async fn overdue(&self) -> bool {
        let today = crate::clock::local_day(crate::clock::now());
        self.0.done_at.is_none() && self.0.entry.due_on.is_some_and(|d| d < today)
    }
    /// Whether its case is closed (nothing more can be recorded).
    async fn case_closed(&self) -> bool {
        self.0.case_closed
    }
}

/// A case conference (个例会诊 / 导师会诊) as the viewer may see it: the
/// agenda, summary and participants at the full tier of one of its cases.
pub struct CareConference(ConferenceView);

#[Object]
impl CareConference {
    /// Id.
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    /// The viewer's highest tier on its cases.
    async fn tier(&self) -> CaseTier {
        self.0.tier
    }
    /// When it takes place.
    async fn scheduled_at(&self) -> DateTime<Utc> {
        self.0.row.scheduled_at
    }
    /// Who organised it.
    async fn organiser_name(&self) -> Option<&str> {
        self.0
            .names
            .get(&self.0.row.organiser_staff_id)
            .map(String::as_str)
    }
    /// The agenda (full tier).
    async fn agenda(&self) -> Option<&str> {
        self.0.full().then_some(self.0.row.agenda.as_str())
    }
    /// The discussion (full tier), once recorded.
    async fn summary(&self) -> Option<&str> {
        self.0.row.summary.as_deref().filter(|_| self.0.full())
    }
    /// When the discussion was recorded.
    async fn recorded_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.recorded_at
    }
    /// Staff invited (full tier).
    async fn participants(&self) -> Vec<CareStaff> {
        if !self.0.full() {
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
    /// Its cases the viewer sees.
    async fn cases(&self) -> Vec<CareConferenceCase> {
        self.0
            .cases
            .iter()
            .map(|c| CareConferenceCase {
                id: id(c.id),
                tier: c.tier,
                student_name: c.student_name.clone(),
                class_name: c.class_name.clone(),
                level: c.level,
            })
            .collect()
    }
    /// The actions it decided that the viewer sees.
    async fn actions(&self) -> Vec<CareAction> {
        self.0.actions.iter().cloned().map(CareAction).collect()
    }
    /// Whether the viewer may record the discussion now.
    async fn may_record(&self) -> bool {
        self.0.may_record
    }
}

/// A staff member an action may be given to.
#[derive(SimpleObject)]
pub struct CareStaffChoice {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Named on one of the cases already (participant, action owner, raiser).
    pub on_case: bool,
}

/// An action decided at a conference.
#[derive(InputObject)]
pub struct DecidedActionInput {
    /// On which of the conference's cases.
    pub case_id: ID,
    /// What is to be done (up to 2,000 characters).
    pub description: String,
    /// Who does it (staff).
    pub owner_staff_id: ID,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A conference to schedule.
#[derive(InputObject)]
pub struct ScheduleConferenceInput {
    /// The cases (1–20).
    pub case_ids: Vec<ID>,
    /// When (from 30 days ago to a year ahead).
    pub scheduled_at: DateTime<Utc>,
    /// What is to be discussed (up to 2,000 characters).
    pub agenda: String,
    /// Staff invited (up to 30; the organiser always is).
    #[graphql(default)]
    pub participants: Vec<ID>,
}

/// Queries of conferences, task lists and the report.
#[derive(Default)]
pub struct ConferenceQuery;

#[Object]
impl ConferenceQuery {
    /// The case conferences the caller may see, upcoming first (audited).
    async fn care_conferences(&self, cx: &Context<'_>) -> GqlResult<Vec<CareConference>> {
        let v = conferences::list(ctx_of(cx)?).await?;
        Ok(v.into_iter().map(CareConference).collect())
    }

    /// One conference, as the caller may see it (audited).
    async fn care_conference(&self, cx: &Context<'_>, id: ID) -> GqlResult<CareConference> {
        let v = conferences::get(ctx_of(cx)?, parse_id(&id, "会诊")?).await?;
        Ok(CareConference(v))
    }

    /// The caller's actions on care cases (their task list), open first.
    async fn my_care_actions(&self, cx: &Context<'_>) -> GqlResult<Vec<CareAction>> {
        let v = conferences::my_actions(ctx_of(cx)?).await?;
        Ok(v.into_iter().map(CareAction).collect())
    }

    /// Whom an action on these cases may be given to (or, with no cases,
    /// whom a conference may invite): the cases' people first.
    async fn care_staff_choices(
        &self,
        cx: &Context<'_>,
        #[graphql(default)] case_ids: Vec<ID>,
    ) -> GqlResult<Vec<CareStaffChoice>> {
        let v = conferences::staff_choices(ctx_of(cx)?, ids(&case_ids, "个案")?).await?;
        Ok(v.into_iter()
            .map(|(s, on_case)| CareStaffChoice {
                id: id(s.id),
                name: s.name,
                on_case,
            })
            .collect())
    }

    /// The school admin's response-time report for a term (the current
    /// one when absent).
    async fn care_response_report(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
    ) -> GqlResult<Report> {
        let t = term_id.map(|t| parse_id(&t, "学期")).transpose()?;
        Ok(report::for_school(ctx_of(cx)?, t).await?)
    }

    /// The district's response-time report: per school, counts only (no
    /// name or id of a person or case).
    async fn care_response_by_school(
        &self,
        cx: &Context<'_>,
        on: Option<NaiveDate>,
    ) -> GqlResult<Vec<Report>> {
        let state = state_of(cx)?;
        Ok(report::for_district(ctx_of(cx)?, &state.db, on).await?)
    }
}

/// Mutations of conferences.
#[derive(Default)]
pub struct ConferenceMutation;

#[Object]
impl ConferenceMutation {
    /// Schedules a case conference (counsellors, grade leaders) on cases
    /// the caller sees; the invited staff join the cases.
    async fn schedule_care_conference(
        &self,
        cx: &Context<'_>,
        input: ScheduleConferenceInput,
    ) -> GqlResult<CareConference> {
        let new = NewConference {
            case_ids: ids(&input.case_ids, "个案")?,
            scheduled_at: input.scheduled_at,
            agenda: input.agenda,
            participants: ids(&input.participants, "参会人")?,
        };
        Ok(CareConference(
            conferences::schedule(ctx_of(cx)?, new).await?,
        ))
    }

    /// Records a conference's discussion and decided actions (once): each
    /// action goes on its case's timeline and into its owner's task list.
    async fn record_care_conference(
        &self,
        cx: &Context<'_>,
        id: ID,
        summary: String,
        #[graphql(default)] actions: Vec<DecidedActionInput>,
    ) -> GqlResult<CareConference> {
        let mut decided = vec![];
        for a in actions {
            decided.push(DecidedAction {
                case_id: parse_id(&a.case_id, "个案")?,
                description: a.description,
                owner_staff_id: parse_id(&a.owner_staff_id, "负责人")?,
                due_on: a.due_on,
            });
        }
        let v = conferences::record(ctx_of(cx)?, parse_id(&id, "会诊")?, &summary, decided).await?;
        Ok(CareConference(v))
    }
}
