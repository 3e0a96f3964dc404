//! The in-app inbox (issue 14): one row per notice to one user, read only
//! by that user. Notices carry a title and a short text that the recipient
//! may already see elsewhere (counts, not names of other people's
//! children), and a link into the app. A `dedupe_key` per user makes every
//! delivery idempotent (a job re-run after a crash adds nothing).
//!
//! Also a function listing the schools' ids for the job scheduler's daily
//! fan-out (PostgreSQL: `SECURITY DEFINER`, ids only; the application role
//! otherwise sees no school without a tenant).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls;

/// Creates `inbox_items` and `daoshi_job_schools()`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261212_000002_inbox"
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
            tenant("inbox_items")
                .col(col("user_id").uuid().not_null())
                // task_digest | talk_request | talk_answered | growth_message
                .col(col("kind").string_len(32).not_null())
                .col(col("title").string_len(100).not_null())
                .col(col("body").string_len(500).not_null())
                // An in-app path, e.g. "/tasks".
                .col(col("link").string_len(200).not_null())
                .col(col("dedupe_key").string_len(128).not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("read_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("inbox_items", &["user_id", "dedupe_key"], true))
            .await?;
        m.create_index(index("inbox_items", &["user_id", "created_at"], false))
            .await?;
        rls::pg(m, &rls::grant_tables(&["inbox_items"])).await?;
        rls::pg(m, &rls::inbox_policy()).await?;
        rls::pg(m, &rls::job_schools_function()).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only.
        Ok(())
    }
}
