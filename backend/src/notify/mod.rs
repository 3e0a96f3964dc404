//! Notifications (issue 14): the in-app inbox per user, filled by events
//! (talk requests made and answered) and by the daily reminder job (each
//! mentor's open and overdue tasks as counts, from the task engine).
//!
//! A notice holds only what its recipient may already see, and never the
//! name of a student: counts, a fixed title, a link into the app.

pub mod entity;
pub mod events;
pub mod graphql;
pub mod graphql_prefs;
pub mod graphql_robots;
pub mod jobs;
pub mod outbound;
pub mod prefs;
pub mod push;
pub mod robots;
pub mod service;
pub mod webpush;

pub use service::{Notice, deliver};
