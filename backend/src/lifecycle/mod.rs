//! The mentor lifecycle (issue 12): qualification steps (training,
//! probation, appointment or deferral) and the termly assessment with its
//! export. Access rules are in `crate::authz::lifecycle`.

pub mod assessment;
pub mod demo;
mod demo_training;
pub mod entities;
pub mod graphql;
pub mod qualification;
pub mod rerun;
pub mod reviews;
pub mod reviews_graphql;
pub mod training;
pub mod training_graphql;
