//! Mentor matching: rounds, previews, choices and self-selection
//! (`graphql/matching.graphql`).

use super::*;

wire_enum!(
    /// GraphQL `RoundMethod` (`TWO_WAY`, `BLIND_BOX`, `SELF_SELECTION`).
    RoundMethod
);
wire_enum!(
    /// GraphQL `RoundStatus` (`OPEN`, `PREVIEWED`, `PUBLISHED`).
    RoundStatus
);
wire_enum!(
    /// GraphQL `Stage` of a pair (`PREFERENCE`, `FILL`, `MANUAL` …).
    Stage
);
wire_enum!(
    /// GraphQL `TeamApplicationStatus` (`PENDING`, `APPROVED`, `REJECTED`).
    TeamApplicationStatus
);

operations! {
    "graphql/matching.graphql",
    (
        "Role",
        "SchoolStage",
        "Qualification",
        "FamilyFlag",
        "SpecialNeed",
        "RoundMethod",
        "RoundStatus",
        "Stage",
        "TeamApplicationStatus"
    ),
    /// The matching rounds of a term.
    MatchingRounds;
    /// A round with its stored preview (school admin).
    MatchingPreviewPage;
    /// Opens a matching round.
    OpenMatchingRound;
    /// Runs a round's engine and stores the preview.
    RunMatchingPreview;
    /// Reassigns one student of a previewed round, with a reason.
    AdjustAssignment;
    /// Publishes a previewed round.
    PublishMatchingRound;
    /// The student's rounds, current mentors and grade.
    StudentMatching;
    /// The student's current mentors with the explanation.
    MyMatch;
    /// The mentors a student may rank and their current choices.
    ChoicePage;
    /// Replaces the student's ranked choices.
    SubmitMentorChoices;
    /// A self-selection round: mentors with places and the student's place.
    RushPage;
    /// Takes a place with a mentor in a self-selection round.
    SelectMentor;
    /// The head teacher's own mentor-team applications.
    MyTeamApplications;
    /// The head teacher applies for a mentor team (导师团) for a student.
    ApplyForMentorTeam;
    /// Every mentor-team application and approved team (school admin).
    TeamApplicationsForDecision;
    /// Approves or refuses a mentor-team application (school admin).
    DecideMentorTeam;
}
