//! The pages, by audience.

pub mod district;
pub mod people;
pub mod school;
