//! Talk requests from parents and students, and the student's monthly
//! self-report.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::activity::{ActivityKind, Channel};
use shared::org::Role;
use uuid::Uuid;

use super::activities::ActivityView;
use super::entities::{activity, talk_request};
use super::growth_file::valid_month;
use super::logging::NewActivity;
use super::messages::{names_of_students, own_student_ids};
use super::{activities, logging};
use crate::audit;
use crate::authz::mentoring::Me;
use crate::clock::local_day;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{mentor_assignment, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

// ---------------------------------------------------------------- talk requests

/// A talk request with the student's name.
pub struct TalkView {
    /// The row.
    pub request: talk_request::Model,
    /// The student's name.
    pub student_name: String,
}

/// A parent (of the student) or the student asks the mentor for a talk.
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn request_talk(ctx: &Ctx, student_id: Uuid, message: String) -> ApiResult<TalkView> {
    let caller = ctx.require_any(&[Role::Parent, Role::Student])?.clone();
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if !own_student_ids(ctx).await?.contains(&s.id) {
        return Err(ApiError::not_found("学生"));
    }
    let message = message.trim().to_string();
    if message.is_empty() || message.chars().count() > 1000 {
        return Err(ApiError::invalid("message", "留言须为1–1000字"));
    }
    let role = if s.user_id == Some(caller.user_id) {
        "student"
    } else {
        "parent"
    };
    let r = talk_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        requested_by: Set(caller.user_id),
        requester_role: Set(role.into()),
        message: Set(message),
        status: Set("open".into()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        created_at: Set(Utc::now()),
        replies: Set("[]".into()),
    }
    .insert(ctx.db())
    .await?;
    notify_mentors(ctx, &s, format!("talk_request:{}", r.id)).await?;
    Ok(TalkView {
        request: r,
        student_name: s.name,
    })
}

/// Tells the student's current mentors, in their inboxes, that a talk
/// request waits (no name, no message text: they open the request itself).
async fn notify_mentors(ctx: &Ctx, s: &student::Model, dedupe_key: String) -> ApiResult<()> {
    use crate::org::entities::{mentor_assignment, staff};
    let staff_ids: Vec<Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    let users = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(s.school_id))
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(ctx.db())
        .await?;
    let n = crate::notify::Notice {
        kind: "talk_request",
        title: "新的谈心预约".into(),
        body: "您结对的一名学生（或其家长）预约了谈心，请在谈心预约中答复。".into(),
        link: "/mentor".into(),
        dedupe_key,
    };
    for u in users.into_iter().filter_map(|st| st.user_id) {
        crate::notify::deliver(ctx.db(), s.district_id, s.school_id, u, &n).await?;
    }
    Ok(())
}

/// Talk requests: for staff, those about their mentees and the students of
/// their classes; for parents and students, their own.
#[tracing::instrument(skip_all)]
pub async fn talk_requests(ctx: &Ctx, open_only: bool) -> ApiResult<Vec<TalkView>> {
    let me = Me::load(ctx).await?;
    let mut cond = Condition::any().add(talk_request::Column::RequestedBy.eq(me.user_id));
    if me.staff.is_some() {
        let mut ids: Vec<Uuid> = me.mentees.iter().copied().collect();
        if !me.head_classes.is_empty() {
            let in_classes: Vec<Uuid> = student::Entity::find()
                .select_only()
                .column(student::Column::Id)
                .filter(student::Column::SchoolId.eq(me.school_id))
                .filter(
                    student::Column::ClassId
                        .is_in(me.head_classes.iter().copied().collect::<Vec<_>>()),
                )
                .into_tuple()
                .all(ctx.db())
                .await?;
            ids.extend(in_classes);
        }
        cond = cond.add(talk_request::Column::StudentId.is_in(ids));
    }
    let mut q = talk_request::Entity::find()
        .filter(talk_request::Column::SchoolId.eq(me.school_id))
        .filter(talk_request::Column::DistrictId.eq(me.district_id))
        .filter(cond);
    if open_only {
        q = q.filter(talk_request::Column::Status.eq("open"));
    }
    let rows = q
        .order_by_desc(talk_request::Column::CreatedAt)
        .limit(200)
        .all(ctx.db())
        .await?;
    let names = names_of_students(ctx, rows.iter().map(|r| r.student_id).collect()).await?;
    // Someone else's message about a student is a read of personal
    // information (the caller's own requests are their own words).
    let read: BTreeSet<Uuid> = rows
        .iter()
        .filter(|r| r.requested_by != me.user_id)
        .map(|r| r.student_id)
        .collect();
    for student_id in read {
        audit::record(
            ctx,
            "talk_request.message.read",
            "student",
            Some(student_id),
            None,
        )
        .await?;
    }
    Ok(rows
        .into_iter()
        .map(|r| TalkView {
            student_name: names.get(&r.student_id).cloned().unwrap_or_default(),
            request: r,
        })
        .collect())
}

