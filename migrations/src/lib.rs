//! Daoshi's database schema, as an append-only list of migrations that run on
//! PostgreSQL (production) and SQLite (the embedded default).
//!
//! On PostgreSQL the migrations also create the application role `daoshi_app`
//! (no BYPASSRLS, not the owner of any table) and the row-level security
//! policies that confine it to the tenant set in the transaction
//! (`app.district_id`, `app.school_id`, `app.role`, `app.user_id`). Migrations
//! run as the owner role; the server connects as `daoshi_app`.

pub use sea_orm_migration::prelude::*;

mod builders;
mod m20261129_000001_org;
mod m20261129_000002_mentoring;
mod m20261129_000003_policy;
mod m20261129_000004_growth_file;
mod m20261129_000005_matching;
mod m20261207_000001_rls_walls;
mod m20261208_000001_accounts;
mod m20261210_000012_lifecycle;
mod m20261211_000001_joined_on;
mod m20261212_000001_jobs;
mod m20261212_000001_review_comment;
mod m20261212_000002_inbox;
mod m20261215_000001_care;
mod m20261216_000001_care_conferences;
mod m20261217_000001_insights;
mod m20261218_000001_paper;
mod m20261220_000001_talk_replies;
mod m20261221_000001_notify_prefs;
mod m20261221_000002_robots;
mod m20261222_000001_survey_privacy;
mod m20261222_000002_mentor_reviews;
mod m20261222_000003_training;
mod rls;

pub use rls::{APP_ROLE, DISTRICT_READER};

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_org::Migration),
            Box::new(m20261129_000002_mentoring::Migration),
            Box::new(m20261129_000003_policy::Migration),
            Box::new(m20261129_000004_growth_file::Migration),
            Box::new(m20261129_000005_matching::Migration),
            Box::new(m20261207_000001_rls_walls::Migration),
            Box::new(m20261208_000001_accounts::Migration),
            Box::new(m20261211_000001_joined_on::Migration),
            Box::new(m20261212_000001_review_comment::Migration),
            Box::new(m20261210_000012_lifecycle::Migration),
            Box::new(m20261215_000001_care::Migration),
            Box::new(m20261212_000001_jobs::Migration),
            Box::new(m20261212_000002_inbox::Migration),
            Box::new(m20261220_000001_talk_replies::Migration),
            Box::new(m20261222_000001_survey_privacy::Migration),
            Box::new(m20261222_000002_mentor_reviews::Migration),
            Box::new(m20261222_000003_training::Migration),
            Box::new(m20261221_000001_notify_prefs::Migration),
            Box::new(m20261221_000002_robots::Migration),
            Box::new(m20261217_000001_insights::Migration),
            Box::new(m20261216_000001_care_conferences::Migration),
            Box::new(m20261218_000001_paper::Migration),
        ]
    }
}
