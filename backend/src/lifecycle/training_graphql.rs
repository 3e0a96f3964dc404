//! GraphQL of mentor training: courses, sessions, attendance (the school
//! admin) and a teacher's own training record. Resolvers are thin.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use shared::mentor_assessment::training::{Cadence, Provider};
use shared::org::Qualification;

use super::entities::{training_course, training_session};
use super::training::{self as svc, CourseView, Record};
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// One meeting of a course, with the teachers present.
#[derive(SimpleObject)]
pub struct TrainingSession {
    /// Id.
    pub id: ID,
    /// The day.
    pub on: NaiveDate,
    /// What it was about.
    pub topic: String,
    /// Staff ids of the teachers present.
    pub present: Vec<ID>,
}

fn session(s: training_session::Model, present: Vec<uuid::Uuid>) -> TrainingSession {
    TrainingSession {
        id: id(s.id),
        on: s.on_date,
        topic: s.topic,
        present: present.into_iter().map(id).collect(),
    }
}

/// A training course.
#[derive(SimpleObject)]
pub struct TrainingCourse {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// The school's own or the district's.
    pub provider: Provider,
    /// How often it meets.
    pub cadence: Cadence,
    /// Required of mentors.
    pub required: bool,
    /// Sessions to attend when required.
    pub sessions_required: i32,
    /// Its sessions by day.
    pub sessions: Vec<TrainingSession>,
}

fn course(c: training_course::Model, sessions: Vec<TrainingSession>) -> TrainingCourse {
    TrainingCourse {
        id: id(c.id),
        provider: Provider::from_code(&c.provider).unwrap_or(Provider::School),
        cadence: Cadence::from_code(&c.cadence).unwrap_or(Cadence::Once),
        required: c.required,
        sessions_required: c.sessions_required,
        name: c.name,
        sessions,
    }
}

impl From<CourseView> for TrainingCourse {
    fn from(v: CourseView) -> Self {
        let sessions = v.sessions.into_iter().map(|(s, p)| session(s, p)).collect();
        course(v.course, sessions)
    }
}

/// A session a teacher attended.
#[derive(SimpleObject)]
pub struct AttendedSession {
    /// The day.
    pub on: NaiveDate,
    /// The course's name.
    pub course: String,
    /// The school's own or the district's.
    pub provider: Provider,
    /// What it was about.
    pub topic: String,
}

/// Progress in one required course.
#[derive(SimpleObject)]
pub struct TrainingProgress {
    /// The course's name.
    pub course: String,
    /// Sessions attended (since training last started).
    pub attended: i32,
    /// Sessions to attend.
    pub required: i32,
    /// The day the requirement was met.
    pub met_on: Option<NaiveDate>,
}

/// A teacher's training record.
#[derive(SimpleObject)]
pub struct TrainingRecord {
    /// The teacher.
    pub staff_id: ID,
    /// The teacher's name.
    pub name: String,
    /// Their standing.
    pub qualification: Qualification,
    /// Sessions attended, latest first.
    pub attended: Vec<AttendedSession>,
    /// Progress per required course.
    pub progress: Vec<TrainingProgress>,
    /// The day the required training was completed.
    pub completed_on: Option<NaiveDate>,
    /// The last day of probation, while on probation.
    pub probation_ends: Option<NaiveDate>,
}

impl From<Record> for TrainingRecord {
    fn from(r: Record) -> Self {
        TrainingRecord {
            staff_id: id(r.staff.id),
            name: r.staff.name,
            qualification: Qualification::from_code(&r.staff.qualification)
                .unwrap_or(Qualification::Untrained),
            attended: r
                .attended
                .into_iter()
                .map(|(s, c)| AttendedSession {
                    on: s.on_date,
                    provider: Provider::from_code(&c.provider).unwrap_or(Provider::School),
                    course: c.name,
                    topic: s.topic,
                })
                .collect(),
            progress: r
                .progress
                .into_iter()
                .map(|p| TrainingProgress {
                    course: p.course,
                    attended: p.attended as i32,
                    required: p.required as i32,
                    met_on: p.met_on,
                })
                .collect(),
            completed_on: r.completed_on,
            probation_ends: r.probation_ends,
        }
    }
}

/// Training queries.
#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// The school's training courses with sessions and attendance (school
    /// admin).
    async fn training_courses(&self, cx: &Context<'_>) -> GqlResult<Vec<TrainingCourse>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::courses(ctx)
            .await?
            .into_iter()
            .map(TrainingCourse::from)
            .collect())
    }

    /// A teacher's training record (school admin, or the teacher; without
    /// `staffId` the caller's own).
    async fn training_record(
        &self,
        cx: &Context<'_>,
        staff_id: Option<ID>,
    ) -> GqlResult<Option<TrainingRecord>> {
        let ctx = ctx_of(cx)?;
        let staff = match staff_id {
            Some(s) => parse_id(&s, "教师")?,
            None => match crate::authz::my_staff(ctx).await? {
                Some(me) => me.id,
                None => return Ok(None),
            },
        };
        Ok(Some(
            svc::record(ctx, staff, crate::clock::today()).await?.into(),
        ))
    }
}

/// Training mutations.
#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Adds a training course (school admin).
    async fn create_training_course(
        &self,
        cx: &Context<'_>,
        name: String,
        provider: Provider,
        cadence: Cadence,
        required: bool,
        sessions_required: i32,
    ) -> GqlResult<TrainingCourse> {
        let ctx = ctx_of(cx)?;
        let c =
            svc::create_course(ctx, name, provider, cadence, required, sessions_required).await?;
        Ok(course(c, vec![]))
    }

    /// Schedules a course's sessions at its cadence (school admin); days
    /// already scheduled are kept.
    async fn schedule_training(
        &self,
        cx: &Context<'_>,
        course_id: ID,
        from: NaiveDate,
        until: NaiveDate,
        topic: Option<String>,
    ) -> GqlResult<Vec<TrainingSession>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::schedule_sessions(
            ctx,
            parse_id(&course_id, "培训课程")?,
            from,
            until,
            topic.unwrap_or_default(),
            crate::clock::today(),
        )
        .await?
        .into_iter()
        .map(|s| session(s, vec![]))
        .collect())
    }

    /// Records the teachers present at a session (school admin; replaces the
    /// previous list). Completing the required training starts probation.
    async fn record_training_attendance(
        &self,
        cx: &Context<'_>,
        session_id: ID,
        present: Vec<ID>,
    ) -> GqlResult<TrainingSession> {
        let ctx = ctx_of(cx)?;
        if present.len() > svc::MAX_PRESENT {
            return Err(
                crate::error::ApiError::invalid("present", "一次最多记录1000名教师").into(),
            );
        }
        let ids = present
            .iter()
            .map(|p| parse_id(p, "教师"))
            .collect::<Result<Vec<_>, _>>()?;
        let (s, p) = svc::record_attendance(
            ctx,
            parse_id(&session_id, "培训场次")?,
            ids,
            crate::clock::today(),
        )
        .await?;
        Ok(session(s, p))
    }
}
