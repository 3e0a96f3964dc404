//! Mentor training (导师培训): the school admin keeps the courses teachers
//! attend (the school's own and the district's, e.g. 单周一研 every other
//! week), schedules their sessions and records who was present. A teacher
//! who has completed every required course starts probation on that day
//! (a qualification step, kept with its reason), for as long as the school's
//! policy says; the first session attended marks them 培训中. A teacher reads
//! their own record; nobody else's.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::mentor_assessment::AssessmentScheme;
use shared::mentor_assessment::lifecycle::probation_ends;
use shared::mentor_assessment::training::{
    Cadence, MAX_NAME_CHARS, Progress, Provider, Requirement, check_course, completed_on, progress,
    schedule,
};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::{qualification_step, training_attendance, training_course, training_session};
use super::qualification::apply_step;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::org::entities::staff;
use crate::tenancy::{Ctx, one_in_school};

/// Most teachers recorded present at one session.
pub const MAX_PRESENT: usize = 1000;

/// A course with its sessions and who attended each (the admin).
pub struct CourseView {
    /// The course.
    pub course: training_course::Model,
    /// Its sessions by day, with the staff present.
    pub sessions: Vec<(training_session::Model, Vec<Uuid>)>,
}

/// A teacher's training record.
pub struct Record {
    /// The teacher.
    pub staff: staff::Model,
    /// Sessions attended, latest first, with their course.
    pub attended: Vec<(training_session::Model, training_course::Model)>,
    /// Progress per required course (course name in `course`).
    pub progress: Vec<Progress>,
    /// The day the required training was completed.
    pub completed_on: Option<NaiveDate>,
    /// The last day of probation, when on probation.
    pub probation_ends: Option<NaiveDate>,
}

async fn scheme(ctx: &Ctx, today: NaiveDate) -> ApiResult<AssessmentScheme> {
    let (district, school) = (ctx.district_id()?, ctx.school_id()?);
    Ok(
        crate::policy::service::policy_on(ctx, district, school, today)
            .await?
            .map(|e| e.version.rules.mentor_assessment)
            .unwrap_or_else(AssessmentScheme::standard),
    )
}

/// Adds a course (the school admin).
#[tracing::instrument(skip_all)]
pub async fn create_course(
    ctx: &Ctx,
    name: String,
    provider: Provider,
    cadence: Cadence,
    required: bool,
    sessions_required: i32,
) -> ApiResult<training_course::Model> {
    let (district, school) = authz::lifecycle::may_manage_qualification(ctx)?;
    let n = u32::try_from(sessions_required).unwrap_or(0);
    let mut p = Problems::default();
    for v in check_course(&name, required, n) {
        p.add(&v.path, v.message_zh);
    }
    p.finish()?;
    let row = training_course::Model {
        id: Uuid::new_v4(),
        district_id: district,
        school_id: school,
        name: name.trim().into(),
        provider: provider.code().into(),
        cadence: cadence.code().into(),
        required,
        sessions_required: if required { sessions_required } else { 0 },
        created_by: ctx.caller()?.user_id,
        created_at: Utc::now(),
    };
    training_course::ActiveModel::from(row.clone())
        .insert(ctx.db())
        .await?;
    audit::record(
        ctx,
        "create_training_course",
        "training_course",
        Some(row.id),
        None,
    )
    .await?;
    Ok(row)
}

