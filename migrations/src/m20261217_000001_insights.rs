//! Insights (issue 13): indicators pre-aggregated per school, term, day and
//! scope, and the district's reviews of school plans (备案).
//!
//! `insight_days` holds one row per (school, term, day, scope, key): scope
//! `grade` (key: the grade) and `school` (key: empty) are aggregates the
//! district may read; `class` and `mentor` (key: a class or staff id) stay
//! in the school. On PostgreSQL the district reads only the aggregate
//! scopes, and its dashboard runs under the narrowed `district_reader` role
//! that no personal table admits.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls;

/// Creates the insight tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261217_000001_insights"
    }
}

const TABLES: [&str; 2] = ["insight_days", "plan_reviews"];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant("insight_days")
                .col(col("term_id").uuid().not_null())
                .col(col("day").date().not_null())
                .col(col("scope").string().not_null())
                .col(col("scope_key").string().not_null())
                .col(col("stage").string().not_null())
                // Coverage: students, those with a current mentor.
                .col(col("students").integer().not_null())
                .col(col("matched").integer().not_null())
                // Load: mentors holding students, over the cap, the largest load, the cap.
                .col(col("mentors").integer().not_null())
                .col(col("mentors_over_cap").integer().not_null())
                .col(col("max_load").integer().not_null())
                .col(col("load_cap").integer().not_null())
                // `shared::tasks::StatusCounts` as JSON.
                .col(col("tasks").text().not_null())
                .col(col("on_track_percent").integer().null())
                // Students the task engine judged, and those with nothing overdue.
                .col(col("task_students").integer().not_null())
                .col(col("task_on_track").integer().not_null())
                // Growth messages of the term by status reached.
                .col(col("messages_written").integer().not_null())
                .col(col("messages_reviewed").integer().not_null())
                .col(col("messages_published").integer().not_null())
                // Home–school contacts of the term, face to face among them.
                .col(col("contacts").integer().not_null())
                .col(col("contacts_face").integer().not_null())
                // Care: open cases, acknowledged ones and their summed minutes.
                .col(col("care_open").integer().not_null())
                .col(col("care_acknowledged").integer().not_null())
                .col(col("care_ack_minutes").big_integer().not_null())
                // Mentors by qualification: appointed, in training or probation.
                .col(col("mentors_appointed").integer().not_null())
                .col(col("mentors_training").integer().not_null())
                .col(col("computed_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "insight_days",
            &["school_id", "term_id", "day", "scope", "scope_key"],
            true,
        ))
        .await?;
        m.create_index(index("insight_days", &["district_id", "day"], false))
            .await?;

        m.create_table(
            tenant("plan_reviews")
                .col(col("policy_version_id").uuid().not_null())
                // `reviewed` or `returned`.
                .col(col("status").string().not_null())
                .col(col("comment").text().not_null())
                .col(col("reviewed_by").uuid().not_null())
                .col(col("reviewed_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "plan_reviews",
            &["school_id", "policy_version_id", "reviewed_at"],
            false,
        ))
        .await?;

        let mut sql = vec![];
        sql.extend(rls::insights_policy(
            "insight_days",
            "scope IN ('grade', 'school')",
        ));
        sql.extend(rls::plan_reviews_policy());
        sql.extend(rls::grant_tables(&TABLES));
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON plan_reviews FROM {}",
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
