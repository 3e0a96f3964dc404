//! Care and crisis (心理危机): concerns raised about a student become cases
//! with an append-only timeline; the school's emergency plan (in its policy)
//! says who is alerted, how fast each level must be answered, and who is
//! alerted next when nobody answers. Alerts arrive live (a GraphQL
//! subscription fanned out through Redis) and stay in an in-app list.
//! Who sees what of a case is decided in `authz::care`.

pub mod alerts;
pub mod cases;
pub mod conference_graphql;
pub mod conferences;
pub mod demo;
pub mod entities;
pub mod escalation;
pub mod graphql;
pub mod live;
pub mod report;
pub mod timeline;
