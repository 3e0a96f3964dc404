//! Row-level security helpers (PostgreSQL only).
//!
//! Every tenant table gets one policy per command (`sel`, `ins`, `upd`,
//! `del`; a command without a policy is refused), `FORCE ROW LEVEL
//! SECURITY` (the table owner is bound too), and an `operator` policy for
//! the migrating role that applies only on connections that declare
//! `app.operator = on` (the server's owner connection for migrations and
//! operator commands, see `backend::db::connect_owner`).
//!
//! The walls, in terms of the per-transaction settings:
//! - no `app.district_id`, no rows;
//! - a school session (`app.school_id` set) reads and writes its school's
//!   rows only, never updates `districts` or `schools`, and never grants a
//!   district-level role;
//! - the district admin (`app.role = district_admin`, no school) writes no
//!   school-level row at all, and reads school-level rows only of the tables
//!   its aggregate pages count (`Scope::Aggregated`); its own writes are the
//!   district's: schools, school-admin accounts and grants, the policy
//!   baseline, audit records;
//! - `audit_log` is insert-only, and only for the caller's own user and tenant.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// The role the server connects as on PostgreSQL.
pub const APP_ROLE: &str = "daoshi_app";

/// The caller's district, school, role and user as set per transaction.
const D: &str = "NULLIF(current_setting('app.district_id', true), '')::uuid";
const S: &str = "NULLIF(current_setting('app.school_id', true), '')::uuid";
const R: &str = "COALESCE(current_setting('app.role', true), '')";
const U: &str = "NULLIF(current_setting('app.user_id', true), '')::uuid";
/// The account being logged into (set only inside the login transaction).
const LOGIN: &str = "NULLIF(current_setting('app.login', true), '')";
/// Set on the owner's connections only (never by the server's app pool).
const OPERATOR: &str = "(COALESCE(current_setting('app.operator', true), '') = 'on')";

