//! Growth messages (成长寄语: draft → submitted → reviewed → published),
//! the growth file (成长档案: notes and exam results shown only as bands,
//! every read audited), talk requests from parents and students, and the
//! student's monthly self-report.

use std::collections::HashMap;

use async_graphql::{Enum, InputObject};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::activity::{ActivityKind, Channel};
use shared::grading::{BandScale, DisplayKind};
use shared::org::{Role, SchoolStage};
use shared::policy::AssessmentDisplay;
use uuid::Uuid;

use super::entities::{activity, exam_result, growth_message, growth_note, talk_request};
use super::service::{self as svc, ActivityView, Me, NewActivity, local_day};
use crate::audit;
use crate::authz;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, mentor_assignment, school, staff, student, term};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Where a growth message is in its lifecycle.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
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

async fn names_of_students(ctx: &Ctx, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
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
    Review(bool),
    Publish,
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
        Step::Review(approve) => {
            if !(rel.contains(&Role::HeadTeacher) || grade_leader) {
                return Err(ApiError::forbidden("只有班主任或年级组长可以审阅成长寄语"));
            }
            if status != GrowthMessageStatus::Submitted {
                return Err(ApiError::conflict("只有已提交的寄语可以审阅"));
            }
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
            (GrowthMessageStatus::Published, m.reviewed_by)
        }
    };
    let mut am = m.into_active_model();
    am.status = Set(next.code().into());
    am.reviewed_by = Set(reviewer);
    if next == GrowthMessageStatus::Published {
        am.published_on = Set(Some(local_day(Utc::now())));
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(ctx.db()).await?;
    one_message(ctx, m).await
}

/// Submits a draft (the student's mentor).
pub async fn submit_growth_message(ctx: &Ctx, id: Uuid) -> ApiResult<MessageView> {
    advance(ctx, id, Step::Submit).await
}

/// Reviews a submitted message (head teacher or grade leader): approve, or
/// send back to draft.
pub async fn review_growth_message(ctx: &Ctx, id: Uuid, approve: bool) -> ApiResult<MessageView> {
    advance(ctx, id, Step::Review(approve)).await
}

/// Publishes a submitted or reviewed message to the student and parents.
pub async fn publish_growth_message(ctx: &Ctx, id: Uuid) -> ApiResult<MessageView> {
    advance(ctx, id, Step::Publish).await
}

async fn own_student_ids(ctx: &Ctx) -> ApiResult<Vec<Uuid>> {
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
    message_views(ctx, rows).await
}

/// The published growth messages of the caller's children (parent) or of
/// the caller (student).
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

// ---------------------------------------------------------------- growth file

/// A section of the growth file.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum GrowthSection {
    /// 家庭与社会情况 (structure, single-parent, left-behind …).
    Family,
    /// 性格.
    Personality,
    /// 习惯与品行.
    Habits,
    /// 兴趣爱好.
    Interests,
    /// 心理、身体与健康状况.
    Health,
    /// 月度表现 (with a month).
    Monthly,
}

impl GrowthSection {
    /// Every section.
    pub const ALL: [GrowthSection; 6] = [
        GrowthSection::Family,
        GrowthSection::Personality,
        GrowthSection::Habits,
        GrowthSection::Interests,
        GrowthSection::Health,
        GrowthSection::Monthly,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            GrowthSection::Family => "FAMILY",
            GrowthSection::Personality => "PERSONALITY",
            GrowthSection::Habits => "HABITS",
            GrowthSection::Interests => "INTERESTS",
            GrowthSection::Health => "HEALTH",
            GrowthSection::Monthly => "MONTHLY",
        }
    }

    /// Parses a stored code.
    pub fn from_code(c: &str) -> Option<GrowthSection> {
        GrowthSection::ALL.into_iter().find(|s| s.code() == c)
    }
}

/// An exam result as shown: the band of the school's scale, never the score.
pub struct BandedResult {
    /// The row (its score is not exposed).
    pub result: exam_result::Model,
    /// Percentage bands or grade levels.
    pub display: DisplayKind,
    /// Band code, e.g. "A".
    pub band_code: String,
    /// What users see: "90%–100%" or "优秀".
    pub band_label: String,
}

/// A growth file as its readers see it.
pub struct GrowthFile {
    /// The student.
    pub student: student::Model,
    /// Notes, newest first.
    pub notes: Vec<(growth_note::Model, String)>,
    /// Exam results as bands, newest first.
    pub exams: Vec<BandedResult>,
}

