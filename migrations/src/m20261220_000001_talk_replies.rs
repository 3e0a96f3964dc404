//! Talk requests become a short thread (issue 16): the parent or student
//! who asked may reply to the mentor's answer, and the mentor answer again.
//! The replies after the first answer are kept on the request, in order,
//! as a JSON list of `{from, at, text}` (bounded by the server).

use sea_orm_migration::prelude::*;

/// Adds `talk_requests.replies`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261220_000001_talk_replies"
    }
}

#[derive(DeriveIden)]
enum TalkRequests {
    Table,
    Replies,
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
                .table(TalkRequests::Table)
                .add_column(
                    ColumnDef::new(TalkRequests::Replies)
                        .text()
                        .not_null()
                        .default("[]"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only: the column stays.
        Ok(())
    }
}