/// How a table is owned by tenants.
pub enum Scope {
    /// Has `district_id` and `school_id`: only the school's rows. The
    /// district admin neither reads nor writes them.
    School,
    /// A school table the district admin's aggregate pages count (read-only
    /// for it, limited to rows matching the filter, e.g. `true`).
    Aggregated(&'static str),
    /// `schools` itself: its `id` is the school.
    SchoolsTable,
    /// `districts` itself.
    DistrictsTable,
}

/// The district admin acting at district level (no school set).
fn district() -> String {
    format!("({S} IS NULL AND {R} = 'district_admin')")
}

/// A school session's own rows (never the district role).
fn school_rows() -> String {
    format!("(district_id = {D} AND school_id = {S} AND {R} <> 'district_admin')")
}

/// The read predicate for a scope.
pub fn predicate(scope: &Scope) -> String {
    let dist = district();
    match scope {
        Scope::School => format!("(district_id = {D} AND school_id = {S})"),
        Scope::Aggregated(filter) => {
            format!("(district_id = {D} AND (school_id = {S} OR ({dist} AND {filter})))")
        }
        Scope::SchoolsTable => format!("(district_id = {D} AND (id = {S} OR {dist}))"),
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

/// Policy names ever used; dropped before a table's policies are (re)created.
const NAMES: [&str; 10] = [
    "tenant", "own", "append", "read", "write", "sel", "ins", "upd", "del", "operator",
];

/// Enables and forces RLS, drops every earlier policy of the table and adds
/// the operator's.
fn reset(table: &str) -> Vec<String> {
    let mut sql = vec![
        format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
        format!("ALTER TABLE {table} FORCE ROW LEVEL SECURITY"),
    ];
    for n in NAMES {
        sql.push(format!("DROP POLICY IF EXISTS {n} ON {table}"));
    }
    sql.push(format!(
        "CREATE POLICY operator ON {table} TO CURRENT_USER USING {OPERATOR} WITH CHECK {OPERATOR}"
    ));
    sql
}

/// Per-command policies; `None` leaves the command without a policy (refused).
struct Commands {
    select: Option<String>,
    insert: Option<String>,
    update: Option<(String, String)>,
    delete: Option<String>,
}

fn policies(table: &str, c: Commands) -> Vec<String> {
    let mut sql = reset(table);
    if let Some(p) = c.select {
        sql.push(format!("CREATE POLICY sel ON {table} FOR SELECT USING {p}"));
    }
    if let Some(p) = c.insert {
        sql.push(format!(
            "CREATE POLICY ins ON {table} FOR INSERT WITH CHECK {p}"
        ));
    }
    if let Some((using, check)) = c.update {
        sql.push(format!(
            "CREATE POLICY upd ON {table} FOR UPDATE USING {using} WITH CHECK {check}"
        ));
    }
    if let Some(p) = c.delete {
        sql.push(format!("CREATE POLICY del ON {table} FOR DELETE USING {p}"));
    }
    sql
}

/// A tenant table's policies by scope.
pub fn tenant_policy(table: &str, scope: &Scope) -> Vec<String> {
    let read = predicate(scope);
    let c = match scope {
        Scope::School | Scope::Aggregated(_) => {
            let w = school_rows();
            Commands {
                select: Some(read),
                insert: Some(w.clone()),
                update: Some((w.clone(), w.clone())),
                delete: Some(w),
            }
        }
        // Schools are the district admin's to create and rename; a school
        // session reads its own row only.
        Scope::SchoolsTable => {
            let w = format!("(district_id = {D} AND {})", district());
            Commands {
                select: Some(read),
                insert: Some(w.clone()),
                update: Some((w.clone(), w)),
                delete: None,
            }
        }
        // Districts are the operator's.
        Scope::DistrictsTable => Commands {
            select: Some(read),
            insert: None,
            update: None,
            delete: None,
        },
    };
    policies(table, c)
}

/// Whether the district admin may see and manage an account: one of the
/// district's that holds no role below school admin (a fresh account
/// included, so that the school admin it is creating can be returned).
fn district_manages_user() -> String {
    format!(
        "(district_id = {D} AND {} AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = users.id AND g.role NOT IN ('school_admin', 'district_admin')))",
        district()
    )
}

/// Users: a user sees themself, the account being logged into (by username),
/// the accounts of their school; the district admin the district's admin
/// accounts. Nobody deletes accounts; tenant columns never change
/// ([`tenant_move_guard`]).
pub fn users_policy() -> Vec<String> {
    let school = format!("(district_id = {D} AND school_id = {S})");
    let school_w = school_rows();
    let dist = district_manages_user();
    policies(
        "users",
        Commands {
            select: Some(format!(
                "(id = {U} OR username = {LOGIN} OR {school} OR {dist})"
            )),
            insert: Some(format!(
                "({school_w} OR (district_id = {D} AND {} AND school_id IN (SELECT id FROM schools)))",
                district()
            )),
            update: Some((
                format!("(id = {U} OR {school_w} OR {dist})"),
                format!("(id = {U} OR {school_w} OR {dist})"),
            )),
            delete: None,
        },
    )
}

/// Refuses to move an account to another district or school (except for
/// the operator).
pub fn tenant_move_guard() -> Vec<String> {
    vec![
        format!(
            "CREATE OR REPLACE FUNCTION daoshi_refuse_tenant_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NOT {OPERATOR} THEN RAISE EXCEPTION 'an account cannot move to another district or school' USING ERRCODE = '42501'; END IF; RETURN NEW; END $$"
        ),
        "DROP TRIGGER IF EXISTS users_tenant_fixed ON users".into(),
        "CREATE TRIGGER users_tenant_fixed BEFORE UPDATE ON users FOR EACH ROW WHEN (OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.school_id IS DISTINCT FROM NEW.school_id) EXECUTE FUNCTION daoshi_refuse_tenant_move()".into(),
    ]
}

/// Role grants: one's own, and those of one's tenant. A school grants and
/// revokes school roles to its own accounts; the district admin only grants
/// school admin to an account of that school; no grant is ever updated.
pub fn grants_policy() -> Vec<String> {
    let dist = district();
    let school_w = school_rows();
    let school_grant = format!(
        "({school_w} AND role <> 'district_admin' AND EXISTS (SELECT 1 FROM users u WHERE u.id = role_grants.user_id AND u.district_id = {D} AND u.school_id = {S}))"
    );
    let district_grant = format!(
        "(district_id = {D} AND {dist} AND role = 'school_admin' AND school_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = role_grants.user_id AND u.district_id = {D} AND u.school_id = role_grants.school_id))"
    );
    policies(
        "role_grants",
        Commands {
            select: Some(format!(
                "(user_id = {U} OR (district_id = {D} AND (school_id = {S} OR {dist})))"
            )),
            insert: Some(format!("({school_grant} OR {district_grant})")),
            update: None,
            delete: Some(format!("({school_w} AND role <> 'district_admin')")),
        },
    )
}

/// Care alerts: the school writes them (the emergency plan alerts other
/// people than the one raising); only the recipient reads and marks one.
pub fn care_alerts_policy() -> Vec<String> {
    let w = school_rows();
    let own = format!("({w} AND recipient_user_id = {U})");
    policies(
        "care_alerts",
        Commands {
            select: Some(own.clone()),
            insert: Some(w),
            update: Some((own.clone(), own)),
            delete: None,
        },
    )
}

/// Refresh tokens: only the user's own.
pub fn tokens_policy() -> Vec<String> {
    let own = format!("(user_id = {U})");
    policies(
        "refresh_tokens",
        Commands {
            select: Some(own.clone()),
            insert: Some(own.clone()),
            update: Some((own.clone(), own.clone())),
            delete: Some(own),
        },
    )
}

/// Refresh tokens, once refresh and logout verify before they trust: a
/// presented token is found by the SHA-256 of its secret (`app.refresh_hash`,
/// set from the presented secret, never from a claimed user id); only then
/// is `app.user_id` set from the row found, and the user's own rows open.
pub fn verified_tokens_policy() -> Vec<String> {
    let own = format!("(user_id = {U})");
    let presented =
        format!("({own} OR token_hash = NULLIF(current_setting('app.refresh_hash', true), ''))");
    policies(
        "refresh_tokens",
        Commands {
            select: Some(presented.clone()),
            insert: Some(own.clone()),
            update: Some((presented, own.clone())),
            delete: Some(own),
        },
    )
}

/// The audit log is append-only for the app: a record names the caller as
/// its actor and the caller's own tenant (checked against the settings, or
/// against the caller's account inside login, where no tenant is set yet);
/// a record of nobody carries no tenant. A school reads its school's
/// records, the district admin only district-level ones.
pub fn audit_policy() -> Vec<String> {
    let own = format!(
        "(actor_user_id = {U} AND (({D} IS NOT NULL AND district_id = {D} AND school_id IS NOT DISTINCT FROM {S}) OR ({D} IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = {U} AND u.district_id = audit_log.district_id AND u.school_id IS NOT DISTINCT FROM audit_log.school_id))))"
    );
    let nobody = "(actor_user_id IS NULL AND district_id IS NULL AND school_id IS NULL)";
    policies(
        "audit_log",
        Commands {
            select: Some(format!(
                "({} OR (district_id = {D} AND school_id IS NULL AND {}))",
                school_rows(),
                district()
            )),
            insert: Some(format!("({own} OR {nobody})")),
            update: None,
            delete: None,
        },
    )
}

/// Policy versions: a school reads its own rows and the district baseline,
/// the district admin every row of the district. A school inserts only its
/// own versions, the district admin only the baseline; versions are never
/// updated or deleted (no grant either).
pub fn policy_versions_policy() -> Vec<String> {
    let dist = district();
    policies(
        "policy_versions",
        Commands {
            select: Some(format!(
                "(district_id = {D} AND (school_id IS NULL OR school_id = {S} OR {dist}))"
            )),
            insert: Some(format!(
                "({} OR (district_id = {D} AND school_id IS NULL AND {dist}))",
                school_rows()
            )),
            update: None,
            delete: None,
        },
    )
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

/// Jobs (issue 14): a request enqueues and sees only its own tenant's jobs
/// (a school's, or the district admin's district-level ones). Workers run
/// with `app.role = job_worker` and no district: they see the whole queue
/// (to claim fairly across tenants), and run each job's handler in a
/// transaction set to the job's own tenant. No request sets that role.
pub fn jobs_policy() -> Vec<String> {
    let worker = format!("({R} = 'job_worker' AND {D} IS NULL)");
    let tenant = format!(
        "(district_id = {D} AND ((school_id = {S} AND {R} <> 'district_admin') OR (school_id IS NULL AND {S} IS NULL)))"
    );
    let p = format!("({worker} OR {tenant})");
    policies(
        "jobs",
        Commands {
            select: Some(p.clone()),
            insert: Some(p.clone()),
            update: Some((p.clone(), p.clone())),
            delete: Some(p),
        },
    )
}

/// Inbox items: a user reads and marks read only their own notices; any
/// session of the school (a parent's talk request, a worker running the
/// school's job) may deliver to an account of that school; none are deleted.
pub fn inbox_policy() -> Vec<String> {
    let own = format!("(user_id = {U} AND district_id = {D} AND school_id = {S})");
    let deliver = format!(
        "({} AND EXISTS (SELECT 1 FROM users u WHERE u.id = inbox_items.user_id AND u.district_id = {D} AND u.school_id = {S}))",
        school_rows()
    );
    policies(
        "inbox_items",
        Commands {
            select: Some(own.clone()),
            insert: Some(deliver),
            update: Some((own.clone(), own)),
            delete: None,
        },
    )
}

/// The job scheduler's list of schools (ids only), for the worker role
/// without a tenant; runs as the owner with the operator setting for the
/// function's duration only.
pub fn job_schools_function() -> Vec<String> {
    vec![
        "CREATE OR REPLACE FUNCTION daoshi_job_schools() RETURNS TABLE (district_id uuid, school_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET app.operator = 'on' AS $$ SELECT s.district_id, s.id FROM schools s ORDER BY s.id $$".into(),
        "REVOKE ALL ON FUNCTION daoshi_job_schools() FROM PUBLIC".into(),
        format!("GRANT EXECUTE ON FUNCTION daoshi_job_schools() TO {APP_ROLE}"),
    ]
}

/// Notification preferences (issue 14): any session of the school reads
/// them (a delivery checks its recipient's choice, whoever causes it); only
/// the user writes their own.
pub fn notify_prefs_policy() -> Vec<String> {
    let read = format!("(district_id = {D} AND school_id = {S})");
    let own = format!("({} AND user_id = {U})", school_rows());
    policies(
        "notify_prefs",
        Commands {
            select: Some(read),
            insert: Some(own.clone()),
            update: Some((own.clone(), own.clone())),
            delete: Some(own),
        },
    )
}

/// The narrowed role a district dashboard runs under (issue 13): it reads
/// the insight aggregates and plan reviews of its district and nothing
/// else; every personal table's policy requires another role.
pub const DISTRICT_READER: &str = "district_reader";

/// Pre-aggregated indicators (issue 13): a school session reads and writes
/// its own rows; the district (admin or reader, no school) reads only rows
/// matching `district_filter` (aggregate scopes, never per-mentor rows) and
/// writes none.
pub fn insights_policy(table: &str, district_filter: &str) -> Vec<String> {
    let w = school_rows();
    let reader = format!(
        "({S} IS NULL AND {R} IN ('district_admin', '{DISTRICT_READER}') AND {district_filter})"
    );
    policies(
        table,
        Commands {
            select: Some(format!(
                "(district_id = {D} AND (school_id = {S} OR {reader}))"
            )),
            insert: Some(w.clone()),
            update: Some((w.clone(), w.clone())),
            delete: Some(w),
        },
    )
}

/// Web Push subscriptions (issue 14): any session of the school reads them
/// (a delivery enqueues one push per device of its recipient); the user
/// adds and removes their own devices; the school's job worker records
/// sends and deletes those the push service declared gone (404/410).
pub fn push_subscriptions_policy() -> Vec<String> {
    let read = format!("(district_id = {D} AND school_id = {S})");
    let own = format!("({} AND user_id = {U})", school_rows());
    let worker = format!("({read} AND {R} = 'job_worker')");
    let either = format!("({own} OR {worker})");
    policies(
        "push_subscriptions",
        Commands {
            select: Some(read),
            insert: Some(own.clone()),
            update: Some((either.clone(), either.clone())),
            delete: Some(either),
        },
    )
}

/// Plan reviews (备案, issue 13): the district admin files a review of a
/// school's plan (append-only); the school and the district read them.
pub fn plan_reviews_policy() -> Vec<String> {
    let reader = format!("({S} IS NULL AND {R} IN ('district_admin', '{DISTRICT_READER}'))");
    policies(
        "plan_reviews",
        Commands {
            select: Some(format!(
                "(district_id = {D} AND (school_id = {S} OR {reader}))"
            )),
            insert: Some(format!("(district_id = {D} AND {})", district())),
            update: None,
            delete: None,
        },
    )
}