/// The school's band scale for a student's grade.
pub async fn scale_for(ctx: &Ctx, s: &student::Model) -> ApiResult<BandScale> {
    let sc = one_in_school_school(ctx).await?;
    let c = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
    let d = AssessmentDisplay::standard();
    Ok(match SchoolStage::from_code(&sc.stage) {
        Some(SchoolStage::Primary) => d.primary,
        Some(SchoolStage::Middle | SchoolStage::High | SchoolStage::Vocational) => d.secondary,
        _ => d.scale_for_grade(c.grade).clone(),
    })
}

async fn one_in_school_school(ctx: &Ctx) -> ApiResult<school::Model> {
    let id = ctx.school_id()?;
    school::Entity::find_by_id(id)
        .filter(school::Column::DistrictId.eq(ctx.district_id()?))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))
}

fn band(scale: &BandScale, r: exam_result::Model) -> BandedResult {
    let b = scale.band_for_score(r.score, r.full_marks);
    BandedResult {
        display: scale.kind,
        band_code: b.map(|b| b.code.clone()).unwrap_or_default(),
        band_label: b.map(|b| b.label_zh.clone()).unwrap_or_default(),
        result: r,
    }
}

async fn readable_file(ctx: &Ctx, student_id: Uuid) -> ApiResult<student::Model> {
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if !authz::may_read_sensitive(ctx, &s).await? {
        return Err(ApiError::forbidden(
            "成长档案只有学生的导师、班主任和学校管理员可以查看",
        ));
    }
    Ok(s)
}

async fn writable_file(ctx: &Ctx, me: &Me, student_id: Uuid) -> ApiResult<student::Model> {
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if me.relations(&s).is_empty() {
        return Err(ApiError::forbidden(
            "只有学生的导师或班主任可以记录成长档案",
        ));
    }
    Ok(s)
}

/// Reads a student's growth file (mentors, head teacher, school admin);
/// every read is audited.
pub async fn growth_file(ctx: &Ctx, student_id: Uuid) -> ApiResult<GrowthFile> {
    let s = readable_file(ctx, student_id).await?;
    audit::record(ctx, "growth_file.read", "student", Some(s.id), None).await?;
    let notes = growth_note::Entity::find()
        .filter(growth_note::Column::SchoolId.eq(s.school_id))
        .filter(growth_note::Column::StudentId.eq(s.id))
        .order_by_desc(growth_note::Column::CreatedAt)
        .limit(500)
        .all(ctx.db())
        .await?;
    use crate::auth::entities::user;
    let writers: HashMap<Uuid, String> = if notes.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(notes.iter().map(|n| n.written_by).collect::<Vec<_>>()))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let named = notes
        .into_iter()
        .map(|n| {
            let who = writers.get(&n.written_by).cloned().unwrap_or_default();
            (n, who)
        })
        .collect();
    let scale = scale_for(ctx, &s).await?;
    // Newest first by date, then subject: never by score.
    let exams = exam_result::Entity::find()
        .filter(exam_result::Column::SchoolId.eq(s.school_id))
        .filter(exam_result::Column::StudentId.eq(s.id))
        .order_by_desc(exam_result::Column::TakenOn)
        .order_by_asc(exam_result::Column::Subject)
        .limit(500)
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|r| band(&scale, r))
        .collect();
    Ok(GrowthFile {
        student: s,
        notes: named,
        exams,
    })
}

/// Adds a note to a student's growth file (mentor or head teacher).
pub async fn add_growth_note(
    ctx: &Ctx,
    student_id: Uuid,
    section: GrowthSection,
    month: Option<String>,
    body: String,
) -> ApiResult<(growth_note::Model, String)> {
    let me = Me::load(ctx).await?;
    let s = writable_file(ctx, &me, student_id).await?;
    let mut p = Problems::default();
    let body = body.trim().to_string();
    if body.is_empty() || body.chars().count() > 5000 {
        p.add("body", "内容须为1–5000字");
    }
    let month = month
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    match (&month, section) {
        (None, GrowthSection::Monthly) => p.add("month", "月度表现须注明月份(YYYY-MM)"),
        (Some(m), _) if !valid_month(m) => p.add("month", "月份格式应为YYYY-MM"),
        _ => {}
    }
    p.finish()?;
    let n = growth_note::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        section: Set(section.code().into()),
        month: Set(month),
        body: Set(body),
        written_by: Set(me.user_id),
        created_at: Set(Utc::now()),
    }
    .insert(ctx.db())
    .await?;
    audit::record(ctx, "growth_file.write", "student", Some(s.id), None).await?;
    let who = crate::auth::entities::user::Entity::find_by_id(me.user_id)
        .one(ctx.db())
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    Ok((n, who))
}

