//! Mentor training (issue 12): the courses teachers attend (the school's own
//! and the district's, e.g. 单周一研 every other week), their sessions, and
//! attendance per teacher, recorded by the school admin. Completing the
//! required courses starts probation (a qualification step).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates the training tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261222_000003_training"
    }
}

const TABLES: [&str; 3] = [
    "training_courses",
    "training_sessions",
    "training_attendance",
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant("training_courses")
                .col(col("name").string().not_null())
                // SCHOOL | DISTRICT
                .col(col("provider").string().not_null())
                // ONCE | WEEKLY | BIWEEKLY | MONTHLY
                .col(col("cadence").string().not_null())
                // Required for mentors: attend at least `sessions_required`.
                .col(col("required").boolean().not_null())
                .col(col("sessions_required").integer().not_null())
                .col(col("created_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            tenant("training_sessions")
                .col(col("course_id").uuid().not_null())
                .col(col("on_date").date().not_null())
                .col(col("topic").string().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("training_sessions", &["course_id", "on_date"], true))
            .await?;
        m.create_table(
            tenant("training_attendance")
                .col(col("session_id").uuid().not_null())
                .col(col("course_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("on_date").date().not_null())
                .col(col("recorded_by").uuid().not_null())
                .col(col("recorded_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "training_attendance",
            &["session_id", "staff_id"],
            true,
        ))
        .await?;
        m.create_index(index("training_attendance", &["staff_id"], false))
            .await?;
        let mut sql = vec![];
        for t in TABLES {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::grant_tables(&TABLES));
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
