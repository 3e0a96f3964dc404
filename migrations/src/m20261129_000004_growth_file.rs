//! The growth file (成长档案) and the parent/student side of mentoring:
//! growth-file notes by section, exam results (stored per subject per exam,
//! only ever shown as a band), and talk requests from parents and students.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};

use crate::rls::{self, Scope};

/// Creates the growth-file tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_growth_file"
    }
}

const TABLES: [&str; 3] = ["growth_file_notes", "exam_results", "talk_requests"];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One note per section entry (family, personality, habits, interests,
        // health, monthly observation); append-only history of the file.
        m.create_table(
            tenant("growth_file_notes")
                .col(col("student_id").uuid().not_null())
                .col(col("section").string().not_null())
                // For monthly observations: "YYYY-MM".
                .col(col("month").string().null())
                .col(col("body").text().not_null())
                .col(col("written_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "growth_file_notes",
            &["student_id", "section"],
            false,
        ))
        .await?;

        // Raw scores stay here; the API shows only the band of the school's scale.
        m.create_table(
            tenant("exam_results")
                .col(col("student_id").uuid().not_null())
                .col(col("subject").string().not_null())
                .col(col("exam_name").string().not_null())
                .col(col("taken_on").date().not_null())
                .col(col("score").double().not_null())
                .col(col("full_marks").double().not_null())
                .col(col("analysis").text().null())
                .col(col("recorded_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("exam_results", &["student_id", "taken_on"], false))
            .await?;

        // A parent or the student asks the mentor for a talk.
        m.create_table(
            tenant("talk_requests")
                .col(col("student_id").uuid().not_null())
                .col(col("requested_by").uuid().not_null())
                .col(col("requester_role").string().not_null())
                .col(col("message").text().not_null())
                .col(col("status").string().not_null())
                .col(col("answer").text().null())
                .col(col("answered_by").uuid().null())
                .col(col("answered_at").timestamp_with_time_zone().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("talk_requests", &["student_id", "created_at"], false))
            .await?;

        let mut sql = vec![];
        for t in TABLES {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::grant_tables(&TABLES));
        // The file's history is kept: notes are never rewritten or deleted.
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON growth_file_notes FROM {}",
            rls::APP_ROLE
        ));
        sql.push(format!(
            "REVOKE DELETE ON exam_results FROM {}",
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
