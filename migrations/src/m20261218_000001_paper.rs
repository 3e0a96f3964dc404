//! Generated files (xlsx exports and PDFs, issue 13) and 优秀导师 awards
//! (issue 12 item 4).
//!
//! - `paper_files`: one generated file per request, with its progress while
//!   a background job builds it, the bytes once done (bounded), and an
//!   expiry after which it is no longer served. Only the requester reads it
//!   (the service checks `requested_by`); RLS keeps it in its school.
//! - `mentor_awards`: a school's 优秀导师 nominations for a term from its
//!   published assessment, each with a citation, published as a list. The
//!   district reads published rows to count them per school (its pages show
//!   counts only; staff names live in `staff`, which it cannot read).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261218_000001_paper"
    }
}

const TABLES: [&str; 2] = ["paper_files", "mentor_awards"];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant("paper_files")
                .col(col("requested_by").uuid().not_null())
                .col(col("requester").text().not_null())
                .col(col("kind").string().not_null())
                .col(col("params").text().not_null())
                .col(col("filename").string().not_null())
                .col(col("content_type").string().not_null())
                .col(col("status").string().not_null())
                .col(col("progress").integer().not_null())
                .col(col("error").text().null())
                .col(col("body").blob().null())
                .col(col("size").integer().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("finished_at").timestamp_with_time_zone().null())
                .col(col("expires_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "paper_files",
            &["school_id", "requested_by", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            tenant("mentor_awards")
                .col(col("term_id").uuid().not_null())
                .col(col("run_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("citation").text().not_null())
                .col(col("nominated_by").uuid().not_null())
                .col(col("nominated_at").timestamp_with_time_zone().not_null())
                .col(col("published_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentor_awards",
            &["school_id", "term_id", "staff_id"],
            true,
        ))
        .await?;

        let mut sql = vec![];
        sql.extend(rls::tenant_policy("paper_files", &Scope::School));
        sql.extend(rls::tenant_policy(
            "mentor_awards",
            &Scope::Aggregated("published_at IS NOT NULL"),
        ));
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