/// The mentor (or head teacher) answers a talk request.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn answer_talk_request(ctx: &Ctx, id: Uuid, answer: String) -> ApiResult<TalkView> {
    let me = Me::load(ctx).await?;
    let r = one_in_school::<talk_request::Entity>(ctx, id, "谈心预约").await?;
    let s = one_in_school::<student::Entity>(ctx, r.student_id, "学生").await?;
    if me.relations(&s).is_empty() {
        return Err(ApiError::forbidden(
            "只有学生的导师或班主任可以答复谈心预约",
        ));
    }
    let answer = answer.trim().to_string();
    if answer.is_empty() || answer.chars().count() > 1000 {
        return Err(ApiError::invalid("answer", "答复须为1–1000字"));
    }
    let now = Utc::now();
    let first = r.answer.is_none();
    let mut thread = replies_of(&r);
    let mut am = r.into_active_model();
    am.status = Set("answered".into());
    if first {
        am.answer = Set(Some(answer));
        am.answered_by = Set(Some(me.user_id));
        am.answered_at = Set(Some(now));
    } else {
        // A later answer continues the thread.
        push_reply(&mut thread, "mentor", now, answer)?;
        am.replies = Set(serde_json::to_string(&thread).unwrap_or_else(|_| "[]".into()));
    }
    let r = am.update(ctx.db()).await?;
    let n = crate::notify::Notice {
        kind: "talk_answered",
        title: "谈心预约已答复".into(),
        body: "导师已答复您的谈心预约。".into(),
        link: "/".into(),
        dedupe_key: format!("talk_answered:{}:{}", r.id, replies_of(&r).len()),
    };
    crate::notify::deliver(ctx.db(), r.district_id, r.school_id, r.requested_by, &n).await?;
    Ok(TalkView {
        request: r,
        student_name: s.name,
    })
}

/// Most messages a thread keeps after the first answer.
pub const MAX_REPLIES: usize = 20;

/// One message of a talk request's thread after the first answer.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TalkReply {
    /// `parent`, `student` or `mentor`.
    pub from: String,
    /// When it was sent.
    pub at: chrono::DateTime<Utc>,
    /// The text.
    pub text: String,
}

/// The thread of a request (an unreadable column reads as empty).
pub fn replies_of(r: &talk_request::Model) -> Vec<TalkReply> {
    serde_json::from_str(&r.replies).unwrap_or_default()
}

fn push_reply(
    thread: &mut Vec<TalkReply>,
    from: &str,
    at: chrono::DateTime<Utc>,
    text: String,
) -> ApiResult<()> {
    if thread.len() >= MAX_REPLIES {
        return Err(ApiError::conflict(
            "这次预约的往来已满20条，请发起新的谈话预约",
        ));
    }
    thread.push(TalkReply {
        from: from.into(),
        at,
        text,
    });
    Ok(())
}

