//! GraphQL of reviewers' views (班主任 / 年级组长评价) and the grade leader's
//! view of their grade's published results. Resolvers are thin.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use shared::mentor_assessment::review::ReviewerRole;

use super::entities::mentor_review;
use super::graphql::AssessmentRun;
use super::reviews::{self as svc, Sheet};
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// The caller's view of a mentor.
#[derive(SimpleObject)]
pub struct MentorReview {
    /// Id.
    pub id: ID,
    /// The mentor.
    pub staff_id: ID,
    /// The role it was given in.
    pub role: ReviewerRole,
    /// 1–5.
    pub score: i32,
    /// The comment.
    pub comment: String,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

impl From<mentor_review::Model> for MentorReview {
    fn from(r: mentor_review::Model) -> Self {
        MentorReview {
            id: id(r.id),
            staff_id: id(r.staff_id),
            role: ReviewerRole::from_code(&r.role).unwrap_or(ReviewerRole::HeadTeacher),
            score: r.score,
            comment: r.comment,
            updated_at: r.updated_at,
        }
    }
}

/// A mentor the caller may review.
#[derive(SimpleObject)]
pub struct ReviewTarget {
    /// The mentor (staff id).
    pub staff_id: ID,
    /// The mentor's name.
    pub name: String,
    /// The caller's students (class or grade) with this mentor in the term.
    pub students: i32,
    /// The caller's view, if given.
    pub mine: Option<MentorReview>,
}

/// The caller's review sheet of a term.
#[derive(SimpleObject)]
pub struct ReviewSheet {
    /// The term.
    pub term_id: ID,
    /// The term's name.
    pub term_name: String,
    /// The role reviewed in.
    pub role: ReviewerRole,
    /// First day views may be given.
    pub opens_on: NaiveDate,
    /// Views may be given now (until the assessment is published).
    pub open: bool,
    /// The mentors, by name.
    pub targets: Vec<ReviewTarget>,
}

impl From<Sheet> for ReviewSheet {
    fn from(s: Sheet) -> Self {
        ReviewSheet {
            term_id: id(s.term.id),
            term_name: s.term.name,
            role: s.role,
            opens_on: s.opens_on,
            open: s.open,
            targets: s
                .targets
                .into_iter()
                .map(|t| ReviewTarget {
                    staff_id: id(t.staff.id),
                    name: t.staff.name,
                    students: t.students as i32,
                    mine: t.mine.map(MentorReview::from),
                })
                .collect(),
        }
    }
}

/// Review queries.
#[derive(Default)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// The mentors the caller may review in a role for a term, with the
    /// caller's views (head teacher: their classes' mentors; grade leader:
    /// their grade's).
    async fn review_sheet(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        role: ReviewerRole,
    ) -> GqlResult<ReviewSheet> {
        let ctx = ctx_of(cx)?;
        Ok(svc::sheet(
            ctx,
            parse_id(&term_id, "学期")?,
            role,
            crate::clock::local_day(crate::clock::now()),
        )
        .await?
        .into())
    }

    /// The published results of the caller's grade's mentors (grade leader;
    /// audited); null before publication.
    async fn grade_assessment(
        &self,
        cx: &Context<'_>,
        term_id: ID,
    ) -> GqlResult<Option<AssessmentRun>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::grade_assessment(ctx, parse_id(&term_id, "学期")?)
            .await?
            .map(AssessmentRun::from))
    }
}

/// Review mutations.
#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Gives or revises the caller's view of a mentor (1–5, a comment of at
    /// most 200 characters) within the review window (audited).
    async fn review_mentor(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        staff_id: ID,
        role: ReviewerRole,
        score: i32,
        comment: Option<String>,
    ) -> GqlResult<MentorReview> {
        let ctx = ctx_of(cx)?;
        Ok(svc::save(
            ctx,
            parse_id(&term_id, "学期")?,
            parse_id(&staff_id, "导师")?,
            role,
            score,
            comment.unwrap_or_default(),
            crate::clock::local_day(crate::clock::now()),
        )
        .await?
        .into())
    }
}
