//! Care and crisis: the counsellor's workspace, cases and their timeline,
//! raising a concern (also from the outbox), alerts (`graphql/care.graphql`).
//! The live alerts arrive over a WebSocket (`crate::pages::care::live`).

use super::*;

wire_enum!(
    /// GraphQL `ConcernLevel` (`WATCH`, `WARNING`, `CRISIS`).
    ConcernLevel
);
wire_enum!(
    /// GraphQL `ConcernCategory` (`EMOTION` …).
    ConcernCategory
);
wire_enum!(
    /// GraphQL `CaseStage` (`RAISED` … `CLOSED`).
    CaseStage
);
wire_enum!(
    /// GraphQL `CaseTier` (`EXISTENCE`, `STATUS`, `FULL`).
    CaseTier
);

operations! {
    "graphql/care.graphql",
    ("ConcernLevel", "ConcernCategory", "CaseStage", "CaseTier"),
    /// The counsellor's workspace: open cases and alerts.
    CareHome;
    /// The cases of one student the caller may see.
    StudentCareCases;
    /// One case with its timeline.
    CareCaseDetail;
    /// Raises a concern (idempotent by client key).
    RaiseConcern;
    /// Acknowledges a case.
    AcknowledgeCareCase;
    /// Records an assessment.
    RecordCareAssessment;
    /// Adds an action.
    AddCareAction;
    /// Completes an action.
    CompleteCareAction;
    /// Records parent contact.
    RecordCareParentContact;
    /// Records a referral.
    RecordCareReferral;
    /// Records a follow-up.
    RecordCareFollowUp;
    /// Closes a case.
    CloseCareCase;
    /// Dismisses an alert.
    MarkCareAlertRead;
}

operations! {
    "graphql/care_conf.graphql",
    ("ConcernLevel", "CaseTier"),
    /// The conferences the caller sees.
    CareConferences;
    /// One conference with its cases and actions.
    CareConferenceDetail;
    /// The open cases a conference may be scheduled on.
    ConferenceCases;
    /// Whom an action may be given to.
    CareStaffChoices;
    /// The caller's actions on care cases (task list).
    MyCareActions;
    /// Schedules a conference.
    ScheduleCareConference;
    /// Records a conference's discussion and actions.
    RecordCareConference;
    /// The school's response-time report.
    CareResponseReport;
    /// The district's response-time report per school.
    CareResponseBySchool;
}
