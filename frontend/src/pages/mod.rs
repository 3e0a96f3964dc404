//! The pages, by audience.

pub mod account;
pub mod accounts;
pub mod care;
pub mod district;
pub mod edit;
pub mod inbox;
pub mod insights;
pub mod integrations;
pub mod lifecycle;
pub mod matching;
pub mod mentoring;
pub mod notify_settings;
pub mod paper;
pub mod people;
pub mod policy;
pub mod school;
pub mod student_admin;
pub mod tasks;
pub mod training;