/// The parent or student who asked replies to the mentor's answer; the
/// request waits for the mentor again, who is told in the inbox.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn reply_to_talk(ctx: &Ctx, id: Uuid, text: String) -> ApiResult<TalkView> {
    let caller = ctx.require_any(&[Role::Parent, Role::Student])?.clone();
    let r = one_in_school::<talk_request::Entity>(ctx, id, "谈心预约").await?;
    if r.requested_by != caller.user_id {
        return Err(ApiError::not_found("谈心预约"));
    }
    if r.answer.is_none() {
        return Err(ApiError::conflict("导师还没有答复，答复后才能回复"));
    }
    let text = text.trim().to_string();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(ApiError::invalid("text", "回复须为1–1000字"));
    }
    let s = one_in_school::<student::Entity>(ctx, r.student_id, "学生").await?;
    let mut thread = replies_of(&r);
    let from = r.requester_role.clone();
    push_reply(&mut thread, &from, Utc::now(), text)?;
    let mut am = r.into_active_model();
    am.status = Set("open".into());
    am.replies = Set(serde_json::to_string(&thread).unwrap_or_else(|_| "[]".into()));
    let r = am.update(ctx.db()).await?;
    let key = format!("talk_reply:{}:{}", r.id, thread.len());
    notify_mentors(ctx, &s, key).await?;
    Ok(TalkView {
        request: r,
        student_name: s.name,
    })
}

/// The student's monthly report to the mentor, recorded as a
/// `STUDENT_REPORT` activity of the student's mentor (once per month: a
/// repeated send returns the report already recorded).
#[tracing::instrument(skip_all)]
pub async fn submit_self_report(ctx: &Ctx, month: String, text: String) -> ApiResult<ActivityView> {
    let caller = ctx.require_any(&[Role::Student])?.clone();
    let me = Me::load(ctx).await?;
    let s = student::Entity::find()
        .filter(student::Column::SchoolId.eq(me.school_id))
        .filter(student::Column::UserId.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学生"))?;
    let mut p = Problems::default();
    let month = month.trim().to_string();
    if !valid_month(&month) {
        p.add("month", "月份格式应为YYYY-MM");
    }
    let text = text.trim().to_string();
    if text.is_empty() || text.chars().count() > 3000 {
        p.add("text", "汇报内容须为1–3000字");
    }
    p.finish()?;
    let mentor = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(me.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .order_by_asc(mentor_assignment::Column::StartsOn)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::conflict("你还没有导师，暂时不能提交汇报"))?;
    let now = Utc::now();
    let row = activity::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        client_key: Set(format!("self-report:{month}")),
        kind: Set(ActivityKind::StudentReport.code().into()),
        occurred_on: Set(local_day(now)),
        occurred_at: Set(now),
        place: Set(None),
        channel: Set(Channel::Online.code().into()),
        trigger: Set(None),
        guidance_areas: Set("[]".into()),
        optional_action: Set(None),
        summary: Set(text),
        follow_up: Set(None),
        follow_up_due: Set(None),
        staff_id: Set(mentor.staff_id),
        with_head_teacher: Set(false),
        co_staff_ids: Set("[]".into()),
        recorded_by: Set(caller.user_id),
        created_at: Set(now),
    };
    let (a, _) = logging::insert_once(
        ctx,
        NewActivity {
            row,
            students: vec![s.id],
        },
    )
    .await?;
    activities::views(ctx, &me, vec![a])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("活动记录"))
}

/// One monthly report as its writer sees it.
pub struct SelfReportView {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// When it was sent.
    pub submitted_at: chrono::DateTime<Utc>,
    /// What the student wrote.
    pub text: String,
}

/// The calling student's own monthly reports, newest first (the last 24).
#[tracing::instrument(skip_all)]
pub async fn my_self_reports(ctx: &Ctx) -> ApiResult<Vec<SelfReportView>> {
    let caller = ctx.require_any(&[Role::Student])?.clone();
    let school = ctx.school_id()?;
    let rows = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(school))
        .filter(activity::Column::RecordedBy.eq(caller.user_id))
        .filter(activity::Column::Kind.eq(ActivityKind::StudentReport.code()))
        .order_by_desc(activity::Column::OccurredAt)
        .limit(24)
        .all(ctx.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| SelfReportView {
            month: a
                .client_key
                .strip_prefix("self-report:")
                .unwrap_or_default()
                .to_string(),
            submitted_at: a.created_at,
            text: a.summary,
        })
        .collect())
}
