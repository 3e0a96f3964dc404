//! GraphQL types and operations of files and awards. Resolvers are thin.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::PaperKind;
use super::awards::{self, AwardView};
use super::entities::paper_file;
use super::exports::{self, Tally};
use super::files::{self, Request};
use crate::graphql::context::{GqlResult, ctx_of, id, opt_id, parse_id, state_of};

/// A generated file and its progress.
#[derive(SimpleObject)]
pub struct PaperFile {
    /// Id.
    pub id: ID,
    /// What it is.
    pub kind: PaperKind,
    /// Suggested file name.
    pub filename: String,
    /// `QUEUED`, `RUNNING`, `DONE` or `FAILED`.
    pub status: String,
    /// 0–100.
    pub progress: i32,
    /// Why it failed.
    pub error: Option<String>,
    /// Bytes, once done.
    pub size: i32,
    /// When asked.
    pub created_at: DateTime<Utc>,
    /// Not served after this.
    pub expires_at: DateTime<Utc>,
    /// A link that downloads it for ten minutes (only while done and not
    /// expired; only for its requester).
    pub download_url: Option<String>,
}

fn file_out(cx: &Context<'_>, f: paper_file::Model) -> GqlResult<PaperFile> {
    let ctx = ctx_of(cx)?;
    let url = if f.status == "done" && f.expires_at > crate::clock::now() {
        let ticket = state_of(cx)?.jwt.issue_file_ticket(ctx.caller()?, f.id)?;
        Some(format!("/files/{}?ticket={ticket}", f.id))
    } else {
        None
    };
    Ok(PaperFile {
        id: id(f.id),
        kind: PaperKind::from_code(&f.kind).unwrap_or(PaperKind::TaskCompletion),
        filename: f.filename,
        status: f.status.to_ascii_uppercase(),
        progress: f.progress,
        error: f.error,
        size: f.size,
        created_at: f.created_at,
        expires_at: f.expires_at,
        download_url: url,
    })
}

/// Counts of a class or a mentor's requirements.
#[derive(SimpleObject)]
pub struct CompletionLine {
    /// The class (with its grade) or the mentor.
    pub name: String,
    /// The grade (classes only).
    pub grade: Option<i32>,
    /// Students.
    pub students: u32,
    /// Requirements met.
    pub done: u32,
    /// Open.
    pub due: u32,
    /// Closed unmet.
    pub overdue: u32,
    /// Not applicable.
    pub not_applicable: u32,
    /// Met of those that apply, ‰.
    pub done_per_mille: Option<u32>,
}

fn line(name: String, grade: Option<i32>, t: &Tally) -> CompletionLine {
    CompletionLine {
        name,
        grade,
        students: t.students,
        done: t.done,
        due: t.due,
        overdue: t.overdue,
        not_applicable: t.not_applicable,
        done_per_mille: t.done_per_mille(),
    }
}

/// Task completion per class and per mentor.
#[derive(SimpleObject)]
pub struct TaskCompletion {
    /// The term's name.
    pub term_name: String,
    /// The day judged.
    pub as_of: NaiveDate,
    /// Per class.
    pub classes: Vec<CompletionLine>,
    /// Per mentor.
    pub mentors: Vec<CompletionLine>,
}

/// A 优秀导师 award.
#[derive(SimpleObject)]
pub struct MentorAward {
    /// Id.
    pub id: ID,
    /// The mentor.
    pub staff_id: ID,
    /// The mentor's name.
    pub staff_name: String,
    /// The term's name.
    pub term_name: String,
    /// The citation.
    pub citation: String,
    /// When the list was published (none: nominated only).
    pub published_at: Option<DateTime<Utc>>,
}

impl From<AwardView> for MentorAward {
    fn from(v: AwardView) -> MentorAward {
        MentorAward {
            id: id(v.award.id),
            staff_id: id(v.award.staff_id),
            staff_name: v.staff_name,
            term_name: v.term_name,
            citation: v.award.citation,
            published_at: v.award.published_at,
        }
    }
}

