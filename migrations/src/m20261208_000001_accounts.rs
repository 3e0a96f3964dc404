//! Account lifecycle (issue 10, items 5 and 7): a per-user token version
//! (bumped on deactivation, password reset and password change; access and
//! refresh tokens carry the version they were issued under), a flag forcing
//! a password change at the next login (one-time passwords), the version a
//! refresh token was issued under, and a `refresh_tokens` policy that finds
//! a presented token by the hash of its secret, so refresh and logout set
//! `app.user_id` only from a verified row.

use sea_orm_migration::prelude::*;

use crate::rls;

/// Adds the lifecycle columns and the verified refresh-token policy.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000001_accounts"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    TokenVersion,
    MustChangePassword,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    UserVersion,
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(
                    ColumnDef::new(Users::TokenVersion)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(
                    ColumnDef::new(Users::MustChangePassword)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(RefreshTokens::Table)
                .add_column(
                    ColumnDef::new(RefreshTokens::UserVersion)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        rls::pg(m, &rls::verified_tokens_policy()).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only: the columns and the policy stay.
        Ok(())
    }
}
