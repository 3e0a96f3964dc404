//! Case conferences (个例会诊 / 导师会诊, issue 11): a grade leader or a
//! counsellor schedules a conference on one or more cases, then records
//! the discussion and the decided actions (which go on the cases'
//! timelines, `care_events`).
//!
//! On PostgreSQL: the school's rows only (the district sees counts through
//! the service, never a conference); a conference is never deleted.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates `care_conferences`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261216_000001_care_conferences"
    }
}

const TABLES: [&str; 1] = ["care_conferences"];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant("care_conferences")
                .col(col("scheduled_at").timestamp_with_time_zone().not_null())
                .col(col("agenda").text().not_null())
                // JSON lists: the cases discussed, the staff invited.
                .col(col("case_ids").text().not_null())
                .col(col("participants").text().not_null())
                .col(col("organiser_user_id").uuid().not_null())
                .col(col("organiser_staff_id").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                // Set once, when the discussion is recorded.
                .col(col("summary").text().null())
                .col(col("recorded_at").timestamp_with_time_zone().null())
                .col(col("recorded_by").uuid().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "care_conferences",
            &["school_id", "scheduled_at"],
            false,
        ))
        .await?;
        let mut sql = vec![];
        sql.extend(rls::tenant_policy("care_conferences", &Scope::School));
        sql.extend(rls::grant_tables(&TABLES));
        sql.push(format!(
            "REVOKE DELETE ON care_conferences FROM {}",
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
