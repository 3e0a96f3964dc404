//! The mentor lifecycle (issue 12): every change of a teacher's standing as a
//! dated step (trained → probation → appointed or deferred), and the termly
//! assessment: one run per school and term, one result per mentor with its
//! indicators and explanation, adjustments with a reason.
//!
//! The district reads only the published runs (their counts per rating),
//! never a mentor's result.
//!
//! Surveys of parents and students: the questionnaire, one submission mark
//! per respondent (unique, so concurrent submits store one), and the answers.
//! An anonymous survey's answers carry no respondent and no time: nothing in
//! the database links an answer to the person who gave it.

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

const TABLES: [&str; 6] = [
    "qualification_steps",
    "assessment_runs",
    "assessment_results",
    "surveys",
    "survey_submissions",
    "survey_answers",
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

        m.create_table(
            tenant("surveys")
                .col(col("title").string().not_null())
                // PARENTS | STUDENTS
                .col(col("audience").string().not_null())
                .col(col("anonymous").boolean().not_null())
                // JSON of `Vec<shared::survey::Question>`.
                .col(col("questions").text().not_null())
                // open | closed
                .col(col("status").string().not_null())
                .col(col("term_id").uuid().not_null())
                .col(col("created_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // Who has answered (one row per respondent); no link to the answers.
        m.create_table(
            tenant("survey_submissions")
                .col(col("survey_id").uuid().not_null())
                .col(col("respondent_id").uuid().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "survey_submissions",
            &["survey_id", "respondent_id"],
            true,
        ))
        .await?;
        // The answers: the respondent only when the survey is not anonymous;
        // the mentor asked about (for the mentor's assessment); no time.
        m.create_table(
            tenant("survey_answers")
                .col(col("survey_id").uuid().not_null())
                .col(col("respondent_id").uuid().null())
                .col(col("mentor_id").uuid().null())
                .col(col("answers").text().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("survey_answers", &["survey_id"], false))
            .await?;

        let mut sql = vec![];
        sql.extend(rls::tenant_policy("qualification_steps", &Scope::School));
        sql.extend(rls::tenant_policy(
            "assessment_runs",
            &Scope::Aggregated("status = 'published'"),
        ));
        sql.extend(rls::tenant_policy("assessment_results", &Scope::School));
        for t in ["surveys", "survey_submissions", "survey_answers"] {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::grant_tables(&TABLES));
        // The history of a teacher's standing is kept: never rewritten.
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON qualification_steps FROM {}",
            rls::APP_ROLE
        ));
        // Answers are never rewritten or removed one by one.
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON survey_answers, survey_submissions FROM {}",
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
