//! The mentor lifecycle (issue 12): qualification steps (training,
//! probation, appointment or deferral) and the termly assessment with its
//! export. Access rules are in `crate::authz::lifecycle`.

pub mod assessment;
pub mod demo;
pub mod entities;
pub mod graphql;
pub mod qualification;
