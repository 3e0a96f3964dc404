//! Event notices that reach many people (issue 14): a matching round
//! published (each placed student and that student's guardians), a survey
//! opened (every parent or every student of the school, by its audience),
//! an assessment run published (each assessed mentor).
//!
//! The request enqueues one `notify.event` job in its own transaction (the
//! job exists iff the change committed); a worker resolves the recipients
//! in the job's tenant transaction and delivers, each notice keyed so that
//! a re-run adds nothing. Notices hold a fixed text and a link, never a
//! name.

use std::sync::Arc;

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::robots;
use super::service::{Notice, deliver};
use crate::error::ApiResult;
use crate::jobs::{Handler, HandlerFuture, Job, NewJob, Registry};
use crate::tenancy::Ctx;

/// The job kind.
pub const EVENT: &str = "notify.event";

/// An event whose notices are fanned out by a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A matching round was published (`id`: the round).
    MatchingPublished,
    /// A survey was opened (`id`: the survey).
    SurveyOpened,
    /// An assessment run was published (`id`: the run).
    AssessmentPublished,
}

impl Event {
    /// Stable code (the inbox kind too).
    pub fn code(self) -> &'static str {
        match self {
            Event::MatchingPublished => "matching_result",
            Event::SurveyOpened => "survey_opened",
            Event::AssessmentPublished => "assessment_published",
        }
    }

    fn from_code(c: &str) -> Option<Event> {
        [
            Event::MatchingPublished,
            Event::SurveyOpened,
            Event::AssessmentPublished,
        ]
        .into_iter()
        .find(|e| e.code() == c)
    }
}

/// Enqueues the notices of an event in the caller's transaction.
pub async fn enqueue(ctx: &Ctx, event: Event, id: Uuid) -> ApiResult<()> {
    let mut j = NewJob::new(
        EVENT,
        serde_json::json!({ "event": event.code(), "id": id.to_string() }),
    );
    j.dedupe_key = Some(format!("{EVENT}:{}:{id}", event.code()));
    crate::jobs::enqueue(ctx, j).await?;
    Ok(())
}

/// Registers the handler.
pub fn register(registry: &mut Registry) {
    registry.register(EVENT, Arc::new(Events));
}

/// The user accounts of students and of their guardians: `(students,
/// guardians)`, each sorted and without repeats.
pub async fn family_users<C: ConnectionTrait>(
    conn: &C,
    school: Uuid,
    student_ids: &[Uuid],
) -> ApiResult<(Vec<Uuid>, Vec<Uuid>)> {
    use crate::org::entities::{guardian, student, student_guardian};
    let mut students = vec![];
    let mut guardian_ids = vec![];
    for chunk in student_ids.chunks(500) {
        students.extend(
            student::Entity::find()
                .filter(student::Column::SchoolId.eq(school))
                .filter(student::Column::Id.is_in(chunk.to_vec()))
                .all(conn)
                .await?
                .into_iter()
                .filter_map(|s| s.user_id),
        );
        guardian_ids.extend(
            student_guardian::Entity::find()
                .filter(student_guardian::Column::SchoolId.eq(school))
                .filter(student_guardian::Column::StudentId.is_in(chunk.to_vec()))
                .all(conn)
                .await?
                .into_iter()
                .map(|g| g.guardian_id),
        );
    }
    guardian_ids.sort();
    guardian_ids.dedup();
    let mut guardians = vec![];
    for chunk in guardian_ids.chunks(500) {
        guardians.extend(
            guardian::Entity::find()
                .filter(guardian::Column::SchoolId.eq(school))
                .filter(guardian::Column::Id.is_in(chunk.to_vec()))
                .all(conn)
                .await?
                .into_iter()
                .filter_map(|g| g.user_id),
        );
    }
    for v in [&mut students, &mut guardians] {
        v.sort();
        v.dedup();
    }
    Ok((students, guardians))
}

