//! Mentoring work: activities (the three tasks and more), growth messages
//! (成长寄语), the private growth file (成长档案), talk requests from parents
//! and students, and the home–school communication view. The activity tables
//! are shared with the task engine, which reads them.

pub mod activities;
pub mod contacts;
pub mod demo;
mod demo_history;
pub mod entities;
pub mod graphql;
pub mod growth_file;
pub mod lists;
pub mod logging;
pub mod messages;
pub mod talks;
