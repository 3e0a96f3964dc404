//! Growth messages (成长寄语): draft → submitted → reviewed → published.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::org::Role;
use uuid::Uuid;

use super::entities::growth_message;
use crate::audit;
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock::today;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, staff, student, term};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Where a growth message is in its lifecycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GrowthMessageStatus {
    /// 草稿: only the mentor (and head teacher) see it.
    Draft,
    /// 已提交: waiting for review or publication.
    Submitted,
    /// 已审阅: reviewed by the head teacher or grade leader.
    Reviewed,
    /// 已发布: the student and the parents see it.
    Published,
}

impl GrowthMessageStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            GrowthMessageStatus::Draft => "draft",
            GrowthMessageStatus::Submitted => "submitted",
            GrowthMessageStatus::Reviewed => "reviewed",
            GrowthMessageStatus::Published => "published",
        }
    }

    /// Parses a stored code (unknown codes read as drafts).
    pub fn from_code(c: &str) -> GrowthMessageStatus {
        match c {
            "submitted" => GrowthMessageStatus::Submitted,
            "reviewed" => GrowthMessageStatus::Reviewed,
            "published" => GrowthMessageStatus::Published,
            _ => GrowthMessageStatus::Draft,
        }
    }
}

/// A growth message with display names.
pub struct MessageView {
    /// The row.
    pub message: growth_message::Model,
    /// The student's name.
    pub student_name: String,
    /// The mentor's name.
    pub mentor_name: String,
    /// The term's name.
    pub term_name: String,
}

async fn message_views(ctx: &Ctx, rows: Vec<growth_message::Model>) -> ApiResult<Vec<MessageView>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let school = ctx.school_id()?;
    let students = names_of_students(ctx, rows.iter().map(|m| m.student_id).collect()).await?;
    let mentors: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(rows.iter().map(|m| m.staff_id).collect::<Vec<_>>()))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let terms: HashMap<Uuid, String> = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|m| MessageView {
            student_name: students.get(&m.student_id).cloned().unwrap_or_default(),
            mentor_name: mentors.get(&m.staff_id).cloned().unwrap_or_default(),
            term_name: terms.get(&m.term_id).cloned().unwrap_or_default(),
            message: m,
        })
        .collect())
}