/// Schedules a course's sessions at its cadence from `from` through `until`
/// (the school admin); days already scheduled are kept as they are.
#[tracing::instrument(skip_all, fields(course_id = %course_id))]
pub async fn schedule_sessions(
    ctx: &Ctx,
    course_id: Uuid,
    from: NaiveDate,
    until: NaiveDate,
    topic: String,
    today: NaiveDate,
) -> ApiResult<Vec<training_session::Model>> {
    authz::lifecycle::may_manage_qualification(ctx)?;
    let topic = topic.trim().to_string();
    if topic.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid("topic", "主题不能超过60字"));
    }
    if from < today - chrono::Duration::days(366) || until > today + chrono::Duration::days(366) {
        return Err(ApiError::invalid("from", "日期须在前后一年之内"));
    }
    let c = one_in_school::<training_course::Entity>(ctx, course_id, "培训课程").await?;
    let cadence = Cadence::from_code(&c.cadence).unwrap_or(Cadence::Once);
    let days = schedule(cadence, from, until).ok_or_else(|| {
        ApiError::invalid("until", "结束日期须不早于开始日期，且一次最多安排60次")
    })?;
    let have: BTreeSet<NaiveDate> = sessions_of(ctx, &c)
        .await?
        .into_iter()
        .map(|s| s.on_date)
        .collect();
    let mut out = vec![];
    for d in days.into_iter().filter(|d| !have.contains(d)) {
        let row = training_session::Model {
            id: Uuid::new_v4(),
            district_id: c.district_id,
            school_id: c.school_id,
            course_id: c.id,
            on_date: d,
            topic: if topic.is_empty() {
                c.name.clone()
            } else {
                topic.clone()
            },
        };
        training_session::ActiveModel::from(row.clone())
            .insert(ctx.db())
            .await?;
        out.push(row);
    }
    audit::record(
        ctx,
        "schedule_training",
        "training_course",
        Some(c.id),
        Some(out.len().to_string()),
    )
    .await?;
    Ok(out)
}

async fn sessions_of(
    ctx: &Ctx,
    c: &training_course::Model,
) -> ApiResult<Vec<training_session::Model>> {
    Ok(training_session::Entity::find()
        .filter(training_session::Column::SchoolId.eq(c.school_id))
        .filter(training_session::Column::CourseId.eq(c.id))
        .order_by_asc(training_session::Column::OnDate)
        .all(ctx.db())
        .await?)
}

/// Every course of the school with its sessions and attendance (the admin).
#[tracing::instrument(skip_all)]
pub async fn courses(ctx: &Ctx) -> ApiResult<Vec<CourseView>> {
    let (_, school) = authz::lifecycle::may_manage_qualification(ctx)?;
    let courses = training_course::Entity::find()
        .filter(training_course::Column::SchoolId.eq(school))
        .order_by_asc(training_course::Column::CreatedAt)
        .all(ctx.db())
        .await?;
    let mut present: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for a in training_attendance::Entity::find()
        .filter(training_attendance::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
    {
        present.entry(a.session_id).or_default().push(a.staff_id);
    }
    let mut sessions: HashMap<Uuid, Vec<training_session::Model>> = HashMap::new();
    for s in training_session::Entity::find()
        .filter(training_session::Column::SchoolId.eq(school))
        .order_by_asc(training_session::Column::OnDate)
        .all(ctx.db())
        .await?
    {
        sessions.entry(s.course_id).or_default().push(s);
    }
    Ok(courses
        .into_iter()
        .map(|c| CourseView {
            sessions: sessions
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let mut p = present.remove(&s.id).unwrap_or_default();
                    p.sort_unstable();
                    (s, p)
                })
                .collect(),
            course: c,
        })
        .collect())
}

