//! Organisation: districts, schools, terms, classes, staff, students,
//! guardians, accounts and role grants, roster import and the demo district.

pub mod classes;
pub mod demo;
pub mod entities;
pub mod forms;
pub mod graphql;
pub mod guardians;
pub mod import;
mod import_staff;
pub mod schools;
pub mod sheet;
pub mod staff;
pub mod students;
pub mod terms;
pub mod validate;
