//! Daoshi's domain: what is true of the all-staff mentor system (全员导师制)
//! whatever the storage. Pure: no I/O, no async; builds for native and wasm32,
//! so the server and the browser share the same types and rules.
//!
//! Imports between the modules point one way: `validation`, `ids` and `time`
//! depend on nothing else here; `org` and `activity` on nothing else;
//! `grading` on `validation`; `care` on nothing else; `policy` on `org`,
//! `activity`, `care`, `grading` and `validation`; `tasks` on `policy`,
//! `activity` and `validation`; `matching` stands alone; `mentor_assessment`
//! depends on `org` and `validation`.

pub mod activity;
pub mod care;
pub mod grading;
pub mod ids;
pub mod matching;
pub mod mentor_assessment;
pub mod org;
pub mod policy;
pub mod survey;
pub mod tasks;
pub mod time;
pub mod validation;
