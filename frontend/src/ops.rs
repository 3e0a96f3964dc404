//! Typed GraphQL operations, generated at compile time from the query files
//! in `frontend/graphql/` checked against the server's schema: a schema change
//! that breaks the frontend breaks the build.
//!
//! Enums shared with the server (roles, stages) are the `shared` crate's,
//! wrapped so they read the GraphQL spelling (`SCHOOL_ADMIN`).

use graphql_client::GraphQLQuery;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// GraphQL `NaiveDate` (`2026-09-01`).
pub type NaiveDate = String;
/// GraphQL `Upload`: sent as `null`, the file travels in the multipart body.
pub type Upload = ();
/// GraphQL `JSON` (policy rules, diff values).
#[allow(clippy::upper_case_acronyms)]
pub type JSON = serde_json::Value;
/// GraphQL `DateTime` (RFC 3339).
pub type DateTime = String;

/// GraphQL `FamilyFlag`, passed through unchanged when a student is edited
/// (the app never shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FamilyFlag(pub String);

/// GraphQL `SpecialNeed`, passed through unchanged when a student is edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpecialNeed(pub String);

/// Declares a GraphQL enum read and sent as its spelling (`HOME_VISIT`).
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);
    };
}

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

macro_rules! shared_enum {
    ($(#[$doc:meta])* $name:ident => $inner:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub $inner);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.code().to_ascii_uppercase())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$inner>::from_code(&s.to_ascii_lowercase())
                    .map($name)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown value {s}")))
            }
        }
    };
}

shared_enum!(
    /// GraphQL `Role`, as [`shared::org::Role`].
    Role => shared::org::Role
);
shared_enum!(
    /// GraphQL `Qualification`, as [`shared::org::Qualification`].
    Qualification => shared::org::Qualification
);
shared_enum!(
    /// GraphQL `SchoolStage`, as [`shared::org::SchoolStage`].
    SchoolStage => shared::org::SchoolStage
);

/// Sign in.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/auth.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Login;

/// Exchange a refresh token for a new pair.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/auth.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Refresh;

/// Revoke a refresh token.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/auth.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Logout;

/// Who am I.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/auth.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Me;

/// The students the caller may see, a page at a time.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Students;

/// One student.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct StudentDetail;

/// The classes the caller may see.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Classes;

/// The district's schools (district admin).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Schools;

/// The school's terms.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Terms;

/// The school's staff, a page at a time.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct StaffList;

/// Upload a roster file.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct ImportRoster;

/// Create a term.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct CreateTerm;

/// Create a class.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct CreateClass;

/// Update a class.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct UpdateClass;

/// A student with what an edit must keep (audited read).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct StudentForEdit;

/// Create a staff member.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct CreateStaff;

/// Update a staff member.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct UpdateStaff;

/// Create a student.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct CreateStudent;

/// Update a student.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct UpdateStudent;

/// A student's guardians (audited read).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "graphql/org.graphql",
    extern_enums("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct Guardians;

/// Declares a typed operation of `graphql/policy.graphql`.
macro_rules! policy_op {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "graphql/policy.graphql",
            extern_enums(
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
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

policy_op!(
    /// The school's policy page: versions, baseline, terms, presets.
    SchoolPolicyPage
);
policy_op!(
    /// Checks a draft school policy on the server.
    ValidateSchoolPolicy
);
policy_op!(
    /// Saves a new version of the school's policy.
    SaveSchoolPolicy
);
policy_op!(
    /// The district baseline page.
    DistrictBaselinePage
);
policy_op!(
    /// Saves a new version of the district baseline.
    SaveDistrictBaseline
);
policy_op!(
    /// Task counts per school (aggregates only).
    SchoolTaskCounts
);
policy_op!(
    /// A term's calendar events.
    CalendarEvents
);
policy_op!(
    /// Adds a calendar event.
    CreateCalendarEvent
);
policy_op!(
    /// Deletes a calendar event.
    DeleteCalendarEvent
);
policy_op!(
    /// The mentor's students with what is due and overdue.
    MyStudentsTasks
);
policy_op!(
    /// One student's requirements this term.
    StudentTasks
);
policy_op!(
    /// A class's task status.
    ClassTasks
);
