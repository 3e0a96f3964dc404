//! Row-level security helpers (PostgreSQL only).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// The role the server connects as on PostgreSQL.
pub const APP_ROLE: &str = "daoshi_app";

/// The caller's district, school, role and user as set per transaction.
const D: &str = "NULLIF(current_setting('app.district_id', true), '')::uuid";
const S: &str = "NULLIF(current_setting('app.school_id', true), '')::uuid";
const R: &str = "COALESCE(current_setting('app.role', true), '')";
const U: &str = "NULLIF(current_setting('app.user_id', true), '')::uuid";

/// How a table is owned by tenants.
pub enum Scope {
    /// Has `district_id` and `school_id`: the school's rows, or all the
    /// district's rows for a district admin with no school set.
    School,
    /// `schools` itself: its `id` is the school.
    SchoolsTable,
    /// `districts` itself.
    DistrictsTable,
}

/// The predicate for a scope.
pub fn predicate(scope: &Scope) -> String {
    match scope {
        Scope::School => format!(
            "(district_id = {D} AND (school_id = {S} OR ({S} IS NULL AND {R} = 'district_admin')))"
        ),
        Scope::SchoolsTable => format!(
            "(district_id = {D} AND (id = {S} OR ({S} IS NULL AND {R} = 'district_admin')))"
        ),
        Scope::DistrictsTable => format!("(id = {D})"),
    }
}

/// Runs statements only on PostgreSQL.
pub async fn pg(manager: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let conn = manager.get_connection();
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Enables RLS on a table with one policy for all commands.
pub fn tenant_policy(table: &str, scope: &Scope) -> Vec<String> {
    let p = predicate(scope);
    vec![
        format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
        format!("DROP POLICY IF EXISTS tenant ON {table}"),
        format!("CREATE POLICY tenant ON {table} USING {p} WITH CHECK {p}"),
    ]
}

/// Users: a user sees themself, the account being logged into (by username),
/// and the accounts of their tenant.
pub fn users_policy() -> Vec<String> {
    let p = format!(
        "(id = {U} OR username = NULLIF(current_setting('app.login', true), '') OR (district_id = {D} AND (school_id = {S} OR ({S} IS NULL AND {R} = 'district_admin'))))"
    );
    let w = format!(
        "(id = {U} OR (district_id = {D} AND (school_id = {S} OR ({S} IS NULL AND {R} = 'district_admin'))))"
    );
    vec![
        "ALTER TABLE users ENABLE ROW LEVEL SECURITY".into(),
        "DROP POLICY IF EXISTS tenant ON users".into(),
        format!("CREATE POLICY tenant ON users USING {p} WITH CHECK {w}"),
    ]
}

/// Role grants: one's own, and those of one's tenant.
pub fn grants_policy() -> Vec<String> {
    let p = format!("(user_id = {U} OR {})", predicate(&Scope::School));
    vec![
        "ALTER TABLE role_grants ENABLE ROW LEVEL SECURITY".into(),
        "DROP POLICY IF EXISTS tenant ON role_grants".into(),
        format!(
            "CREATE POLICY tenant ON role_grants USING {p} WITH CHECK {}",
            predicate(&Scope::School)
        ),
    ]
}

/// Refresh tokens: only the user's own.
pub fn tokens_policy() -> Vec<String> {
    vec![
        "ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY".into(),
        "DROP POLICY IF EXISTS own ON refresh_tokens".into(),
        format!(
            "CREATE POLICY own ON refresh_tokens USING (user_id = {U}) WITH CHECK (user_id = {U})"
        ),
    ]
}

/// The audit log is append-only for the app; reads are tenant-scoped.
pub fn audit_policy() -> Vec<String> {
    vec![
        "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY".into(),
        "DROP POLICY IF EXISTS append ON audit_log".into(),
        "DROP POLICY IF EXISTS read ON audit_log".into(),
        "CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (true)".into(),
        format!(
            "CREATE POLICY read ON audit_log FOR SELECT USING ({})",
            predicate(&Scope::School)
        ),
    ]
}

/// Creates the application role (once per cluster) and grants it DML on the
/// tables, never ownership; the audit log is insert-only.
pub fn app_role_and_grants() -> Vec<String> {
    vec![
        format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$"
        ),
        format!(
            "DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}', current_database()); END $$"
        ),
        format!("GRANT USAGE ON SCHEMA public TO {APP_ROLE}"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
        ),
        format!("REVOKE ALL ON seaql_migrations FROM {APP_ROLE}"),
        format!("REVOKE UPDATE, DELETE ON audit_log FROM {APP_ROLE}"),
    ]
}

/// Grants the app role DML on tables created by a later migration.
pub fn grant_tables(tables: &[&str]) -> Vec<String> {
    tables
        .iter()
        .map(|t| format!("GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {APP_ROLE}"))
        .collect()
}