pub(crate) async fn names_of_students(
    ctx: &Ctx,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(student::Entity::find()
        .filter(student::Column::SchoolId.eq(ctx.school_id()?))
        .filter(student::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

async fn one_message(ctx: &Ctx, m: growth_message::Model) -> ApiResult<MessageView> {
    message_views(ctx, vec![m])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("成长寄语"))
}

/// Saves the draft of a student's growth message for a term (the student's
/// mentor). A published message can no longer be changed.
#[tracing::instrument(skip_all, fields(student_id = %student_id, term_id = %term_id))]
pub async fn save_growth_message(
    ctx: &Ctx,
    student_id: Uuid,
    term_id: Uuid,
    body: String,
    bright_spots: Vec<String>,
) -> ApiResult<MessageView> {
    let me = Me::load(ctx).await?;
    let staff_id = me.staff_id()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if !me.relations(&s).contains(&Role::Mentor) {
        return Err(ApiError::forbidden("只有学生的导师可以撰写成长寄语"));
    }
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let mut p = Problems::default();
    let body = body.trim().to_string();
    if body.is_empty() {
        p.add("body", "寄语内容不能为空");
    }
    if body.chars().count() > 5000 {
        p.add("body", "寄语不能超过5000字");
    }
    let spots: Vec<String> = bright_spots
        .into_iter()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .collect();
    if spots.len() > 10 || spots.iter().any(|b| b.chars().count() > 100) {
        p.add("brightSpots", "闪光点最多10条，每条不超过100字");
    }
    p.finish()?;
    let existing = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(me.school_id))
        .filter(growth_message::Column::StudentId.eq(s.id))
        .filter(growth_message::Column::TermId.eq(t.id))
        .one(ctx.db())
        .await?;
    let spots_json = serde_json::to_string(&spots).unwrap_or_else(|_| "[]".into());
    let now = Utc::now();
    let m = match existing {
        Some(m) if m.status == GrowthMessageStatus::Published.code() => {
            return Err(ApiError::conflict("寄语已发布，不能再修改"));
        }
        Some(m) => {
            let mut am = m.into_active_model();
            am.body = Set(body);
            am.bright_spots = Set(spots_json);
            am.staff_id = Set(staff_id);
            am.status = Set(GrowthMessageStatus::Draft.code().into());
            am.reviewed_by = Set(None);
            am.updated_at = Set(now);
            am.update(ctx.db()).await?
        }
        None => {
            growth_message::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(me.district_id),
                school_id: Set(me.school_id),
                student_id: Set(s.id),
                staff_id: Set(staff_id),
                term_id: Set(t.id),
                body: Set(body),
                bright_spots: Set(spots_json),
                status: Set(GrowthMessageStatus::Draft.code().into()),
                reviewed_by: Set(None),
                review_comment: Set(None),
                published_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(ctx.db())
            .await?
        }
    };
    one_message(ctx, m).await
}

/// What may be done with a message.
enum Step {
    Submit,
    /// Approve (true) or return to the mentor (false), with a comment
    /// (required when returning).
    Review(bool, Option<String>),
    Publish,
}

/// Longest review comment, in characters.
const MAX_COMMENT: usize = 500;

/// Whether the school's policy in effect has messages reviewed before they
/// are published (`tasks.growth_message.review_required`).
async fn review_required(ctx: &Ctx) -> ApiResult<bool> {
    let district = ctx.district_id()?;
    let school = ctx.school_id()?;
    Ok(
        crate::policy::service::policy_on(ctx, district, school, today())
            .await?
            .is_some_and(|e| e.version.rules.tasks.growth_message.review_required),
    )
}

async fn advance(ctx: &Ctx, id: Uuid, step: Step) -> ApiResult<MessageView> {
    let me = Me::load(ctx).await?;
    let m = one_in_school::<growth_message::Entity>(ctx, id, "成长寄语").await?;
    let s = one_in_school::<student::Entity>(ctx, m.student_id, "学生").await?;
    let rel = me.relations(&s);
    let status = GrowthMessageStatus::from_code(&m.status);
    let grade_leader = if me.grades.is_empty() {
        false
    } else {
        let c = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
        me.grades.contains(&c.grade)
    };
    let mut comment = m.review_comment.clone();
    let (next, reviewer) = match step {
        Step::Submit => {
            if !rel.contains(&Role::Mentor) {
                return Err(ApiError::forbidden("只有学生的导师可以提交成长寄语"));
            }
            if status != GrowthMessageStatus::Draft {
                return Err(ApiError::conflict("只有草稿可以提交"));
            }
            (GrowthMessageStatus::Submitted, m.reviewed_by)
        }
        Step::Review(approve, ref text) => {
            if !(rel.contains(&Role::HeadTeacher) || grade_leader) {
                return Err(ApiError::forbidden("只有班主任或年级组长可以审阅成长寄语"));
            }
            let text = text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if text
                .as_ref()
                .is_some_and(|t| t.chars().count() > MAX_COMMENT)
            {
                return Err(ApiError::invalid(
                    "comment",
                    format!("审阅意见不能超过{MAX_COMMENT}字"),
                ));
            }
            if !approve && text.is_none() {
                return Err(ApiError::invalid("comment", "退回修改时请写明审阅意见"));
            }
            if status != GrowthMessageStatus::Submitted {
                return Err(ApiError::conflict("只有已提交的寄语可以审阅"));
            }
            comment = text;
            if approve {
                (GrowthMessageStatus::Reviewed, Some(me.user_id))
            } else {
                (GrowthMessageStatus::Draft, None)
            }
        }
        Step::Publish => {
            if !(rel.contains(&Role::Mentor) || rel.contains(&Role::HeadTeacher)) {
                return Err(ApiError::forbidden(
                    "只有学生的导师或班主任可以发布成长寄语",
                ));
            }
            if !matches!(
                status,
                GrowthMessageStatus::Submitted | GrowthMessageStatus::Reviewed
            ) {
                return Err(ApiError::conflict("寄语须先提交才能发布"));
            }
            if status == GrowthMessageStatus::Submitted && review_required(ctx).await? {
                return Err(ApiError::conflict(
                    "本校方案要求成长寄语先经班主任或年级组长审阅，审阅通过后才能发布",
                ));
            }
            (GrowthMessageStatus::Published, m.reviewed_by)
        }
    };
    let reviewed = matches!(step, Step::Review(..));
    let student_id = m.student_id;
    let mut am = m.into_active_model();
    am.status = Set(next.code().into());
    am.reviewed_by = Set(reviewer);
    am.review_comment = Set(comment);
    if next == GrowthMessageStatus::Published {
        am.published_on = Set(Some(today()));
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(ctx.db()).await?;
    if reviewed {
        audit::record(
            ctx,
            "growth_message.review",
            "student",
            Some(student_id),
            None,
        )
        .await?;
    }
    one_message(ctx, m).await
}

/// Submits a draft (the student's mentor).
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn submit_growth_message(ctx: &Ctx, id: Uuid) -> ApiResult<MessageView> {
    advance(ctx, id, Step::Submit).await
}

/// Reviews a submitted message (head teacher or grade leader): approve, or
/// send back to draft.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn review_growth_message(
    ctx: &Ctx,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> ApiResult<MessageView> {
    advance(ctx, id, Step::Review(approve, comment)).await
}

/// Submitted messages waiting for the caller's review: of the classes the
/// caller leads (head teacher) and of the grades the caller leads (grade
/// leader); oldest first. Reading another mentor's unpublished message is
/// audited, once per student.
#[tracing::instrument(skip_all)]
pub async fn messages_to_review(ctx: &Ctx) -> ApiResult<Vec<MessageView>> {
    authz::mentoring::may_review_growth_messages(ctx)?;
    let me = Me::load(ctx).await?;
    let mut classes: Vec<Uuid> = me.head_classes.iter().copied().collect();
    if !me.grades.is_empty() {
        let in_grades: Vec<Uuid> = class::Entity::find()
            .select_only()
            .column(class::Column::Id)
            .filter(class::Column::SchoolId.eq(me.school_id))
            .filter(class::Column::Grade.is_in(me.grades.clone()))
            .into_tuple()
            .all(ctx.db())
            .await?;
        classes.extend(in_grades);
    }
    if classes.is_empty() {
        return Ok(vec![]);
    }
    let students: Vec<Uuid> = student::Entity::find()
        .select_only()
        .column(student::Column::Id)
        .filter(student::Column::SchoolId.eq(me.school_id))
        .filter(student::Column::ClassId.is_in(classes))
        .into_tuple()
        .all(ctx.db())
        .await?;
    if students.is_empty() {
        return Ok(vec![]);
    }
    let rows = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(me.school_id))
        .filter(growth_message::Column::StudentId.is_in(students))
        .filter(growth_message::Column::Status.eq(GrowthMessageStatus::Submitted.code()))
        .order_by_asc(growth_message::Column::UpdatedAt)
        .limit(200)
        .all(ctx.db())
        .await?;
    let author = me.staff.as_ref().map(|m| m.id);
    let mut seen = std::collections::HashSet::new();
    for m in &rows {
        if Some(m.staff_id) != author && seen.insert(m.student_id) {
            audit::record(
                ctx,
                "growth_message.draft.read",
                "student",
                Some(m.student_id),
                None,
            )
            .await?;
        }
    }
    message_views(ctx, rows).await
}

/// Publishes a submitted or reviewed message to the student and parents.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn publish_growth_message(ctx: &Ctx, id: Uuid) -> ApiResult<MessageView> {
    let view = advance(ctx, id, Step::Publish).await?;
    notify_family(ctx, &view.message).await?;
    Ok(view)
}

