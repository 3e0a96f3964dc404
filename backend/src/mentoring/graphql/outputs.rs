//! The GraphQL output types of mentoring work (activities, growth messages
//! and files, talk requests, contacts, counts), converted from the services' views.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use shared::activity::{ActivityKind, Channel, GuidanceArea, Trigger};
use shared::grading::DisplayKind;

use super::enums::{GrowthMessageStatus, GrowthSection};
use crate::graphql::context::id;
use crate::mentoring::activities::{self, ActivityView};
use crate::mentoring::contacts;
use crate::mentoring::entities::growth_note;
use crate::mentoring::growth_file::{self, BandedResult};
use crate::mentoring::messages::{self, MessageView};
use crate::mentoring::talks::TalkView;

/// How a band is shown: a percentage range (middle and high school) or a
/// level (等第, primary school).
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum BandDisplay {
    /// 百分比区间, e.g. "90%–100%".
    PercentBands,
    /// 等第, e.g. "优秀".
    GradeLevels,
}

impl From<DisplayKind> for BandDisplay {
    fn from(d: DisplayKind) -> Self {
        match d {
            DisplayKind::PercentBands => BandDisplay::PercentBands,
            DisplayKind::GradeLevels => BandDisplay::GradeLevels,
        }
    }
}

/// A student named on a record.
#[derive(SimpleObject)]
pub struct StudentRef {
    /// Student id.
    pub id: ID,
    /// Name.
    pub name: String,
}

/// A teacher named on a record.
#[derive(SimpleObject)]
pub struct StaffRef {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
}

/// An earlier version of an activity's fields (records are amended, never
/// silently overwritten).
#[derive(SimpleObject)]
pub struct ActivityAmendment {
    /// Id.
    pub id: ID,
    /// JSON of the fields before the change.
    pub before: String,
    /// Why it changed.
    pub reason: Option<String>,
    /// Who changed it (user id).
    pub amended_by: ID,
    /// When.
    pub amended_at: DateTime<Utc>,
}

/// A recorded mentoring activity. `summary`, `followUp` and `amendments`
/// are private: only the student's mentors and head teacher (and the
/// participants) see them; for anybody else they are null or empty.
#[derive(SimpleObject)]
pub struct Activity {
    /// Id.
    pub id: ID,
    /// The client's idempotency key.
    pub client_key: String,
    /// What was done.
    pub kind: ActivityKind,
    /// Chinese label of the kind.
    pub kind_label: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The (China) day it happened.
    pub occurred_on: NaiveDate,
    /// Where.
    pub place: Option<String>,
    /// How.
    pub channel: Channel,
    /// The key moment.
    pub trigger: Option<Trigger>,
    /// Areas of guidance.
    pub guidance_areas: Vec<GuidanceArea>,
    /// Optional action code.
    pub optional_action: Option<String>,
    /// Private summary (null when the caller may not read it).
    pub summary: Option<String>,
    /// Follow-up (private).
    pub follow_up: Option<String>,
    /// Follow-up due (private).
    pub follow_up_due: Option<NaiveDate>,
    /// The mentor whose record it is.
    pub mentor: StaffRef,
    /// Co-mentors who took part.
    pub co_mentors: Vec<StaffRef>,
    /// Joint with the head teacher.
    pub with_head_teacher: bool,
    /// Students involved.
    pub students: Vec<StudentRef>,
    /// Who recorded it (user id).
    pub recorded_by: ID,
    /// When recorded.
    pub created_at: DateTime<Utc>,
    /// Until when the recorder may amend it.
    pub editable_until: DateTime<Utc>,
    /// Earlier versions, oldest first (private).
    pub amendments: Vec<ActivityAmendment>,
}

impl From<ActivityView> for Activity {
    fn from(v: ActivityView) -> Self {
        let a = v.activity;
        let private = v.private_visible;
        Activity {
            id: id(a.id),
            kind: ActivityKind::from_code(&a.kind).unwrap_or(ActivityKind::Other),
            kind_label: ActivityKind::from_code(&a.kind)
                .unwrap_or(ActivityKind::Other)
                .label_zh()
                .into(),
            occurred_at: a.occurred_at,
            occurred_on: a.occurred_on,
            place: a.place,
            channel: Channel::from_code(&a.channel).unwrap_or(Channel::FaceToFace),
            trigger: a.trigger.as_deref().and_then(Trigger::from_code),
            guidance_areas: serde_json::from_str::<Vec<String>>(&a.guidance_areas)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| GuidanceArea::from_code(c))
                .collect(),
            optional_action: a.optional_action,
            summary: private.then_some(a.summary),
            follow_up: if private { a.follow_up } else { None },
            follow_up_due: if private { a.follow_up_due } else { None },
            mentor: StaffRef {
                id: id(a.staff_id),
                name: v.staff_name,
            },
            co_mentors: v
                .co_mentors
                .into_iter()
                .map(|(i, name)| StaffRef { id: id(i), name })
                .collect(),
            with_head_teacher: a.with_head_teacher,
            students: v
                .students
                .into_iter()
                .map(|(i, name)| StudentRef { id: id(i), name })
                .collect(),
            recorded_by: id(a.recorded_by),
            created_at: a.created_at,
            editable_until: a.created_at + chrono::Duration::days(activities::AMEND_GRACE_DAYS),
            amendments: v
                .amendments
                .into_iter()
                .map(|m| ActivityAmendment {
                    id: id(m.id),
                    before: m.before,
                    reason: m.reason,
                    amended_by: id(m.amended_by),
                    amended_at: m.amended_at,
                })
                .collect(),
            client_key: a.client_key,
        }
    }
}

