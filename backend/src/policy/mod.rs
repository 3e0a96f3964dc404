//! 一校一策: district baselines and school policies as validated, diffed,
//! audited versions; the school calendar (key exams open talk windows); and
//! the 三个一 task status computed by the pure engine (`shared::tasks`) over
//! the mentoring records.

pub mod demo;
pub mod entities;
pub mod graphql;
pub mod service;
pub mod task_tallies;
pub mod task_types;
pub mod tasks;
