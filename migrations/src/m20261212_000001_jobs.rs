//! The durable job queue (issue 14): one table, claimed by workers of any
//! replica with `FOR UPDATE SKIP LOCKED` and a lease (see `backend::jobs`).
//!
//! Times are milliseconds since the Unix epoch (`BIGINT`), the same on
//! PostgreSQL and SQLite. A job belongs to a district and optionally a
//! school (its handler runs under that tenant), or to nobody (system jobs
//! such as the daily scheduler's fan-out).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index};
use crate::rls;

/// Creates `jobs`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261212_000001_jobs"
    }
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("jobs"))
                .if_not_exists()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("district_id").uuid().null())
                .col(col("school_id").uuid().null())
                .col(col("kind").string_len(64).not_null())
                // Bounded by the service (8 KiB); ids and counts, never names.
                .col(col("payload").text().not_null())
                // queued | running | done | dead
                .col(col("state").string_len(16).not_null())
                .col(col("attempts").integer().not_null().default(0))
                .col(col("max_attempts").integer().not_null())
                .col(col("run_at").big_integer().not_null())
                .col(col("lease_until").big_integer().null())
                // The claim's token: only its holder may finish the job.
                .col(col("locked_by").string_len(64).null())
                .col(col("last_error").string_len(500).null())
                // At most one job per key (recurring jobs, idempotent enqueue).
                .col(col("dedupe_key").string_len(128).null())
                .col(col("created_at").big_integer().not_null())
                .col(col("finished_at").big_integer().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("jobs", &["state", "run_at"], false))
            .await?;
        m.create_index(index("jobs", &["district_id", "state", "run_at"], false))
            .await?;
        m.create_index(index("jobs", &["dedupe_key"], true)).await?;
        rls::pg(m, &rls::grant_tables(&["jobs"])).await?;
        rls::pg(m, &rls::jobs_policy()).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only.
        Ok(())
    }
}