/// Tells the student and the student's guardians with an account, in
/// their inboxes, that a growth message was published (no text, no name:
/// they open it on their home page).
async fn notify_family(ctx: &Ctx, m: &growth_message::Model) -> ApiResult<()> {
    let s = one_in_school::<student::Entity>(ctx, m.student_id, "学生").await?;
    let (mut users, guardians) =
        crate::notify::events::family_users(ctx.db(), s.school_id, &[s.id]).await?;
    users.extend(guardians);
    users.sort();
    users.dedup();
    let n = crate::notify::Notice {
        kind: "growth_message",
        title: "新的成长寄语".into(),
        body: "导师发布了一条成长寄语。".into(),
        link: "/".into(),
        dedupe_key: format!("growth_message:{}", m.id),
    };
    for u in users {
        crate::notify::deliver(ctx.db(), s.district_id, s.school_id, u, &n).await?;
    }
    Ok(())
}

pub(crate) async fn own_student_ids(ctx: &Ctx) -> ApiResult<Vec<Uuid>> {
    let caller = ctx.caller()?;
    let school = ctx.school_id()?;
    let mut ids = vec![];
    if caller.has(Role::Parent) {
        ids.extend(authz::children_ids(ctx).await?);
    }
    if caller.has(Role::Student) {
        let me: Vec<Uuid> = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::UserId.eq(caller.user_id))
            .into_tuple()
            .all(ctx.db())
            .await?;
        ids.extend(me);
    }
    Ok(ids)
}

