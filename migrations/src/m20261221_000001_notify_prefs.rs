//! Notification preferences and Web Push subscriptions (issue 14).
//!
//! - `notify_prefs`: per user and notice kind, whether it goes to the inbox
//!   and to the user's phones (no row: both on).
//! - `push_subscriptions`: one row per device that subscribed (the push
//!   service's endpoint URL and the browser's ECDH public key and auth
//!   secret, RFC 8291), removed when the service answers 404 or 410.

use sea_orm_migration::prelude::*;

use crate::builders::{col, index, tenant};
use crate::rls;

/// Creates `notify_prefs` and `push_subscriptions`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261221_000001_notify_prefs"
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
            tenant("notify_prefs")
                .col(col("user_id").uuid().not_null())
                .col(col("kind").string_len(32).not_null())
                .col(col("inbox").boolean().not_null())
                .col(col("push").boolean().not_null())
                .col(col("updated_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("notify_prefs", &["user_id", "kind"], true))
            .await?;
        m.create_table(
            tenant("push_subscriptions")
                .col(col("user_id").uuid().not_null())
                // https URL of the push service, ≤ 1000 bytes (service-checked).
                .col(col("endpoint").string_len(1000).not_null())
                // The browser's P-256 public key (65 bytes, base64url).
                .col(col("p256dh").string_len(100).not_null())
                // The browser's 16-byte auth secret (base64url).
                .col(col("auth").string_len(40).not_null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .col(col("last_ok_at").timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("push_subscriptions", &["endpoint"], true))
            .await?;
        m.create_index(index("push_subscriptions", &["user_id"], false))
            .await?;
        rls::pg(
            m,
            &rls::grant_tables(&["notify_prefs", "push_subscriptions"]),
        )
        .await?;
        rls::pg(m, &rls::notify_prefs_policy()).await?;
        rls::pg(m, &rls::push_subscriptions_policy()).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Append-only.
        Ok(())
    }
}