/// Records who was present at a session (the school admin): the list
/// replaces the previous one. Teachers who thereby complete the required
/// training move on (培训中 → 试用期), each step kept with its reason.
#[tracing::instrument(skip_all, fields(session_id = %session_id))]
pub async fn record_attendance(
    ctx: &Ctx,
    session_id: Uuid,
    present: Vec<Uuid>,
    today: NaiveDate,
) -> ApiResult<(training_session::Model, Vec<Uuid>)> {
    authz::lifecycle::may_manage_qualification(ctx)?;
    if present.len() > MAX_PRESENT {
        return Err(ApiError::invalid("present", "一次最多记录1000名教师"));
    }
    let s = one_in_school::<training_session::Entity>(ctx, session_id, "培训场次").await?;
    if s.on_date > today {
        return Err(ApiError::invalid("sessionId", "培训尚未举行，不能记录出勤"));
    }
    let wanted: BTreeSet<Uuid> = present.into_iter().collect();
    let known: BTreeSet<Uuid> = if wanted.is_empty() {
        BTreeSet::new()
    } else {
        staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(s.school_id))
            .filter(staff::Column::Id.is_in(wanted.iter().copied()))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|x| x.id)
            .collect()
    };
    if known.len() != wanted.len() {
        return Err(ApiError::invalid("present", "名单中有不属于本校的教师"));
    }
    let before: BTreeSet<Uuid> = training_attendance::Entity::find()
        .filter(training_attendance::Column::SchoolId.eq(s.school_id))
        .filter(training_attendance::Column::SessionId.eq(s.id))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    let removed: Vec<Uuid> = before.difference(&wanted).copied().collect();
    if !removed.is_empty() {
        training_attendance::Entity::delete_many()
            .filter(training_attendance::Column::SchoolId.eq(s.school_id))
            .filter(training_attendance::Column::SessionId.eq(s.id))
            .filter(training_attendance::Column::StaffId.is_in(removed))
            .exec(ctx.db())
            .await?;
    }
    let user = ctx.caller()?.user_id;
    let added: Vec<Uuid> = wanted.difference(&before).copied().collect();
    for staff_id in &added {
        training_attendance::ActiveModel::from(training_attendance::Model {
            id: Uuid::new_v4(),
            district_id: s.district_id,
            school_id: s.school_id,
            session_id: s.id,
            course_id: s.course_id,
            staff_id: *staff_id,
            on_date: s.on_date,
            recorded_by: user,
            recorded_at: Utc::now(),
        })
        .insert(ctx.db())
        .await?;
    }
    audit::record(
        ctx,
        "record_training_attendance",
        "training_session",
        Some(s.id),
        Some(wanted.len().to_string()),
    )
    .await?;
    if !added.is_empty() {
        let scheme = scheme(ctx, today).await?;
        for staff_id in added {
            advance(ctx, staff_id, &scheme).await?;
        }
    }
    Ok((s, wanted.into_iter().collect()))
}

async fn requirements(ctx: &Ctx, school: Uuid) -> ApiResult<Vec<training_course::Model>> {
    Ok(training_course::Entity::find()
        .filter(training_course::Column::SchoolId.eq(school))
        .filter(training_course::Column::Required.eq(true))
        .order_by_asc(training_course::Column::CreatedAt)
        .all(ctx.db())
        .await?)
}

/// The sessions a teacher attended since they last (re)started training.
async fn attended_since_training(
    ctx: &Ctx,
    s: &staff::Model,
) -> ApiResult<(
    Vec<training_attendance::Model>,
    Option<qualification_step::Model>,
)> {
    let steps = qualification_step::Entity::find()
        .filter(qualification_step::Column::SchoolId.eq(s.school_id))
        .filter(qualification_step::Column::StaffId.eq(s.id))
        .order_by_asc(qualification_step::Column::OnDate)
        .order_by_asc(qualification_step::Column::CreatedAt)
        .all(ctx.db())
        .await?;
    let started = steps
        .iter()
        .rev()
        .find(|x| x.to_q == Qualification::Training.code())
        .map(|x| x.on_date);
    let probation = steps
        .iter()
        .rev()
        .find(|x| x.to_q == Qualification::Probation.code())
        .cloned();
    let rows = training_attendance::Entity::find()
        .filter(training_attendance::Column::SchoolId.eq(s.school_id))
        .filter(training_attendance::Column::StaffId.eq(s.id))
        .order_by_asc(training_attendance::Column::OnDate)
        .all(ctx.db())
        .await?
        .into_iter()
        .filter(|a| started.is_none_or(|d| a.on_date >= d))
        .collect();
    Ok((rows, probation))
}

fn reqs(courses: &[training_course::Model]) -> Vec<Requirement> {
    courses
        .iter()
        .map(|c| Requirement {
            course: c.id.to_string(),
            sessions: c.sessions_required.max(1) as u32,
        })
        .collect()
}