/// A student's growth messages: every status for the student's mentors and
/// head teacher, published ones only for the student and the parents.
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn growth_messages(ctx: &Ctx, student_id: Uuid) -> ApiResult<Vec<MessageView>> {
    let me = Me::load(ctx).await?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let mut q = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(me.school_id))
        .filter(growth_message::Column::StudentId.eq(s.id));
    let grade_leader = if me.grades.is_empty() {
        false
    } else {
        let c = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
        me.grades.contains(&c.grade)
    };
    // Drafts: the mentors, the head teacher, the grade leader (who may
    // review) and the school admin.
    let staff_view = !me.relations(&s).is_empty() || me.admin || grade_leader;
    if !staff_view {
        if !own_student_ids(ctx).await?.contains(&s.id) {
            return Err(ApiError::not_found("学生"));
        }
        q = q.filter(growth_message::Column::Status.eq(GrowthMessageStatus::Published.code()));
    }
    let rows = q
        .order_by_desc(growth_message::Column::UpdatedAt)
        .all(ctx.db())
        .await?;
    // An unpublished message read by anyone but its author is audited.
    let author = me.staff.as_ref().map(|m| m.id);
    if rows
        .iter()
        .any(|m| m.status != GrowthMessageStatus::Published.code() && Some(m.staff_id) != author)
    {
        audit::record(
            ctx,
            "growth_message.draft.read",
            "student",
            Some(s.id),
            None,
        )
        .await?;
    }
    message_views(ctx, rows).await
}

/// The published growth messages of the caller's children (parent) or of
/// the caller (student).
#[tracing::instrument(skip_all)]
pub async fn my_growth_messages(ctx: &Ctx) -> ApiResult<Vec<MessageView>> {
    let school = ctx.school_id()?;
    let ids = own_student_ids(ctx).await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(school))
        .filter(growth_message::Column::StudentId.is_in(ids))
        .filter(growth_message::Column::Status.eq(GrowthMessageStatus::Published.code()))
        .order_by_desc(growth_message::Column::PublishedOn)
        .all(ctx.db())
        .await?;
    message_views(ctx, rows).await
}
