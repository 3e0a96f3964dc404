//! Mentor training and reviewers' views (`graphql/training.graphql`): the
//! admin's courses, sessions and attendance, a teacher's own training
//! record, head teachers' and grade leaders' views of mentors, and a grade
//! leader's view of their grade's published results.

use super::*;

wire_enum!(
    /// GraphQL `ReviewerRole` (`HEAD_TEACHER`, `GRADE_LEADER`).
    ReviewerRole
);
wire_enum!(
    /// GraphQL `TrainingProvider` (`SCHOOL`, `DISTRICT`).
    TrainingProvider
);
wire_enum!(
    /// GraphQL `TrainingCadence` (`ONCE`, `WEEKLY`, `BIWEEKLY`, `MONTHLY`).
    TrainingCadence
);

operations! {
    "graphql/training.graphql",
    (
        "Role",
        "SchoolStage",
        "Qualification",
        "MentorRating",
        "ReviewerRole",
        "TrainingProvider",
        "TrainingCadence"
    ),
    /// The terms to review in.
    ReviewTerms;
    /// The caller's review sheet.
    ReviewSheetPage;
    /// Gives a view of a mentor.
    ReviewMentor;
    /// A grade leader's view of their grade's published results.
    GradeAssessmentPage;
    /// The admin's courses, sessions, attendance and teachers.
    TrainingAdmin;
    /// Adds a course.
    CreateTrainingCourse;
    /// Schedules a course's sessions.
    ScheduleTraining;
    /// Records who was present.
    RecordTrainingAttendance;
    /// The caller's own training record.
    MyTraining;
}
