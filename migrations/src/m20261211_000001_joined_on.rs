//! When a student joined the school (issue 16): `students.joined_on`, null
//! for a student there since before the school year. The task engine holds
//! no period that ended before this day against anyone, and gives a task
//! whose window had closed the grace days from it.

use sea_orm_migration::prelude::*;

/// Adds `students.joined_on`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261211_000001_joined_on"
    }
}

#[derive(DeriveIden)]
enum Students {
    Table,
    JoinedOn,
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
                .table(Students::Table)
                .add_column(ColumnDef::new(Students::JoinedOn).date().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Students::Table)
                .drop_column(Students::JoinedOn)
                .to_owned(),
        )
        .await
    }
}
