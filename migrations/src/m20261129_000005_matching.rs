//! Matching (导师匹配): rounds per school × term × grade, students' ranked
//! choices and mentors' preferences, the stored preview, the self-selection
//! rush (quotas and places, with the invariants enforced by the database),
//! and special-needs mentor teams (导师团). Published pairs go to the existing
//! `mentor_assignments` table.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};

use crate::rls::{self, Scope};

/// Creates the matching tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_matching"
    }
}

const TABLES: [&str; 8] = [
    "matching_rounds",
    "matching_choices",
    "matching_mentor_prefs",
    "matching_results",
    "rush_quotas",
    "rush_places",
    "mentor_team_applications",
    "mentor_team_members",
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A round: open → previewed → published.
        m.create_table(
            tenant("matching_rounds")
                .col(col("term_id").uuid().not_null())
                .col(col("grade").integer().not_null())
                .col(col("method").string().not_null())
                // The cap per mentor for this round (until the school policy lands).
                .col(col("cap").integer().not_null())
                .col(col("status").string().not_null())
                .col(col("opens_at").timestamp_with_time_zone().null())
                .col(col("closes_at").timestamp_with_time_zone().null())
                .col(col("seed").big_integer().null())
                // JSON of the engine's statistics of the last preview.
                .col(col("stats").text().null())
                .col(col("created_by").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("published_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "matching_rounds",
            &["school_id", "term_id", "grade"],
            false,
        ))
        .await?;

        // A student's ranked choices (志愿); position 1 = first choice.
        m.create_table(
            tenant("matching_choices")
                .col(col("round_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("position").integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "matching_choices",
            &["round_id", "student_id", "staff_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "matching_choices",
            &["round_id", "student_id", "position"],
            true,
        ))
        .await?;

        // A mentor's ranking of students (two-way rounds); position 1 = first.
        m.create_table(
            tenant("matching_mentor_prefs")
                .col(col("round_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .col(col("position").integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "matching_mentor_prefs",
            &["round_id", "staff_id", "student_id"],
            true,
        ))
        .await?;

        // The preview: one row per student (staff NULL = unplaced).
        m.create_table(
            tenant("matching_results")
                .col(col("round_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .col(col("staff_id").uuid().null())
                .col(col("stage").string().null())
                .col(col("choice_no").integer().null())
                .col(col("why").text().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("matching_results", &["round_id", "student_id"], true))
            .await?;

        // The rush: one counter per mentor, checked by a conditional update.
        m.create_table(
            tenant("rush_quotas")
                .col(col("round_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("quota").integer().not_null())
                // Defence in depth: the counter can never pass the quota.
                .col(
                    col("taken").integer().not_null().default(0).check(
                        Expr::col(Alias::new("taken")).gte(0).and(
                            Expr::col(Alias::new("taken")).lte(Expr::col(Alias::new("quota"))),
                        ),
                    ),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("rush_quotas", &["round_id", "staff_id"], true))
            .await?;

        // One place per student per round, guaranteed by the unique index.
        m.create_table(
            tenant("rush_places")
                .col(col("round_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("rush_places", &["round_id", "student_id"], true))
            .await?;
        m.create_index(index("rush_places", &["round_id", "staff_id"], false))
            .await?;

        // Special-needs mentor teams (导师团): the head teacher's application.
        m.create_table(
            tenant("mentor_team_applications")
                .col(col("student_id").uuid().not_null())
                .col(col("applied_by").uuid().not_null())
                .col(col("reason").text().not_null())
                // JSON array of proposed staff ids.
                .col(col("proposed_ids").text().not_null())
                .col(col("status").string().not_null())
                .col(col("decided_by").uuid().null())
                .col(col("note").text().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("decided_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentor_team_applications",
            &["school_id", "student_id"],
            false,
        ))
        .await?;

        m.create_table(
            tenant("mentor_team_members")
                .col(col("application_id").uuid().not_null())
                .col(col("student_id").uuid().not_null())
                .col(col("staff_id").uuid().not_null())
                .col(col("lead").boolean().not_null().default(false))
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentor_team_members",
            &["application_id", "staff_id"],
            true,
        ))
        .await?;
        m.create_index(index("mentor_team_members", &["staff_id"], false))
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
