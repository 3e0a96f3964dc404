//! Survey privacy (issue 12): an anonymous survey's stored answers keep no
//! link to the person who gave them, not even through the mentor asked
//! about. The mentor questions' answers are folded into one tally per survey
//! and mentor (people, answers, sum), the only place the assessment reads
//! them from; an anonymous answer row then holds no mentor. Answer rows of
//! an anonymous survey are shuffled as they arrive (the new answer swaps
//! places with a random earlier one), so their storage order says nothing
//! about who answered when: only their `answers` column may be updated.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates the mentor tallies and unlinks anonymous answers from mentors.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261222_000001_survey_privacy"
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
            tenant("survey_mentor_views")
                .col(col("survey_id").uuid().not_null())
                .col(col("mentor_id").uuid().not_null())
                // People who answered a question about the mentor.
                .col(col("respondents").integer().not_null())
                // Their 1–5 answers: how many, and their sum.
                .col(col("answers").integer().not_null())
                .col(col("total").integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "survey_mentor_views",
            &["survey_id", "mentor_id"],
            true,
        ))
        .await?;
        // Existing anonymous answers lose their mentor (their tallies are not
        // rebuilt: the surveys of the demo are built anew).
        let unlink = "UPDATE survey_answers SET mentor_id = NULL WHERE survey_id IN (SELECT id FROM surveys WHERE anonymous)";
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            m.get_connection().execute_unprepared(unlink).await?;
        }
        let mut sql = vec![
            // The owner passes its own RLS only as the operator.
            "SELECT set_config('app.operator', 'on', true)".to_string(),
            unlink.to_string(),
            "SELECT set_config('app.operator', '', true)".to_string(),
        ];
        sql.extend(rls::tenant_policy("survey_mentor_views", &Scope::School));
        sql.extend(rls::grant_tables(&["survey_mentor_views"]));
        sql.push(format!(
            "REVOKE DELETE ON survey_mentor_views FROM {}",
            rls::APP_ROLE
        ));
        // The shuffle swaps answers between rows of the same survey.
        sql.push(format!(
            "GRANT UPDATE (answers) ON survey_answers TO {}",
            rls::APP_ROLE
        ));
        rls::pg(m, &sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("survey_mentor_views"))
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
