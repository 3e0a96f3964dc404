//! Care and crisis (issue 11): concerns that become cases, their
//! append-only timeline, and the in-app alerts of the emergency plan.
//!
//! On PostgreSQL: cases and their timeline are the school's rows (never the
//! district's: it sees counts through the service); timeline entries are
//! never updated or deleted, cases never deleted; an alert is read and
//! marked read only by its recipient.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates the care tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261215_000001_care"
    }
}

const TABLES: [&str; 3] = ["care_cases", "care_events", "care_alerts"];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The case; its columns after `participants` summarise the timeline
        // (the timeline itself is `care_events`).
        m.create_table(
            tenant("care_cases")
                .col(col("student_id").uuid().not_null())
                .col(col("level").string().not_null())
                .col(col("category").string().not_null())
                .col(col("seen").text().not_null())
                .col(col("seen_at").timestamp_with_time_zone().not_null())
                .col(col("others_aware").text().not_null())
                .col(col("raised_by").uuid().not_null())
                .col(col("client_key").string().not_null())
                .col(col("opened_at").timestamp_with_time_zone().not_null())
                // JSON list of staff ids named on the case (full access).
                .col(col("participants").text().not_null())
                .col(col("stage").string().not_null())
                .col(col("acknowledged_at").timestamp_with_time_zone().null())
                .col(col("acknowledged_by").uuid().null())
                .col(col("assessed_at").timestamp_with_time_zone().null())
                .col(col("escalated_at").timestamp_with_time_zone().null())
                .col(col("closed_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "care_cases",
            &["school_id", "raised_by", "client_key"],
            true,
        ))
        .await?;
        m.create_index(index("care_cases", &["school_id", "student_id"], false))
            .await?;
        m.create_index(index("care_cases", &["school_id", "closed_at"], false))
            .await?;

        // One step of a case's timeline; amendments point at what they amend.
        m.create_table(
            tenant("care_events")
                .col(col("case_id").uuid().not_null())
                .col(col("kind").string().not_null())
                .col(col("author_user_id").uuid().null())
                .col(col("author_staff_id").uuid().null())
                // JSON of the step's structured content.
                .col(col("body").text().not_null())
                .col(col("owner_staff_id").uuid().null())
                .col(col("due_on").date().null())
                .col(col("amends").uuid().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_events", &["case_id", "created_at"], false))
            .await?;

        m.create_table(
            tenant("care_alerts")
                .col(col("case_id").uuid().not_null())
                .col(col("recipient_user_id").uuid().not_null())
                .col(col("level").string().not_null())
                // `raised` or `escalated`.
                .col(col("reason").string().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("read_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "care_alerts",
            &["recipient_user_id", "created_at"],
            false,
        ))
        .await?;
        m.create_index(index("care_alerts", &["case_id"], false))
            .await?;

        let mut sql = vec![];
        sql.extend(rls::tenant_policy("care_cases", &Scope::School));
        sql.extend(rls::tenant_policy("care_events", &Scope::School));
        sql.extend(rls::care_alerts_policy());
        sql.extend(rls::grant_tables(&TABLES));
        sql.push(format!(
            "REVOKE DELETE ON care_cases FROM {}",
            rls::APP_ROLE
        ));
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON care_events FROM {}",
            rls::APP_ROLE
        ));
        sql.push(format!(
            "REVOKE DELETE ON care_alerts FROM {}",
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
