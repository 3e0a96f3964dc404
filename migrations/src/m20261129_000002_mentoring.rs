//! Mentoring records: activities (talks, home visits, parent contacts, …)
//! with the students they involve and their amendments, and growth messages
//! (成长寄语). Shared by the mentoring capability (which writes them) and the
//! task engine (which reads them).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};

use crate::rls::{self, Scope};

/// Creates the mentoring tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_mentoring"
    }
}

const TABLES: [&str; 4] = [
    "activities",
    "activity_students",
    "activity_amendments",
    "growth_messages",
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One activity may involve several of the mentor's students.
        m.create_table(
            tenant("activities")
                // Client-generated key: the same key twice records once (offline retries).
                .col(col("client_key").string().not_null())
                .col(col("kind").string().not_null())
                .col(col("occurred_on").date().not_null())
                .col(col("occurred_at").timestamp_with_time_zone().not_null())
                .col(col("place").string().null())
                .col(col("channel").string().not_null())
                .col(col("trigger").string().null())
                // JSON array of GuidanceArea codes.
                .col(col("guidance_areas").string().not_null())
                // The school menu's code, for OPTIONAL_ACTION.
                .col(col("optional_action").string().null())
                // Private: mentors, head teacher, escalated counsellors only.
                .col(col("summary").text().not_null())
                .col(col("follow_up").text().null())
                .col(col("follow_up_due").date().null())
                // The mentor (staff) who recorded it, and co-participants.
                .col(col("staff_id").uuid().not_null())
                .col(col("with_head_teacher").boolean().not_null().default(false))
                .col(col("co_staff_ids").string().not_null())
                .col(col("recorded_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "activities",
            &["school_id", "recorded_by", "client_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "activities",
            &["school_id", "staff_id", "occurred_on"],
            false,
        ))
        .await?;

        m.create_table(
            tenant("activity_students")
                .col(col("activity_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "activity_students",
            &["activity_id", "student_id"],
            true,
        ))
        .await?;
        m.create_index(index("activity_students", &["student_id"], false))
            .await?;

        // Records are tamper-evident: later changes are amendments, never overwrites.
        m.create_table(
            tenant("activity_amendments")
                .col(col("activity_id").uuid().not_null())
                // JSON of the fields before the change.
                .col(col("before").text().not_null())
                .col(col("reason").string().null())
                .col(col("amended_by").uuid().not_null())
                .col(col("amended_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("activity_amendments", &["activity_id"], false))
            .await?;

        // 成长寄语: draft → submitted → (reviewed) → published.
        m.create_table(
            tenant("growth_messages")
                .col(col("student_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("term_id").uuid().not_null())
                .col(col("body").text().not_null())
                .col(col("bright_spots").text().not_null())
                .col(col("status").string().not_null())
                .col(col("reviewed_by").uuid().null())
                .col(col("published_on").date().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("updated_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("growth_messages", &["student_id", "term_id"], true))
            .await?;

        let mut sql = vec![];
        for t in TABLES {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::grant_tables(&TABLES));
        // Tamper evidence: the app may amend activities but never delete them
        // or rewrite an amendment.
        sql.push(format!(
            "REVOKE DELETE ON activities FROM {}",
            rls::APP_ROLE
        ));
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON activity_amendments FROM {}",
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
