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

/// GraphQL `FamilyFlag`, passed through unchanged when a student is edited
/// (the app never shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FamilyFlag(pub String);

/// GraphQL `SpecialNeed`, passed through unchanged when a student is edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpecialNeed(pub String);

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
