//! Mentoring work: activities (the quick log and the outbox), growth
//! messages, talk requests and self-reports (`graphql/mentoring.graphql`).

use super::*;

wire_enum!(
    /// GraphQL `ActivityKind` (`TALK`, `HOME_VISIT` …).
    ActivityKind
);
wire_enum!(
    /// GraphQL `Channel` (`FACE_TO_FACE` …).
    Channel
);
wire_enum!(
    /// GraphQL `Trigger` (`BEFORE_EXAM` …).
    Trigger
);
wire_enum!(
    /// GraphQL `GuidanceArea` (`IDEAS` …).
    GuidanceArea
);
wire_enum!(
    /// GraphQL `GrowthMessageStatus` (`DRAFT` … `PUBLISHED`).
    GrowthMessageStatus
);
wire_enum!(
    /// GraphQL `GrowthSection` (`FAMILY` … `MONTHLY`).
    GrowthSection
);
wire_enum!(
    /// GraphQL `BandDisplay` (`PERCENT_BANDS` or `GRADE_LEVELS`).
    BandDisplay
);

operations! {
    "graphql/mentoring.graphql",
    (
        "ActivityKind",
        "Channel",
        "Trigger",
        "GuidanceArea",
        "GrowthMessageStatus",
        "GrowthSection",
        "BandDisplay"
    ),
    /// Records an activity (idempotent by client key).
    LogActivity;
    /// A student's activities, newest first.
    StudentActivities;
    /// This term's activities about a student.
    TermActivitiesFor;
    /// A student's growth messages and the school's terms.
    StudentGrowthMessages;
    /// The published growth messages of the caller's children or the caller.
    MyGrowthMessages;
    /// Saves a draft growth message.
    SaveGrowthMessage;
    /// Submits a growth message.
    SubmitGrowthMessage;
    /// Publishes a growth message.
    PublishGrowthMessage;
    /// A parent or student asks for a talk.
    RequestTalk;
    /// Talk requests (staff: about their students; others: their own).
    TalkRequests;
    /// Answers a talk request.
    AnswerTalkRequest;
    /// The student's monthly self-report.
    SubmitSelfReport;
    /// The calling student's own monthly reports (history).
    MySelfReports;
    /// The parent or student replies to the mentor's answer.
    ReplyToTalk;
    /// A student's growth file (the read is audited).
    GrowthFile;
    /// Adds a note to a growth file.
    AddGrowthNote;
    /// Records an exam result (answered with its band only).
    RecordExamResult;
    /// Home–school contacts per student.
    HomeSchoolContacts;
    /// What the quick log offers: the policy in effect (its optional-action
    /// menu) and the mentors of the caller's students (co-mentors).
    LogMenu;
    /// Amends an activity within the grace period.
    AmendActivity;
    /// Submitted growth messages waiting for the caller's review.
    GrowthMessagesToReview;
    /// Approves a growth message or returns it with a comment.
    ReviewGrowthMessage;
    /// The mentors of the grade leader's grades (or the school) with counts.
    GradeMentors;
}