/// A growth message (成长寄语).
#[derive(SimpleObject)]
pub struct GrowthMessage {
    /// Id.
    pub id: ID,
    /// The student.
    pub student: StudentRef,
    /// The mentor who wrote it.
    pub mentor: StaffRef,
    /// Term id.
    pub term_id: ID,
    /// Term name.
    pub term_name: String,
    /// The message.
    pub body: String,
    /// Bright spots (闪光点).
    pub bright_spots: Vec<String>,
    /// Lifecycle status.
    pub status: GrowthMessageStatus,
    /// The day it was published.
    pub published_on: Option<NaiveDate>,
    /// The reviewer's comment (why it was returned, or a remark on
    /// approval); staff only, null for the student and the parents.
    pub review_comment: Option<String>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<MessageView> for GrowthMessage {
    fn from(v: MessageView) -> Self {
        let m = v.message;
        GrowthMessage {
            id: id(m.id),
            student: StudentRef {
                id: id(m.student_id),
                name: v.student_name,
            },
            mentor: StaffRef {
                id: id(m.staff_id),
                name: v.mentor_name,
            },
            term_id: id(m.term_id),
            term_name: v.term_name,
            bright_spots: serde_json::from_str(&m.bright_spots).unwrap_or_default(),
            status: messages::GrowthMessageStatus::from_code(&m.status).into(),
            published_on: m.published_on,
            // Published messages go to families: the review stays internal.
            review_comment: if m.status == messages::GrowthMessageStatus::Published.code() {
                None
            } else {
                m.review_comment
            },
            updated_at: m.updated_at,
            body: m.body,
        }
    }
}

/// A note in a growth file.
#[derive(SimpleObject)]
pub struct GrowthNote {
    /// Id.
    pub id: ID,
    /// Section.
    pub section: GrowthSection,
    /// Month (`YYYY-MM`) for monthly observations.
    pub month: Option<String>,
    /// Text.
    pub body: String,
    /// Who wrote it.
    pub written_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

pub(super) fn note(n: growth_note::Model, who: String) -> GrowthNote {
    GrowthNote {
        id: id(n.id),
        section: growth_file::GrowthSection::from_code(&n.section)
            .unwrap_or(growth_file::GrowthSection::Monthly)
            .into(),
        month: n.month,
        body: n.body,
        written_by_name: who,
        created_at: n.created_at,
    }
}

/// An exam result shown as a band of the school's scale (百分比区间 or
/// 等第). The score itself is never exposed, and nothing compares students.
#[derive(SimpleObject)]
pub struct ExamResult {
    /// Id.
    pub id: ID,
    /// Subject.
    pub subject: String,
    /// Exam name.
    pub exam_name: String,
    /// The day of the exam.
    pub taken_on: NaiveDate,
    /// Percentage bands or grade levels.
    pub display: BandDisplay,
    /// Band code.
    pub band_code: String,
    /// The band as users see it ("90%–100%" or "优秀").
    pub band: String,
    /// The mentor's analysis.
    pub analysis: Option<String>,
}

impl From<BandedResult> for ExamResult {
    fn from(b: BandedResult) -> Self {
        ExamResult {
            id: id(b.result.id),
            subject: b.result.subject,
            exam_name: b.result.exam_name,
            taken_on: b.result.taken_on,
            display: b.display.into(),
            band_code: b.band_code,
            band: b.band_label,
            analysis: b.result.analysis,
        }
    }
}

/// A student's growth file (成长档案).
#[derive(SimpleObject)]
pub struct GrowthFile {
    /// The student.
    pub student: StudentRef,
    /// Notes, newest first.
    pub notes: Vec<GrowthNote>,
    /// Exam results as bands, newest exam first.
    pub exam_results: Vec<ExamResult>,
    /// The school's scale for this student (from the policy in effect),
    /// lowest band first: what a band is shown against.
    pub band_scale: BandScaleView,
}

/// A school's band scale as users see it: labels only, never a boundary
/// that would turn a band back into a score ordering between students.
#[derive(SimpleObject)]
pub struct BandScaleView {
    /// Percentage bands or grade levels.
    pub display: BandDisplay,
    /// The bands, lowest first.
    pub bands: Vec<BandLabel>,
}

/// One band of a scale.
#[derive(SimpleObject)]
pub struct BandLabel {
    /// Band code, as on [`ExamResult::band_code`].
    pub code: String,
    /// What users see ("90%–100%" or "优秀").
    pub label: String,
}

impl From<shared::grading::BandScale> for BandScaleView {
    fn from(s: shared::grading::BandScale) -> Self {
        BandScaleView {
            display: s.kind.into(),
            bands: s
                .bands
                .into_iter()
                .map(|b| BandLabel {
                    code: b.code,
                    label: b.label_zh,
                })
                .collect(),
        }
    }
}

/// A request for a talk with the mentor.
#[derive(SimpleObject)]
pub struct TalkRequest {
    /// Id.
    pub id: ID,
    /// The student.
    pub student: StudentRef,
    /// `parent` or `student`.
    pub requester_role: String,
    /// The request.
    pub message: String,
    /// `open` or `answered`.
    pub status: String,
    /// The answer.
    pub answer: Option<String>,
    /// When answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// When asked.
    pub created_at: DateTime<Utc>,
    /// The thread after the first answer, oldest first.
    pub replies: Vec<TalkReply>,
}

/// One message of a talk request's thread after the first answer.
#[derive(SimpleObject)]
pub struct TalkReply {
    /// `parent`, `student` or `mentor`.
    pub from: String,
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The text.
    pub text: String,
}

/// One of the student's monthly reports, as the student sees it.
#[derive(SimpleObject)]
pub struct SelfReport {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// When it was sent.
    pub submitted_at: DateTime<Utc>,
    /// What the student wrote.
    pub text: String,
}

impl From<crate::mentoring::talks::SelfReportView> for SelfReport {
    fn from(v: crate::mentoring::talks::SelfReportView) -> Self {
        SelfReport {
            month: v.month,
            submitted_at: v.submitted_at,
            text: v.text,
        }
    }
}

impl From<TalkView> for TalkRequest {
    fn from(v: TalkView) -> Self {
        let r = v.request;
        let replies = crate::mentoring::talks::replies_of(&r)
            .into_iter()
            .map(|x| TalkReply {
                from: x.from,
                at: x.at,
                text: x.text,
            })
            .collect();
        TalkRequest {
            replies,
            id: id(r.id),
            student: StudentRef {
                id: id(r.student_id),
                name: v.student_name,
            },
            requester_role: r.requester_role,
            message: r.message,
            status: r.status,
            answer: r.answer,
            answered_at: r.answered_at,
            created_at: r.created_at,
        }
    }
}

/// Contacts through one channel.
#[derive(SimpleObject)]
pub struct ChannelCount {
    /// Channel.
    pub channel: Channel,
    /// Contacts.
    pub count: i64,
}

/// Who contacted whom, how often.
#[derive(SimpleObject)]
pub struct ContactLine {
    /// The teacher.
    pub staff: StaffRef,
    /// The teacher's relation to the student: 导师, 班主任 or 教师.
    pub relation: String,
    /// Whom: 家长 or 学生.
    pub whom: String,
    /// Contacts.
    pub count: i64,
}

/// One student's home–school contacts (no private text).
#[derive(SimpleObject)]
pub struct StudentContacts {
    /// The student.
    pub student: StudentRef,
    /// The last contact.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Its kind.
    pub last_contact_kind: Option<ActivityKind>,
    /// Contacts in all (talks, parent contacts, home visits).
    pub total: i64,
    /// Share in person (面对面 or 家访), 0–1.
    pub face_to_face_share: Option<f64>,
    /// By channel.
    pub channels: Vec<ChannelCount>,
    /// By who and whom.
    pub contacts: Vec<ContactLine>,
}

impl From<contacts::StudentContacts> for StudentContacts {
    fn from(s: contacts::StudentContacts) -> Self {
        StudentContacts {
            student: StudentRef {
                id: id(s.student_id),
                name: s.student_name,
            },
            last_contact_at: s.last_contact_at,
            last_contact_kind: s.last_kind,
            total: s.total,
            face_to_face_share: s.face_to_face_share,
            channels: s
                .channels
                .into_iter()
                .map(|c| ChannelCount {
                    channel: c.channel,
                    count: c.count,
                })
                .collect(),
            contacts: s
                .lines
                .into_iter()
                .map(|l| ContactLine {
                    staff: StaffRef {
                        id: id(l.staff_id),
                        name: l.staff_name,
                    },
                    relation: l.relation,
                    whom: l.whom,
                    count: l.count,
                })
                .collect(),
        }
    }
}

/// Activities of one kind.
#[derive(SimpleObject)]
pub struct ActivityKindCount {
    /// Kind.
    pub kind: ActivityKind,
    /// Activities.
    pub count: i64,
}

/// One mentor's activity counts, for the school admin (no private text).
#[derive(SimpleObject)]
pub struct MentorActivityCount {
    /// The mentor.
    pub mentor: StaffRef,
    /// Current mentees.
    pub mentee_count: i64,
    /// Activities in all.
    pub total: i64,
    /// By kind.
    pub by_kind: Vec<ActivityKindCount>,
    /// Share in person, 0–1.
    pub face_to_face_share: Option<f64>,
}
