//! WeCom/DingTalk group robots (issue 14): one row per robot webhook the
//! school admin configured for the whole school, a grade or a class, with
//! the outcome of its latest post (shown on the integration page).

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls::{self, Scope};

/// Creates `robot_webhooks`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261221_000002_robots"
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
            tenant("robot_webhooks")
                .col(col("name").string_len(40).not_null())
                // wecom | dingtalk
                .col(col("platform").string_len(16).not_null())
                // The group: a grade, a class, or (both null) the whole school.
                .col(col("grade").integer().null())
                .col(col("class_id").uuid().null())
                // The webhook (it carries the robot's key: never shown back whole).
                .col(col("url").string_len(1000).not_null())
                // DingTalk's 加签 secret, when the robot uses it.
                .col(col("secret").string_len(100).null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("last_ok_at").timestamp_with_time_zone().null())
                .col(col("last_error").string_len(200).null())
                .col(col("last_error_at").timestamp_with_time_zone().null())
                .col(col("failures").integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_index(index("robot_webhooks", &["school_id", "grade"], false))
            .await?;
        rls::pg(m, &rls::grant_tables(&["robot_webhooks"])).await?;
        rls::pg(m, &rls::tenant_policy("robot_webhooks", &Scope::School)).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only.
        Ok(())
    }
}