/// One school's published 优秀导师 in a term (district view: a count).
#[derive(SimpleObject)]
pub struct SchoolAwardCount {
    /// The school's name.
    pub school_name: String,
    /// The term's name.
    pub term_name: String,
    /// How many.
    pub count: u32,
}

/// File and award queries.
#[derive(Default)]
pub struct PaperQuery;

#[Object]
impl PaperQuery {
    /// One of the caller's files, with its progress.
    async fn paper_file(&self, cx: &Context<'_>, id: ID) -> GqlResult<PaperFile> {
        let f = files::get(ctx_of(cx)?, parse_id(&id, "文件")?).await?;
        file_out(cx, f)
    }

    /// The caller's recent files, newest first.
    async fn my_paper_files(&self, cx: &Context<'_>) -> GqlResult<Vec<PaperFile>> {
        files::mine(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(|f| file_out(cx, f))
            .collect()
    }

    /// Task completion per class and per mentor (the school admin; a grade
    /// leader for their grades).
    async fn task_completion(
        &self,
        cx: &Context<'_>,
        term_id: Option<ID>,
    ) -> GqlResult<TaskCompletion> {
        let c = exports::task_completion_view(ctx_of(cx)?, opt_id(term_id, "学期")?).await?;
        Ok(TaskCompletion {
            term_name: c.term_name,
            as_of: c.as_of,
            classes: c
                .classes
                .iter()
                .map(|(g, n, t)| line(n.clone(), Some(*g), t))
                .collect(),
            mentors: c
                .mentors
                .iter()
                .map(|(n, t)| line(n.clone(), None, t))
                .collect(),
        })
    }

    /// The school's 优秀导师 of a term, nominated and published (school admin).
    async fn school_awards(&self, cx: &Context<'_>, term_id: ID) -> GqlResult<Vec<MentorAward>> {
        Ok(
            awards::school_awards(ctx_of(cx)?, parse_id(&term_id, "学期")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The caller's own published awards (a mentor).
    async fn my_awards(&self, cx: &Context<'_>) -> GqlResult<Vec<MentorAward>> {
        Ok(awards::my_awards(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Published 优秀导师 per school and term (district admin): counts only.
    async fn district_award_counts(&self, cx: &Context<'_>) -> GqlResult<Vec<SchoolAwardCount>> {
        Ok(awards::district_counts(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(|c| SchoolAwardCount {
                school_name: c.school_name,
                term_name: c.term_name,
                count: c.count,
            })
            .collect())
    }
}

/// File and award mutations.
#[derive(Default)]
pub struct PaperMutation;

#[Object]
impl PaperMutation {
    /// Asks for a file; a background job builds it (poll `paperFile`).
    async fn request_paper(
        &self,
        cx: &Context<'_>,
        kind: PaperKind,
        subject_id: Option<ID>,
        term_id: Option<ID>,
    ) -> GqlResult<PaperFile> {
        let ctx = ctx_of(cx)?;
        let req = Request {
            kind,
            subject: opt_id(subject_id, "对象")?,
            term: opt_id(term_id, "学期")?,
        };
        let f = files::request(ctx, req).await?;
        file_out(cx, f)
    }

    /// Nominates a mentor rated 优秀 for 优秀导师 with a citation (or
    /// changes an unpublished citation). School admin.
    async fn nominate_award(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        staff_id: ID,
        citation: String,
    ) -> GqlResult<MentorAward> {
        Ok(awards::nominate(
            ctx_of(cx)?,
            parse_id(&term_id, "学期")?,
            parse_id(&staff_id, "教师")?,
            &citation,
        )
        .await?
        .into())
    }

    /// Withdraws an unpublished nomination. School admin.
    async fn withdraw_award(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        awards::withdraw(ctx_of(cx)?, parse_id(&id, "表彰")?).await?;
        Ok(true)
    }

    /// Publishes the term's 优秀导师 list. School admin.
    async fn publish_awards(&self, cx: &Context<'_>, term_id: ID) -> GqlResult<Vec<MentorAward>> {
        Ok(awards::publish(ctx_of(cx)?, parse_id(&term_id, "学期")?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