/// Who gets which notice for an event: `(user, notice)` pairs.
async fn recipients(
    tx: &DatabaseTransaction,
    school: Uuid,
    event: Event,
    id: Uuid,
) -> ApiResult<Vec<(Uuid, Notice)>> {
    let key = format!("{}:{id}", event.code());
    let notice = |title: &str, body: &str, link: &str| Notice {
        kind: event.code(),
        title: title.into(),
        body: body.into(),
        link: link.into(),
        dedupe_key: key.clone(),
    };
    let mut out = vec![];
    match event {
        Event::MatchingPublished => {
            use crate::matching::entities::result;
            let placed: Vec<Uuid> = result::Entity::find()
                .filter(result::Column::SchoolId.eq(school))
                .filter(result::Column::RoundId.eq(id))
                .filter(result::Column::StaffId.is_not_null())
                .all(tx)
                .await?
                .into_iter()
                .map(|l| l.student_id)
                .collect();
            let (students, guardians) = family_users(tx, school, &placed).await?;
            for u in students {
                out.push((
                    u,
                    notice("导师匹配结果已公布", "你的导师匹配结果已公布。", "/student"),
                ));
            }
            for u in guardians {
                out.push((
                    u,
                    notice(
                        "导师匹配结果已公布",
                        "您孩子的导师匹配结果已公布。",
                        "/parent",
                    ),
                ));
            }
        }
        Event::SurveyOpened => {
            use crate::org::entities::{guardian, student};
            use crate::surveys::entities::survey;
            let Some(s) = survey::Entity::find_by_id(id)
                .filter(survey::Column::SchoolId.eq(school))
                .one(tx)
                .await?
            else {
                return Ok(out);
            };
            if s.status != "open" {
                return Ok(out);
            }
            let users: Vec<Uuid> = if s.audience == shared::survey::Audience::Parents.code() {
                guardian::Entity::find()
                    .filter(guardian::Column::SchoolId.eq(school))
                    .filter(guardian::Column::UserId.is_not_null())
                    .all(tx)
                    .await?
                    .into_iter()
                    .filter_map(|g| g.user_id)
                    .collect()
            } else {
                student::Entity::find()
                    .filter(student::Column::SchoolId.eq(school))
                    .filter(student::Column::UserId.is_not_null())
                    .all(tx)
                    .await?
                    .into_iter()
                    .filter_map(|s| s.user_id)
                    .collect()
            };
            let mut users = users;
            users.sort();
            users.dedup();
            for u in users {
                out.push((
                    u,
                    notice(
                        "新的问卷",
                        "学校发布了一份问卷，请在问卷页填写。",
                        "/surveys",
                    ),
                ));
            }
        }
        Event::AssessmentPublished => {
            use crate::lifecycle::entities::assessment_result;
            use crate::org::entities::staff;
            let staff_ids: Vec<Uuid> = assessment_result::Entity::find()
                .filter(assessment_result::Column::SchoolId.eq(school))
                .filter(assessment_result::Column::RunId.eq(id))
                .all(tx)
                .await?
                .into_iter()
                .map(|r| r.staff_id)
                .collect();
            let mut users = vec![];
            for chunk in staff_ids.chunks(500) {
                users.extend(
                    staff::Entity::find()
                        .filter(staff::Column::SchoolId.eq(school))
                        .filter(staff::Column::Id.is_in(chunk.to_vec()))
                        .all(tx)
                        .await?
                        .into_iter()
                        .filter_map(|s| s.user_id),
                );
            }
            users.sort();
            users.dedup();
            for u in users {
                out.push((
                    u,
                    notice(
                        "导师考核结果已公布",
                        "本学期导师考核结果已公布，可在“我的导师档案”查看。",
                        "/mentor/record",
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// What the group robots are told of an event: counts and a link only.
async fn announcement(
    tx: &DatabaseTransaction,
    school: Uuid,
    event: Event,
    id: Uuid,
) -> ApiResult<Option<(robots::Audience, robots::Post)>> {
    Ok(match event {
        Event::MatchingPublished => {
            use crate::matching::entities::{result, round};
            use sea_orm::PaginatorTrait;
            let Some(r) = round::Entity::find_by_id(id)
                .filter(round::Column::SchoolId.eq(school))
                .one(tx)
                .await?
            else {
                return Ok(None);
            };
            let placed = result::Entity::find()
                .filter(result::Column::SchoolId.eq(school))
                .filter(result::Column::RoundId.eq(id))
                .filter(result::Column::StaffId.is_not_null())
                .count(tx)
                .await?;
            Some((
                robots::Audience::Grade(r.grade),
                robots::Post {
                    title: "导师匹配结果已公布".into(),
                    text: format!(
                        "{}年级本轮导师匹配结果已公布，{placed} 名学生已有导师。学生和家长可登录导师系统查看。",
                        r.grade
                    ),
                    link: "/".into(),
                },
            ))
        }
        Event::SurveyOpened => Some((
            robots::Audience::All,
            robots::Post {
                title: "学校发布了新问卷".into(),
                text: "请登录导师系统，在“问卷”中填写。".into(),
                link: "/surveys".into(),
            },
        )),
        Event::AssessmentPublished => None,
    })
}

struct Events;

impl Handler for Events {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
                return Err("an event job without its school".into());
            };
            let p: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            let event = p["event"]
                .as_str()
                .and_then(Event::from_code)
                .ok_or("unknown event")?;
            let id: Uuid = p["id"]
                .as_str()
                .and_then(|i| i.parse().ok())
                .ok_or("event without an id")?;
            for (user, n) in recipients(tx, s, event, id)
                .await
                .map_err(|e| e.message())?
            {
                deliver(tx, d, s, user, &n).await.map_err(|e| e.message())?;
            }
            if let Some((audience, post)) = announcement(tx, s, event, id)
                .await
                .map_err(|e| e.message())?
            {
                let hooks = robots::hooks_for(tx, s, audience)
                    .await
                    .map_err(|e| e.to_string())?;
                robots::enqueue(tx, d, s, &hooks, &post, &format!("{}:{id}", event.code()))
                    .await
                    .map_err(|e| e.message())?;
            }
            Ok(())
        })
    }
}

/// The inbox copy of a care alert (`reason`: `raised` or `escalated`): the
/// case's short number and a link, never the student, the level or the
/// concern (the recipient reads those on the case page, where access is
/// checked and audited).
pub fn care_alert(case: Uuid, alert: Uuid, reason: &str) -> Notice {
    let short: String = case.simple().to_string().chars().take(8).collect();
    let (title, body) = if reason == "escalated" {
        (
            "关爱个案已升级",
            format!("个案 {short} 无人及时响应，已按预案通知您。"),
        )
    } else {
        ("新的关爱个案", format!("个案 {short} 需要您关注。"))
    };
    Notice {
        kind: "care_alert",
        title: title.into(),
        body,
        link: format!("/care/{case}"),
        dedupe_key: format!("care_alert:{alert}"),
    }
}
