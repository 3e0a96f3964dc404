//! Insights (issue 13): school and district dashboards over indicators
//! pre-aggregated per school, term, day and scope (`aggregate`, kept by a
//! nightly job and the school admin's refresh), and the district's review
//! of school plans (备案, `review`).

pub mod aggregate;
pub mod demo;
pub mod entities;
pub mod graphql;
pub mod indicators;
pub mod jobs;
pub mod review;
pub mod service;
