//! Policies, the district baseline, the calendar and the tasks they make
//! (`graphql/policy.graphql`).

use super::*;

wire_enum!(
    /// GraphQL `RequirementKind` (`HOME_VISIT`, `TALKS` …).
    RequirementKind
);
wire_enum!(
    /// GraphQL `StatusCode` (`DONE`, `DUE`, `OVERDUE`, `NOT_APPLICABLE`).
    StatusCode
);
wire_enum!(
    /// GraphQL `EventKind` (`KEY_EXAM`, `LIFE_EVENT`, `OTHER`).
    EventKind
);
wire_enum!(
    /// GraphQL `PresetLevel` (`DISTRICT`, `SCHOOL`).
    PresetLevel
);
wire_enum!(
    /// GraphQL `NotApplicableReason`.
    NotApplicableReason
);

operations! {
    "graphql/policy.graphql",
    (
        "Role",
        "SchoolStage",
        "Qualification",
        "FamilyFlag",
        "SpecialNeed",
        "RequirementKind",
        "StatusCode",
        "EventKind",
        "PresetLevel",
        "NotApplicableReason"
    ),
    /// The school's policy page: versions, baseline, terms, presets.
    SchoolPolicyPage;
    /// Checks a draft school policy on the server.
    ValidateSchoolPolicy;
    /// Saves a new version of the school's policy.
    SaveSchoolPolicy;
    /// The district baseline page.
    DistrictBaselinePage;
    /// Saves a new version of the district baseline.
    SaveDistrictBaseline;
    /// Task counts per school (aggregates only).
    SchoolTaskCounts;
    /// A term's calendar events.
    CalendarEvents;
    /// Adds a calendar event.
    CreateCalendarEvent;
    /// Deletes a calendar event.
    DeleteCalendarEvent;
    /// The mentor's students with what is due and overdue.
    MyStudentsTasks;
    /// One student's requirements this term.
    StudentTasks;
    /// A class's task status.
    ClassTasks;
}
