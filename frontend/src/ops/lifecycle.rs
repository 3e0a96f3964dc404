//! The mentor lifecycle and surveys (`graphql/lifecycle.graphql`): the
//! mentor's own results, the admin's assessment run, surveys answered by
//! parents and students.

use super::*;

wire_enum!(
    /// GraphQL `MentorRating` (`EXCELLENT`, `QUALIFIED`, `NEEDS_IMPROVEMENT`).
    MentorRating
);
wire_enum!(
    /// GraphQL `SurveyQuestionKind` (`SINGLE_CHOICE`, `SCALE`, `TEXT`).
    SurveyQuestionKind
);
wire_enum!(
    /// GraphQL `SurveyAudience` (`PARENTS`, `STUDENTS`).
    SurveyAudience
);

operations! {
    "graphql/lifecycle.graphql",
    (
        "Role",
        "SchoolStage",
        "Qualification",
        "FamilyFlag",
        "SpecialNeed",
        "MentorRating",
        "SurveyQuestionKind",
        "SurveyAudience"
    ),
    /// The mentor's own published results (导师成长轨迹).
    MyAssessments;
    /// The open surveys addressed to a parent or student.
    RespondentSurveys;
    /// Answers a survey.
    SubmitSurvey;
    /// The terms to assess.
    AssessmentTerms;
    /// A term's assessment run.
    AssessmentRunPage;
    /// Runs a term's assessment.
    RunAssessment;
    /// Adjusts a rating with a reason.
    AdjustAssessment;
    /// Publishes a run.
    PublishAssessment;
    /// The admin's surveys and the terms to address them to.
    AdminSurveys;
    /// A survey's aggregate.
    SurveyResultsPage;
    /// Builds and opens a survey.
    CreateSurvey;
    /// Closes a survey.
    CloseSurvey;
}
