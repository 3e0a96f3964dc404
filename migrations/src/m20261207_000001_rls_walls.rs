//! The database as the second wall (issue 10, item 7): replaces every
//! tenant table's policies with per-command ones and forces RLS on the table
//! owner too (see `rls` for the walls). The district admin becomes read-only
//! on school-level tables and reads only those its aggregate pages count; a
//! school session can no longer touch district or school rows or grant a
//! district-level role; the audit log checks who and which tenant a record
//! names; accounts never move between tenants.

use sea_orm_migration::prelude::*;

use crate::rls::{self, Scope};

/// Replaces the RLS policies.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000001_rls_walls"
    }
}

/// School-level tables the district admin's pages count (the schools list:
/// students, classes, staff; the task dashboard: terms, students, classes,
/// mentor assignments, activities and their students, published growth
/// messages, calendar events). Read-only for it.
const AGGREGATED: [(&str, &str); 9] = [
    ("terms", "true"),
    ("classes", "true"),
    ("staff", "true"),
    ("students", "true"),
    ("mentor_assignments", "true"),
    ("activities", "true"),
    ("activity_students", "true"),
    ("growth_messages", "status = 'published'"),
    ("calendar_events", "true"),
];

/// School-level tables the district admin neither reads nor writes.
const SCHOOL_ONLY: [&str; 15] = [
    "teaching",
    "guardians",
    "student_guardians",
    "activity_amendments",
    "growth_file_notes",
    "exam_results",
    "talk_requests",
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
        let mut sql = vec![];
        sql.extend(rls::tenant_policy("districts", &Scope::DistrictsTable));
        sql.extend(rls::tenant_policy("schools", &Scope::SchoolsTable));
        for (t, filter) in AGGREGATED {
            sql.extend(rls::tenant_policy(t, &Scope::Aggregated(filter)));
        }
        for t in SCHOOL_ONLY {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::users_policy());
        sql.extend(rls::tenant_move_guard());
        sql.extend(rls::grants_policy());
        sql.extend(rls::tokens_policy());
        sql.extend(rls::audit_policy());
        sql.extend(rls::policy_versions_policy());
        // Privileges as a second line behind the policies: districts are
        // the operator's; nobody deletes schools or accounts.
        sql.push(format!(
            "REVOKE INSERT, UPDATE, DELETE ON districts FROM {}",
            rls::APP_ROLE
        ));
        sql.push(format!(
            "REVOKE DELETE ON schools, users FROM {}",
            rls::APP_ROLE
        ));
        rls::pg(m, &sql).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The earlier, weaker policies are not restored.
        Ok(())
    }
}
