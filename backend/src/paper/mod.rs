//! Paper (issue 13 items 4–6, issue 12 item 4): spreadsheet exports of the
//! pages that show school figures, printable PDFs (growth letters for
//! parents, appointment letters, 优秀导师 certificates, the term summary for
//! the district), the 优秀导师 awards, and the files' lifecycle.
//!
//! Every file is asked for through GraphQL, built by a background job with
//! the requester's own rights (progress recorded as it goes), and served by
//! `GET /files/{id}?ticket=…` to that requester alone, for a day at most;
//! the ticket is a short-lived signed token for that one file (see
//! `auth::jwt::JwtKeys::issue_file_ticket`).

pub mod awards;
pub mod download;
pub mod entities;
pub mod exports;
pub mod files;
pub mod graphql;
pub mod letters;
pub mod pdf;
pub mod xlsx;

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::org::entities::{school, staff, term};
use crate::tenancy::Ctx;
use files::{Progress, Request};

/// What kind of file.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaperKind {
    /// Task completion per class and per mentor (xlsx; the term).
    TaskCompletion,
    /// A matching round's results (xlsx; subject: the round).
    MatchingResults,
    /// An assessment run's results for performance pay (xlsx; subject: the run).
    AssessmentResults,
    /// A survey's results (xlsx; subject: the survey).
    SurveyResults,
    /// Home–school contact logs, counts only, no private text (xlsx;
    /// subject: a class, or none for every student the caller sees).
    ContactLog,
    /// A student's growth letter (PDF; subject: the student).
    GrowthLetter,
    /// A class's growth letters in one file (PDF; subject: the class).
    ClassLetters,
    /// A teacher's appointment letter, 聘书 (PDF; subject: the teacher).
    AppointmentLetter,
    /// A 优秀导师 certificate (PDF; subject: the award).
    AwardCertificate,
    /// The school's term summary for the district, aggregates only (PDF; the term).
    TermSummary,
}

impl PaperKind {
    const ALL: [PaperKind; 10] = [
        PaperKind::TaskCompletion,
        PaperKind::MatchingResults,
        PaperKind::AssessmentResults,
        PaperKind::SurveyResults,
        PaperKind::ContactLog,
        PaperKind::GrowthLetter,
        PaperKind::ClassLetters,
        PaperKind::AppointmentLetter,
        PaperKind::AwardCertificate,
        PaperKind::TermSummary,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            PaperKind::TaskCompletion => "task_completion",
            PaperKind::MatchingResults => "matching_results",
            PaperKind::AssessmentResults => "assessment_results",
            PaperKind::SurveyResults => "survey_results",
            PaperKind::ContactLog => "contact_log",
            PaperKind::GrowthLetter => "growth_letter",
            PaperKind::ClassLetters => "class_letters",
            PaperKind::AppointmentLetter => "appointment_letter",
            PaperKind::AwardCertificate => "award_certificate",
            PaperKind::TermSummary => "term_summary",
        }
    }

    /// From a stored code.
    pub fn from_code(code: &str) -> Option<PaperKind> {
        PaperKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether it is a PDF (else a spreadsheet).
    pub fn is_pdf(self) -> bool {
        matches!(
            self,
            PaperKind::GrowthLetter
                | PaperKind::ClassLetters
                | PaperKind::AppointmentLetter
                | PaperKind::AwardCertificate
                | PaperKind::TermSummary
        )
    }

    /// MIME type.
    pub fn content_type(self) -> &'static str {
        if self.is_pdf() {
            "application/pdf"
        } else {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// The file name's stem.
    pub fn label(self) -> &'static str {
        match self {
            PaperKind::TaskCompletion => "任务完成情况",
            PaperKind::MatchingResults => "匹配结果",
            PaperKind::AssessmentResults => "导师考核结果",
            PaperKind::SurveyResults => "问卷结果",
            PaperKind::ContactLog => "家校联系记录",
            PaperKind::GrowthLetter => "成长寄语",
            PaperKind::ClassLetters => "班级成长寄语",
            PaperKind::AppointmentLetter => "导师聘书",
            PaperKind::AwardCertificate => "优秀导师证书",
            PaperKind::TermSummary => "学期导师工作总结",
        }
    }
}

fn subject(req: &Request, what: &str) -> ApiResult<Uuid> {
    req.subject
        .ok_or_else(|| ApiError::invalid("subjectId", format!("请指定{what}")))
}

