//! Organisation: districts, schools, terms, classes, staff, students,
//! guardians, accounts and role grants, roster import and the demo district.

pub mod demo;
pub mod entities;
pub mod graphql;
pub mod import;
pub mod service;
pub mod sheet;
pub mod validate;