fn valid_month(m: &str) -> bool {
    NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok() && m.len() == 7
}

/// One exam result to record.
#[derive(InputObject)]
pub struct ExamResultInput {
    /// Subject.
    pub subject: String,
    /// Exam name, e.g. 期中考试.
    pub exam_name: String,
    /// The day of the exam.
    pub taken_on: NaiveDate,
    /// The student's score.
    pub score: f64,
    /// Full marks.
    pub full_marks: f64,
    /// The mentor's analysis.
    pub analysis: Option<String>,
}

/// Records an exam result (mentor or head teacher); answers with the band.
pub async fn record_exam_result(
    ctx: &Ctx,
    student_id: Uuid,
    input: ExamResultInput,
) -> ApiResult<BandedResult> {
    let me = Me::load(ctx).await?;
    let s = writable_file(ctx, &me, student_id).await?;
    let mut p = Problems::default();
    let subject = input.subject.trim().to_string();
    let exam = input.exam_name.trim().to_string();
    if subject.is_empty() || subject.chars().count() > 30 {
        p.add("input.subject", "科目须为1–30字");
    }
    if exam.is_empty() || exam.chars().count() > 60 {
        p.add("input.examName", "考试名称须为1–60字");
    }
    if !(input.full_marks.is_finite() && input.full_marks > 0.0 && input.full_marks <= 1000.0) {
        p.add("input.fullMarks", "满分须大于0且不超过1000");
    }
    if !(input.score.is_finite() && input.score >= 0.0 && input.score <= input.full_marks) {
        p.add("input.score", "成绩须在0到满分之间");
    }
    if input.taken_on > local_day(Utc::now()) {
        p.add("input.takenOn", "考试日期不能晚于今天");
    }
    if input
        .analysis
        .as_deref()
        .is_some_and(|a| a.chars().count() > 2000)
    {
        p.add("input.analysis", "分析不能超过2000字");
    }
    p.finish()?;
    let r = exam_result::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        subject: Set(subject),
        exam_name: Set(exam),
        taken_on: Set(input.taken_on),
        score: Set(input.score),
        full_marks: Set(input.full_marks),
        analysis: Set(input
            .analysis
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())),
        recorded_by: Set(me.user_id),
        created_at: Set(Utc::now()),
    }
    .insert(ctx.db())
    .await?;
    audit::record(ctx, "growth_file.write", "student", Some(s.id), None).await?;
    let scale = scale_for(ctx, &s).await?;
    Ok(band(&scale, r))
}

// ---------------------------------------------------------------- talk requests

/// A talk request with the student's name.
pub struct TalkView {
    /// The row.
    pub request: talk_request::Model,
    /// The student's name.
    pub student_name: String,
}

/// A parent (of the student) or the student asks the mentor for a talk.
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
    }
    .insert(ctx.db())
    .await?;
    Ok(TalkView {
        request: r,
        student_name: s.name,
    })
}

/// Talk requests: for staff, those about their mentees and the students of
/// their classes; for parents and students, their own.
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
    Ok(rows
        .into_iter()
        .map(|r| TalkView {
            student_name: names.get(&r.student_id).cloned().unwrap_or_default(),
            request: r,
        })
        .collect())
}

/// The mentor (or head teacher) answers a talk request.
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
    let mut am = r.into_active_model();
    am.status = Set("answered".into());
    am.answer = Set(Some(answer));
    am.answered_by = Set(Some(me.user_id));
    am.answered_at = Set(Some(Utc::now()));
    let r = am.update(ctx.db()).await?;
    Ok(TalkView {
        request: r,
        student_name: s.name,
    })
}

/// The student's monthly report to the mentor, recorded as a
/// `STUDENT_REPORT` activity of the student's mentor (once per month: a
/// repeated send returns the report already recorded).
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
    let (a, _) = svc::insert_once(
        ctx,
        NewActivity {
            row,
            students: vec![s.id],
        },
    )
    .await?;
    svc::views(ctx, &me, vec![a])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("活动记录"))
}