/// The teacher of an appointment letter: the subject, or the caller.
async fn appointee(ctx: &Ctx, req: &Request) -> ApiResult<Uuid> {
    match req.subject {
        Some(s) => Ok(s),
        None => crate::authz::my_staff(ctx)
            .await?
            .map(|s| s.id)
            .ok_or_else(|| ApiError::not_found("教师")),
    }
}

/// Checks the caller may have the file (the same checks the job meets
/// again) and answers with its file name.
pub async fn preflight(ctx: &Ctx, req: &Request) -> ApiResult<String> {
    let ext = if req.kind.is_pdf() { "pdf" } else { "xlsx" };
    let name = match req.kind {
        PaperKind::TaskCompletion => {
            crate::authz::paper::may_export_tasks(ctx)?;
            None
        }
        PaperKind::MatchingResults => {
            crate::authz::paper::may_export_school(ctx)?;
            exports::round_label(ctx, subject(req, "匹配轮次")?).await?
        }
        PaperKind::AssessmentResults => {
            crate::authz::lifecycle::may_manage_assessment(ctx)?;
            exports::run_label(ctx, subject(req, "考核")?).await?
        }
        PaperKind::SurveyResults => {
            crate::authz::paper::may_export_school(ctx)?;
            exports::survey_label(ctx, subject(req, "问卷")?).await?
        }
        PaperKind::ContactLog => {
            crate::authz::paper::may_export_contacts(ctx)?;
            None
        }
        PaperKind::GrowthLetter => letters::student_label(ctx, subject(req, "学生")?).await?,
        PaperKind::ClassLetters => letters::class_label(ctx, subject(req, "班级")?).await?,
        PaperKind::AppointmentLetter => {
            letters::appointment_label(ctx, appointee(ctx, req).await?).await?
        }
        PaperKind::AwardCertificate => awards::award_label(ctx, subject(req, "表彰")?).await?,
        PaperKind::TermSummary => {
            crate::authz::paper::may_export_school(ctx)?;
            None
        }
    };
    let stem = match name {
        Some(n) => format!("{}-{n}", req.kind.label()),
        None => req.kind.label().to_string(),
    };
    let stem: String = stem
        .chars()
        .filter(|c| {
            !matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|') && !c.is_control()
        })
        .take(60)
        .collect();
    Ok(format!("{stem}.{ext}"))
}

/// Builds a file's bytes (in the job, with the requester's rights).
pub async fn generate(ctx: &Ctx, req: &Request, p: &Progress) -> ApiResult<Vec<u8>> {
    let out = match req.kind {
        PaperKind::TaskCompletion => exports::task_completion(ctx, req.term, p).await,
        PaperKind::MatchingResults => exports::matching(ctx, subject(req, "匹配轮次")?, p).await,
        PaperKind::AssessmentResults => {
            crate::lifecycle::assessment::export_assessment(ctx, subject(req, "考核")?)
                .await
                .map(|(_, b)| b)
        }
        PaperKind::SurveyResults => exports::survey(ctx, subject(req, "问卷")?, p).await,
        PaperKind::ContactLog => exports::contacts(ctx, req.subject, p).await,
        PaperKind::GrowthLetter => letters::growth_letters(ctx, &[subject(req, "学生")?], p).await,
        PaperKind::ClassLetters => letters::class_letters(ctx, subject(req, "班级")?, p).await,
        PaperKind::AppointmentLetter => letters::appointment(ctx, appointee(ctx, req).await?).await,
        PaperKind::AwardCertificate => awards::certificate(ctx, subject(req, "表彰")?).await,
        PaperKind::TermSummary => letters::term_summary(ctx, req.term, p).await,
    }?;
    if out.is_empty() {
        return Err(ApiError::invalid("file", "文件为空"));
    }
    Ok(out)
}

/// Names of the caller's school's staff among `ids`.
pub async fn staff_names(ctx: &Ctx, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(ctx.school_id()?))
        .filter(staff::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// Names of the terms of the caller's school, or (`district`) of every
/// school of the district.
pub async fn term_names(ctx: &Ctx, district: Option<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    let q = match district {
        Some(d) => term::Entity::find().filter(term::Column::DistrictId.eq(d)),
        None => term::Entity::find().filter(term::Column::SchoolId.eq(ctx.school_id()?)),
    };
    Ok(q.all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The caller's school's name.
pub async fn school_name(ctx: &Ctx) -> ApiResult<String> {
    Ok(school::Entity::find_by_id(ctx.school_id()?)
        .one(ctx.db())
        .await?
        .map(|s| s.name)
        .unwrap_or_default())
}

/// Now in China time, `YYYY-MM-DD HH:MM`.
pub fn generated_at() -> String {
    (crate::clock::now() + Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
