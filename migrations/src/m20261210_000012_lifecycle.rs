//! The mentor lifecycle (issue 12): every change of a teacher's standing as a
//! dated step (trained → probation → appointed or deferred), and the termly
//! assessment: one run per school and term, one result per mentor with its
//! indicators and explanation, adjustments with a reason.
//!
//! The district reads only the published runs (their counts per rating),
//! never a mentor's result.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates the lifecycle tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000012_lifecycle"
    }
}

const TABLES: [&str; 3] = [
    "qualification_steps",
    "assessment_runs",
    "assessment_results",
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant("qualification_steps")
                .col(col("staff_id").uuid().not_null())
                .col(col("on_date").date().not_null())
                .col(col("from_q").string().not_null())
                .col(col("to_q").string().not_null())
                .col(col("reason").text().not_null())
                .col(col("decided_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "qualification_steps",
            &["staff_id", "on_date"],
            false,
        ))
        .await?;

        m.create_table(
            tenant("assessment_runs")
                .col(col("term_id").uuid().not_null())
                // draft | published
                .col(col("status").string().not_null())
                // JSON of the scheme applied.
                .col(col("scheme").text().not_null())
                .col(col("excellent").integer().not_null())
                .col(col("qualified").integer().not_null())
                .col(col("needs_improvement").integer().not_null())
                .col(col("run_by").uuid().not_null())
                .col(col("run_at").timestamp_with_time_zone().not_null())
                .col(col("published_by").uuid().null())
                .col(col("published_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("assessment_runs", &["school_id", "term_id"], true))
            .await?;

        m.create_table(
            tenant("assessment_results")
                .col(col("run_id").uuid().not_null())
                .col(col("term_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                // Weighted total in ‰.
                .col(col("score").integer().not_null())
                .col(col("computed_rating").string().not_null())
                .col(col("rating").string().not_null())
                // JSON of the indicators with their explanations.
                .col(col("indicators").text().not_null())
                .col(col("reason").text().not_null())
                .col(col("adjusted_by").uuid().null())
                .col(col("adjust_reason").text().null())
                .col(col("adjusted_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("assessment_results", &["run_id", "staff_id"], true))
            .await?;
        m.create_index(index("assessment_results", &["staff_id"], false))
            .await?;

        let mut sql = vec![];
        sql.extend(rls::tenant_policy("qualification_steps", &Scope::School));
        sql.extend(rls::tenant_policy(
            "assessment_runs",
            &Scope::Aggregated("status = 'published'"),
        ));
        sql.extend(rls::tenant_policy("assessment_results", &Scope::School));
        sql.extend(rls::grant_tables(&TABLES));
        // The history of a teacher's standing is kept: never rewritten.
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON qualification_steps FROM {}",
            rls::APP_ROLE
        ));
        rls::pg(m, &sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
