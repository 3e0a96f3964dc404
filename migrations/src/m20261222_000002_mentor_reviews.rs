//! Reviewers' views of mentors (issue 12): within a term's review window a
//! head teacher rates the mentors of their class's students and a grade
//! leader the mentors of their grade's students (1–5, a short comment); the
//! views feed the assessment's 班主任评价 and 年级组长评价. One view per
//! reviewer, role, mentor and term; revised in place while the window is open.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates `mentor_reviews`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261222_000002_mentor_reviews"
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
            tenant("mentor_reviews")
                .col(col("term_id").uuid().not_null())
                // The mentor reviewed (staff id).
                .col(col("staff_id").uuid().not_null())
                // The reviewer (user id) and the role they review in.
                .col(col("reviewer_id").uuid().not_null())
                // HEAD_TEACHER | GRADE_LEADER
                .col(col("role").string().not_null())
                .col(col("score").integer().not_null())
                .col(col("comment").text().not_null())
                .col(col("updated_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentor_reviews",
            &["term_id", "staff_id", "reviewer_id", "role"],
            true,
        ))
        .await?;
        let mut sql = rls::tenant_policy("mentor_reviews", &Scope::School);
        sql.extend(rls::grant_tables(&["mentor_reviews"]));
        sql.push(format!(
            "REVOKE DELETE ON mentor_reviews FROM {}",
            rls::APP_ROLE
        ));
        rls::pg(m, &sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("mentor_reviews"))
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