fn done(rows: &[training_attendance::Model]) -> Vec<(String, NaiveDate)> {
    rows.iter()
        .map(|a| (a.course_id.to_string(), a.on_date))
        .collect()
}

/// Moves a teacher on after attendance: 未培训 → 培训中 on their first
/// session; 培训中 → 试用期 on the day the required training was completed.
async fn advance(ctx: &Ctx, staff_id: Uuid, scheme: &AssessmentScheme) -> ApiResult<()> {
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?;
    let q = Qualification::from_code(&s.qualification).unwrap_or(Qualification::Untrained);
    if !matches!(q, Qualification::Untrained | Qualification::Training) {
        return Ok(());
    }
    let (rows, _) = attended_since_training(ctx, &s).await?;
    let Some(first) = rows.first().map(|a| a.on_date) else {
        return Ok(());
    };
    let s = if q == Qualification::Untrained {
        apply_step(
            ctx,
            s,
            Qualification::Training,
            first,
            "开始导师培训（首次出勤）".into(),
        )
        .await?;
        one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?
    } else {
        s
    };
    let courses = requirements(ctx, s.school_id).await?;
    if let Some(day) = completed_on(&reqs(&courses), &done(&rows)) {
        let names: Vec<&str> = courses.iter().map(|c| c.name.as_str()).collect();
        let reason = format!(
            "完成必修培训（{}），试用期{}天，至{}",
            names.join("、"),
            scheme.probation_days,
            probation_ends(day, scheme.probation_days)
        );
        apply_step(ctx, s, Qualification::Probation, day, reason).await?;
    }
    Ok(())
}

/// A teacher's training record (the school admin, or the teacher).
#[tracing::instrument(skip_all, fields(staff_id = %staff_id))]
pub async fn record(ctx: &Ctx, staff_id: Uuid, today: NaiveDate) -> ApiResult<Record> {
    let own = authz::my_staff(ctx).await?.map(|s| s.id);
    authz::lifecycle::may_read_qualification(ctx, staff_id, own)?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?;
    let courses: HashMap<Uuid, training_course::Model> = training_course::Entity::find()
        .filter(training_course::Column::SchoolId.eq(s.school_id))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let all = training_attendance::Entity::find()
        .filter(training_attendance::Column::SchoolId.eq(s.school_id))
        .filter(training_attendance::Column::StaffId.eq(s.id))
        .all(ctx.db())
        .await?;
    let session_ids: Vec<Uuid> = all.iter().map(|a| a.session_id).collect();
    let mut attended: Vec<(training_session::Model, training_course::Model)> =
        if session_ids.is_empty() {
            vec![]
        } else {
            training_session::Entity::find()
                .filter(training_session::Column::SchoolId.eq(s.school_id))
                .filter(training_session::Column::Id.is_in(session_ids))
                .all(ctx.db())
                .await?
                .into_iter()
                .filter_map(|x| {
                    let c = courses.get(&x.course_id)?.clone();
                    Some((x, c))
                })
                .collect()
        };
    attended.sort_by_key(|a| std::cmp::Reverse(a.0.on_date));
    let (rows, probation) = attended_since_training(ctx, &s).await?;
    let required = requirements(ctx, s.school_id).await?;
    let mut prog = progress(&reqs(&required), &done(&rows));
    for p in &mut prog {
        if let Some(c) = Uuid::parse_str(&p.course)
            .ok()
            .and_then(|id| courses.get(&id))
        {
            p.course = c.name.clone();
        }
    }
    let completed = completed_on(&reqs(&required), &done(&rows));
    let on_probation = s.qualification == Qualification::Probation.code();
    let probation_ends = match (on_probation, probation) {
        (true, Some(p)) => Some(probation_ends(
            p.on_date,
            scheme(ctx, today).await?.probation_days,
        )),
        _ => None,
    };
    Ok(Record {
        staff: s,
        attended,
        progress: prog,
        completed_on: completed,
        probation_ends,
    })
}
