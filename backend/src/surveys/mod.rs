//! Surveys of parents and students (问卷). Access rules are in
//! `crate::authz::surveys`; the questionnaire rules and the aggregate are
//! pure, in `shared::survey`.

pub mod entities;
pub mod graphql;
pub mod service;
