//! The review step of growth messages (issue 15): the reviewer's comment
//! when a message is returned to its mentor (or approved with a remark),
//! kept on the message until the mentor saves it again.

use sea_orm_migration::prelude::*;

/// Adds `growth_messages.review_comment`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261212_000001_review_comment"
    }
}

#[derive(DeriveIden)]
enum GrowthMessages {
    Table,
    ReviewComment,
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(GrowthMessages::Table)
                .add_column(ColumnDef::new(GrowthMessages::ReviewComment).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only: the column stays.
        Ok(())
    }
}
