//! GraphQL types and operations of mentoring work. Resolvers are thin: they
//! parse ids, convert inputs (`inputs`) and call the services; the output
//! types are in `outputs`.

mod enums;
mod inputs;
mod outputs;

pub use enums::{GrowthMessageStatus, GrowthSection};
pub use inputs::{ActivityChanges, ActivityInput, ExamResultInput};
pub use outputs::*;

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;

use super::{contacts, lists, logging};
use super::{growth_file, messages, talks};
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};
use crate::pagination::{Conn, connection, page};

/// Mentoring queries.
#[derive(Default)]
pub struct MentoringQuery;

#[Object]
impl MentoringQuery {
    /// Activities about a student, of a class, or (neither given) the
    /// caller's own records; newest first. Staff only.
    async fn activities(
        &self,
        cx: &Context<'_>,
        student_id: Option<ID>,
        class_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Conn<Activity>> {
        let ctx = ctx_of(cx)?;
        let p = page(first, after)?;
        let sid = student_id.map(|s| parse_id(&s, "学生")).transpose()?;
        let cid = class_id.map(|c| parse_id(&c, "班级")).transpose()?;
        let (rows, total) = lists::list_activities(ctx, sid, cid, p).await?;
        Ok(connection(
            rows.into_iter().map(Activity::from).collect(),
            p,
            total,
        ))
    }

    /// One activity.
    async fn activity(&self, cx: &Context<'_>, id: ID) -> GqlResult<Activity> {
        let ctx = ctx_of(cx)?;
        Ok(lists::get_activity(ctx, parse_id(&id, "活动记录")?)
            .await?
            .into())
    }

    /// This term's activities about a student: the side panel for drafting
    /// a growth message (mentors and head teacher).
    async fn term_activities_for(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        term_id: ID,
    ) -> GqlResult<Vec<Activity>> {
        let ctx = ctx_of(cx)?;
        let rows = lists::term_activities_for(
            ctx,
            parse_id(&student_id, "学生")?,
            parse_id(&term_id, "学期")?,
        )
        .await?;
        Ok(rows.into_iter().map(Activity::from).collect())
    }

    /// A student's growth messages: all for the mentors and head teacher,
    /// published only for the student and the parents.
    async fn growth_messages(
        &self,
        cx: &Context<'_>,
        student_id: ID,
    ) -> GqlResult<Vec<GrowthMessage>> {
        let ctx = ctx_of(cx)?;
        let rows = messages::growth_messages(ctx, parse_id(&student_id, "学生")?).await?;
        Ok(rows.into_iter().map(GrowthMessage::from).collect())
    }

    /// Submitted growth messages waiting for the caller's review (head
    /// teacher: the classes they lead; grade leader: their grades), oldest
    /// first; reading them is audited.
    async fn growth_messages_to_review(&self, cx: &Context<'_>) -> GqlResult<Vec<GrowthMessage>> {
        let ctx = ctx_of(cx)?;
        let rows = messages::messages_to_review(ctx).await?;
        Ok(rows.into_iter().map(GrowthMessage::from).collect())
    }

    /// Published growth messages of the caller's children or of the caller.
    async fn my_growth_messages(&self, cx: &Context<'_>) -> GqlResult<Vec<GrowthMessage>> {
        let ctx = ctx_of(cx)?;
        let rows = messages::my_growth_messages(ctx).await?;
        Ok(rows.into_iter().map(GrowthMessage::from).collect())
    }

    /// A student's growth file (mentors, head teacher, school admin); every
    /// read is audited.
    async fn growth_file(&self, cx: &Context<'_>, student_id: ID) -> GqlResult<GrowthFile> {
        let ctx = ctx_of(cx)?;
        let f = growth_file::growth_file(ctx, parse_id(&student_id, "学生")?).await?;
        Ok(GrowthFile {
            student: StudentRef {
                id: id(f.student.id),
                name: f.student.name,
            },
            notes: f.notes.into_iter().map(|(n, w)| note(n, w)).collect(),
            exam_results: f.exams.into_iter().map(ExamResult::from).collect(),
            band_scale: f.scale.into(),
        })
    }

    /// Talk requests: about the caller's mentees and class (staff), or the
    /// caller's own (parents, students).
    async fn talk_requests(
        &self,
        cx: &Context<'_>,
        #[graphql(default)] open_only: bool,
    ) -> GqlResult<Vec<TalkRequest>> {
        let ctx = ctx_of(cx)?;
        let rows = talks::talk_requests(ctx, open_only).await?;
        Ok(rows.into_iter().map(TalkRequest::from).collect())
    }

    /// The calling student's own monthly reports, newest first.
    async fn my_self_reports(&self, cx: &Context<'_>) -> GqlResult<Vec<SelfReport>> {
        let ctx = ctx_of(cx)?;
        Ok(talks::my_self_reports(ctx)
            .await?
            .into_iter()
            .map(SelfReport::from)
            .collect())
    }

    /// Home–school communication per student: last contact, channel mix,
    /// who contacted whom (mentor: mentees; head teacher: the class).
    async fn home_school_contacts(
        &self,
        cx: &Context<'_>,
        class_id: Option<ID>,
    ) -> GqlResult<Vec<StudentContacts>> {
        let ctx = ctx_of(cx)?;
        let cid = class_id.map(|c| parse_id(&c, "班级")).transpose()?;
        let rows = contacts::home_school_contacts(ctx, cid).await?;
        Ok(rows.into_iter().map(StudentContacts::from).collect())
    }

    /// Per-mentor activity counts (no private text): every mentor for the
    /// school admin, the mentors of their grades for a grade leader.
    async fn mentor_activity_counts(
        &self,
        cx: &Context<'_>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> GqlResult<Vec<MentorActivityCount>> {
        let ctx = ctx_of(cx)?;
        let rows = contacts::mentor_activity_counts(ctx, from, to).await?;
        Ok(rows
            .into_iter()
            .map(|m| MentorActivityCount {
                mentor: StaffRef {
                    id: id(m.staff_id),
                    name: m.staff_name,
                },
                mentee_count: m.mentees,
                total: m.by_kind.values().sum(),
                by_kind: m
                    .by_kind
                    .into_iter()
                    .map(|(kind, count)| ActivityKindCount { kind, count })
                    .collect(),
                face_to_face_share: m.face_to_face_share,
            })
            .collect())
    }
}

/// Mentoring mutations.
#[derive(Default)]
pub struct MentoringMutation;

#[Object]
impl MentoringMutation {
    /// Records an activity. Idempotent by `input.clientKey`: the same key
    /// sent again by the same user returns the activity already recorded.
    async fn log_activity(&self, cx: &Context<'_>, input: ActivityInput) -> GqlResult<Activity> {
        let ctx = ctx_of(cx)?;
        Ok(logging::log_activity(ctx, input.into()).await?.into())
    }

