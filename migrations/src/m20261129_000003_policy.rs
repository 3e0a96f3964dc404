//! 一校一策: policy versions (the district baseline when `school_id` is NULL,
//! a school's own policy otherwise) and the school calendar's events (key
//! exams open the talk windows of the task engine).
//!
//! RLS: a school reads its own policy rows *and* its district's baseline rows,
//! but writes only its own; a district admin (no school set) reads every row of
//! the district and writes only the baseline. Policy versions are append-only
//! for the app role (no UPDATE or DELETE): a change is a new version.

use sea_orm_migration::prelude::*;

use crate::builders::col;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::rls::{self, Scope};

/// Creates the policy tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_policy"
    }
}

/// The caller's district, school and role as set per transaction (see `rls`).
const D: &str = "NULLIF(current_setting('app.district_id', true), '')::uuid";
const S: &str = "NULLIF(current_setting('app.school_id', true), '')::uuid";
const R: &str = "COALESCE(current_setting('app.role', true), '')";

/// Read: the district's baseline, the caller's school's rows, or every row of
/// the district for a district admin.
fn policy_read() -> String {
    format!(
        "(district_id = {D} AND (school_id IS NULL OR school_id = {S} OR ({S} IS NULL AND {R} = 'district_admin')))"
    )
}

/// Write: a school its own rows; a district admin the baseline only.
fn policy_write() -> String {
    format!(
        "(district_id = {D} AND (school_id = {S} OR (school_id IS NULL AND {S} IS NULL AND {R} = 'district_admin')))"
    )
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("policy_versions"))
                .if_not_exists()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("district_id").uuid().not_null())
                // NULL: the district baseline.
                .col(col("school_id").uuid().null())
                .col(col("version").integer().not_null())
                .col(col("name").string().not_null())
                .col(col("effective_from").date().not_null())
                .col(col("term_id").uuid().null())
                .col(col("preset_id").string().null())
                // `shared::policy::PolicyRules` as JSON.
                .col(col("rules").text().not_null())
                // `Vec<shared::policy::Change>` from the previous version.
                .col(col("diff").text().not_null())
                .col(col("created_by").uuid().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // One version number per scope; NULL school ids need partial indexes
        // (same SQL on PostgreSQL and SQLite).
        let conn = m.get_connection();
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS ux_policy_versions_school ON policy_versions (school_id, version) WHERE school_id IS NOT NULL",
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS ux_policy_versions_district ON policy_versions (district_id, version) WHERE school_id IS NULL",
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Alias::new("calendar_events"))
                .if_not_exists()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("district_id").uuid().not_null())
                .col(col("school_id").uuid().not_null())
                .col(col("term_id").uuid().not_null())
                // `shared::tasks::EventKind` code.
                .col(col("kind").string().not_null())
                .col(col("occurs_on").date().not_null())
                // JSON array of grades (empty: every grade).
                .col(col("grades").string().not_null())
                .col(col("name").string().not_null())
                .col(col("created_by").uuid().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_calendar_events_school_id_term_id")
                .table(Alias::new("calendar_events"))
                .if_not_exists()
                .col(Alias::new("school_id"))
                .col(Alias::new("term_id"))
                .to_owned(),
        )
        .await?;

        let (read, write) = (policy_read(), policy_write());
        let mut sql = vec![
            "ALTER TABLE policy_versions ENABLE ROW LEVEL SECURITY".to_string(),
            "DROP POLICY IF EXISTS read ON policy_versions".into(),
            "DROP POLICY IF EXISTS write ON policy_versions".into(),
            format!("CREATE POLICY read ON policy_versions FOR SELECT USING {read}"),
            format!("CREATE POLICY write ON policy_versions FOR INSERT WITH CHECK {write}"),
        ];
        sql.extend(rls::tenant_policy("calendar_events", &Scope::School));
        sql.extend(rls::grant_tables(&["policy_versions", "calendar_events"]));
        sql.push(format!(
            "REVOKE UPDATE, DELETE ON policy_versions FROM {}",
            rls::APP_ROLE
        ));
        rls::pg(m, &sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["calendar_events", "policy_versions"] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
