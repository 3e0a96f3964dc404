//! The growth file (成长档案): notes and exam results shown only as
//! bands, every read audited.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::grading::{BandScale, DisplayKind};
use shared::org::SchoolStage;
use shared::policy::AssessmentDisplay;
use uuid::Uuid;

use super::entities::{exam_result, growth_note};
use crate::audit;
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock::today;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, school, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

// ---------------------------------------------------------------- growth file

/// A section of the growth file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
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
    /// The scale the bands come from (the school's policy in effect).
    pub scale: BandScale,
}

/// The school's band scale for a student's grade: the `assessment` scale of
/// the policy in effect (primary schools use its `primary` scale, secondary
/// stages its `secondary` one, spanning schools by grade).
#[tracing::instrument(skip_all)]
pub async fn scale_for(ctx: &Ctx, s: &student::Model) -> ApiResult<BandScale> {
    let sc = one_in_school_school(ctx).await?;
    let c = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
    // The school's own scale (一校一策): the policy in effect today, else the
    // district baseline's, else the standard scale.
    let d = crate::policy::service::policy_on(ctx, sc.district_id, sc.id, today())
        .await?
        .map_or_else(AssessmentDisplay::standard, |e| e.version.rules.assessment);
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
        // A counsellor reads the file while a case about the student is
        // open (audited as such).
        if authz::care::counsellor_reads_for_case(ctx, &s).await? {
            audit::record(
                ctx,
                "growth_file.read",
                "student",
                Some(s.id),
                Some("care_case".into()),
            )
            .await?;
            return Ok(s);
        }
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
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
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
        scale,
    })
}

/// Adds a note to a student's growth file (mentor or head teacher).
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
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

pub(crate) fn valid_month(m: &str) -> bool {
    NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok() && m.len() == 7
}

/// One exam result to record.
pub struct ExamResultFields {
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
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn record_exam_result(
    ctx: &Ctx,
    student_id: Uuid,
    input: ExamResultFields,
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
    if input.taken_on > today() {
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