    /// Amends an activity within the grace period (the recorder only); the
    /// fields before the change are kept.
    async fn amend_activity(
        &self,
        cx: &Context<'_>,
        id: ID,
        changes: ActivityChanges,
        reason: String,
    ) -> GqlResult<Activity> {
        let ctx = ctx_of(cx)?;
        Ok(
            logging::amend_activity(ctx, parse_id(&id, "活动记录")?, changes.into(), reason)
                .await?
                .into(),
        )
    }

    /// Saves the draft growth message of a student for a term (the mentor).
    async fn save_growth_message(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        term_id: ID,
        body: String,
        #[graphql(default)] bright_spots: Vec<String>,
    ) -> GqlResult<GrowthMessage> {
        let ctx = ctx_of(cx)?;
        Ok(messages::save_growth_message(
            ctx,
            parse_id(&student_id, "学生")?,
            parse_id(&term_id, "学期")?,
            body,
            bright_spots,
        )
        .await?
        .into())
    }

    /// Submits a draft growth message.
    async fn submit_growth_message(&self, cx: &Context<'_>, id: ID) -> GqlResult<GrowthMessage> {
        let ctx = ctx_of(cx)?;
        Ok(
            messages::submit_growth_message(ctx, parse_id(&id, "成长寄语")?)
                .await?
                .into(),
        )
    }

    /// Reviews a submitted growth message (head teacher or grade leader):
    /// approve, or return it to the mentor as a draft with a `comment`
    /// (required when returning, at most 500 characters); audited.
    async fn review_growth_message(
        &self,
        cx: &Context<'_>,
        id: ID,
        approve: bool,
        comment: Option<String>,
    ) -> GqlResult<GrowthMessage> {
        let ctx = ctx_of(cx)?;
        Ok(
            messages::review_growth_message(ctx, parse_id(&id, "成长寄语")?, approve, comment)
                .await?
                .into(),
        )
    }

    /// Publishes a growth message to the student and the parents.
    async fn publish_growth_message(&self, cx: &Context<'_>, id: ID) -> GqlResult<GrowthMessage> {
        let ctx = ctx_of(cx)?;
        Ok(
            messages::publish_growth_message(ctx, parse_id(&id, "成长寄语")?)
                .await?
                .into(),
        )
    }

    /// Adds a note to a student's growth file (mentor or head teacher).
    async fn add_growth_note(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        section: GrowthSection,
        month: Option<String>,
        body: String,
    ) -> GqlResult<GrowthNote> {
        let ctx = ctx_of(cx)?;
        let (n, who) = growth_file::add_growth_note(
            ctx,
            parse_id(&student_id, "学生")?,
            section.into(),
            month,
            body,
        )
        .await?;
        Ok(note(n, who))
    }

    /// Records an exam result in a student's growth file; answers with its
    /// band only.
    async fn record_exam_result(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        input: ExamResultInput,
    ) -> GqlResult<ExamResult> {
        let ctx = ctx_of(cx)?;
        Ok(
            growth_file::record_exam_result(ctx, parse_id(&student_id, "学生")?, input.into())
                .await?
                .into(),
        )
    }

    /// A parent or the student asks the mentor for a talk.
    async fn request_talk(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        message: String,
    ) -> GqlResult<TalkRequest> {
        let ctx = ctx_of(cx)?;
        Ok(
            talks::request_talk(ctx, parse_id(&student_id, "学生")?, message)
                .await?
                .into(),
        )
    }

    /// The mentor (or head teacher) answers a talk request.
    async fn answer_talk_request(
        &self,
        cx: &Context<'_>,
        id: ID,
        answer: String,
    ) -> GqlResult<TalkRequest> {
        let ctx = ctx_of(cx)?;
        Ok(
            talks::answer_talk_request(ctx, parse_id(&id, "谈心预约")?, answer)
                .await?
                .into(),
        )
    }

    /// The parent or student who asked replies to the mentor's answer.
    async fn reply_to_talk(
        &self,
        cx: &Context<'_>,
        id: ID,
        text: String,
    ) -> GqlResult<TalkRequest> {
        let ctx = ctx_of(cx)?;
        Ok(talks::reply_to_talk(ctx, parse_id(&id, "谈心预约")?, text)
            .await?
            .into())
    }

    /// The student's monthly report to the mentor (`month` as `YYYY-MM`),
    /// recorded once per month as a `STUDENT_REPORT` activity.
    async fn submit_self_report(
        &self,
        cx: &Context<'_>,
        month: String,
        text: String,
    ) -> GqlResult<Activity> {
        let ctx = ctx_of(cx)?;
        Ok(talks::submit_self_report(ctx, month, text).await?.into())
    }
}
