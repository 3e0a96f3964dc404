//! The app's one wire layer: typed GraphQL operations, generated at compile
//! time from the query files in `frontend/graphql/` checked against the
//! server's schema (a schema change that breaks the frontend breaks the
//! build), with their wire types — a module per capability, one query file
//! each. Pages, the outbox and the session reach the server only through
//! these types (and the one client in `api`); none defines its own.
//!
//! Scalars and the enums shared with the server (roles, stages) live here;
//! the latter are the `shared` crate's, wrapped so they read the GraphQL
//! spelling (`SCHOOL_ADMIN`). Enums of one capability live in its module.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// GraphQL `NaiveDate` (`2026-09-01`).
pub type NaiveDate = String;
/// GraphQL `Upload`: sent as `null`, the file travels in the multipart body.
pub type Upload = ();
/// GraphQL `JSON` (policy rules, diff values).
#[expect(clippy::upper_case_acronyms, reason = "the GraphQL scalar's name")]
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

/// Declares the typed operations of one query file: each `Name;` becomes
/// a `GraphQLQuery` with its `name` module of variables and response types.
macro_rules! operations {
    ($path:tt, $enums:tt, $($(#[$doc:meta])* $name:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(graphql_client::GraphQLQuery)]
            #[graphql(
                schema_path = "../backend/schema.graphql",
                query_path = $path,
                extern_enums $enums,
                response_derives = "Debug, Clone, PartialEq",
                variables_derives = "Debug, Clone"
            )]
            pub struct $name;
        )*
    };
}

mod auth;
mod care;
mod insights;
mod lifecycle;
mod matching;
mod mentoring;
mod notify;
mod org;
mod paper;
mod policy;
mod training;

pub use auth::*;
pub use care::*;
pub use insights::*;
pub use lifecycle::*;
pub use matching::*;
pub use mentoring::*;
pub use notify::*;
pub use org::*;
pub use paper::*;
pub use policy::*;
pub use training::*;
