//! Daoshi's domain: what is true of the all-staff mentor system (全员导师制)
//! whatever the storage. Pure: no I/O, no async; builds for native and wasm32,
//! so the server and the browser share the same types and rules.

pub mod activity;
pub mod grading;
pub mod matching;
pub mod org;
pub mod policy;
pub mod tasks;
