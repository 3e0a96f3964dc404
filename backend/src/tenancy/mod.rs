//! The request context: who is calling, for which tenant, and the one
//! database transaction all of the request's work runs in.
//!
//! On PostgreSQL the transaction first sets `app.district_id`, `app.school_id`,
//! `app.role` and `app.user_id` with `set_config(…, true)` from bound
//! parameters: transaction-local, so a pooled connection never carries a
//! tenant into the next request, and RLS policies see no rows without them.
//! The tenant comes only from the verified token (or, for operator commands,
//! from the command line); nothing else sets it.
//!
//! The request's audit records are kept in the `Ctx` (once per actor,
//! action, subject and reason: see `crate::audit`) and written when it
//! finishes, so that a read never leaves without its record:
//!
//! - a request that writes (a mutation, an operator command) writes them in
//!   its own transaction before committing; if it fails, nothing it did
//!   happened and its records are dropped with its changes;
//! - a read request (a query) ends its read transaction first, then writes
//!   its records in a transaction of their own that takes the write lock
//!   properly (like `begin_for_write`: on SQLite it waits its turn instead of
//!   failing to upgrade the read snapshot), whether or not the query had
//!   errors, since a partial answer may still carry what was read. On
//!   PostgreSQL a successful query writes them in its own transaction.
//!
//! If the records cannot be written, `finish` fails and the caller answers
//! with that error instead of the data.

use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PrimaryKeyTrait, QueryFilter, Statement,
};
use shared::org::Role;
use uuid::Uuid;

use crate::audit::entity as audit_log;
use crate::error::{ApiError, ApiResult};

/// The authenticated caller, from a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user.
    pub user_id: Uuid,
    /// Every role the user holds (a head teacher is usually also a mentor).
    pub roles: Vec<Role>,
    /// The user's district.
    pub district_id: Uuid,
    /// The user's school; none for district staff.
    pub school_id: Option<Uuid>,
    /// Grades led, for grade leaders.
    pub grades: Vec<i32>,
}

impl Caller {
    /// Whether the caller holds a role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The value of `app.role`: `district_admin` only for district-level
    /// callers, so that RLS widens to the whole district for them alone.
    pub fn rls_role(&self) -> &'static str {
        if self.school_id.is_none() && self.has(Role::DistrictAdmin) {
            Role::DistrictAdmin.code()
        } else {
            self.roles.first().map_or("", |r| r.code())
        }
    }

    /// Role codes for audit records.
    pub fn role_codes(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// One request's context. Every service function takes it first.
pub struct Ctx {
    caller: Option<Caller>,
    conn: DatabaseConnection,
    tx: DatabaseTransaction,
    write: bool,
    keep_on_error: AtomicBool,
    audit: Mutex<Vec<audit_log::Model>>,
    after_commit: Mutex<Vec<AfterCommit>>,
}

/// Work to do once the request's changes are committed (e.g. publishing a
/// live event about them); dropped when the request fails.
pub type AfterCommit = Box<dyn FnOnce() + Send>;

impl Ctx {
    /// Opens the request's transaction and sets the tenant for RLS.
    pub async fn begin(db: &DatabaseConnection, caller: Option<Caller>) -> ApiResult<Ctx> {
        Ctx::begin_with(db, caller, false).await
    }

    /// Opens the transaction of a request that will write. On SQLite the
    /// write lock is taken first: a deferred transaction that read first
    /// could not upgrade while another writer is active and would fail
    /// instead of waiting its turn (busy timeout).
    pub async fn begin_for_write(
        db: &DatabaseConnection,
        caller: Option<Caller>,
    ) -> ApiResult<Ctx> {
        Ctx::begin_with(db, caller, true).await
    }

    /// Opens the transaction of a background job acting for one school
    /// (issue 14): the tenant is the job's, the caller holds no role (every
    /// `require_*` check refuses it), and `app.role` is `job_worker`.
    pub async fn begin_system(
        db: &DatabaseConnection,
        district_id: Uuid,
        school_id: Uuid,
    ) -> ApiResult<Ctx> {
        let ctx = Ctx::begin_with(db, None, false).await?;
        ctx.set_local("app.district_id", &district_id.to_string())
            .await?;
        ctx.set_local("app.school_id", &school_id.to_string())
            .await?;
        ctx.set_local("app.role", "job_worker").await?;
        ctx.set_local("app.user_id", "").await?;
        Ok(Ctx {
            caller: Some(Caller {
                user_id: Uuid::nil(),
                roles: vec![],
                district_id,
                school_id: Some(school_id),
                grades: vec![],
            }),
            ..ctx
        })
    }

    async fn begin_with(
        db: &DatabaseConnection,
        caller: Option<Caller>,
        write: bool,
    ) -> ApiResult<Ctx> {
        let tx = crate::db::begin(db).await?;
        if write && tx.get_database_backend() == DbBackend::Sqlite {
            // Any write statement takes SQLite's RESERVED lock, even one that
            // matches no row.
            tx.execute_unprepared("UPDATE districts SET code = code WHERE 1 = 0")
                .await?;
        }
        let ctx = Ctx {
            caller,
            conn: db.clone(),
            tx,
            write,
            keep_on_error: AtomicBool::new(false),
            audit: Mutex::new(Vec::new()),
            after_commit: Mutex::new(Vec::new()),
        };
        if let Some(c) = &ctx.caller {
            let district = c.district_id.to_string();
            let school = c.school_id.map(|s| s.to_string()).unwrap_or_default();
            let user = c.user_id.to_string();
            let role = c.rls_role();
            ctx.set_local("app.district_id", &district).await?;
            ctx.set_local("app.school_id", &school).await?;
            ctx.set_local("app.role", role).await?;
            ctx.set_local("app.user_id", &user).await?;
        }
        Ok(ctx)
    }

    /// Sets a transaction-local setting (PostgreSQL only; a no-op on SQLite,
    /// where the service-layer filters are the protection).
    pub async fn set_local(&self, key: &str, value: &str) -> ApiResult<()> {
        if self.tx.get_database_backend() == DbBackend::Postgres {
            self.tx
                .execute(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT set_config($1, $2, true)",
                    [key.into(), value.into()],
                ))
                .await?;
        }
        Ok(())
    }

    /// The transaction to run queries on.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// The caller, or `UNAUTHENTICATED`.
    pub fn caller(&self) -> ApiResult<&Caller> {
        self.caller.as_ref().ok_or_else(ApiError::unauthenticated)
    }

    /// The caller's school, or `FORBIDDEN` for district-level callers.
    pub fn school_id(&self) -> ApiResult<Uuid> {
        self.caller()?
            .school_id
            .ok_or_else(|| ApiError::forbidden("此操作需要学校账号；区级账号只能查看汇总数据"))
    }

    /// The caller's district.
    pub fn district_id(&self) -> ApiResult<Uuid> {
        Ok(self.caller()?.district_id)
    }

    /// Requires one of the roles, else `FORBIDDEN`.
    pub fn require_any(&self, roles: &[Role]) -> ApiResult<&Caller> {
        let caller = self.caller()?;
        if roles.iter().any(|r| caller.has(*r)) {
            Ok(caller)
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.label_zh()).collect();
            Err(ApiError::forbidden(format!(
                "只有{}可以执行此操作",
                names.join("或")
            )))
        }
    }

    /// Requires the school admin role in a school.
    pub fn require_school_admin(&self) -> ApiResult<(Uuid, Uuid)> {
        let caller = self.require_any(&[Role::SchoolAdmin])?;
        let school = self.school_id()?;
        Ok((caller.district_id, school))
    }

    /// Marks changes made so far to be committed even though the request
    /// returns an error (e.g. revoking a token family on reuse).
    pub fn keep_changes_on_error(&self) {
        self.keep_on_error.store(true, Ordering::SeqCst);
    }

    /// Keeps an audit record to be written when the request finishes,
    /// unless the request already holds the same one (same actor, action,
    /// subject and reason). Returns whether it was new.
    pub fn push_audit(&self, record: audit_log::Model) -> bool {
        let mut pending = self
            .audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let same = |r: &audit_log::Model| {
            r.actor_user_id == record.actor_user_id
                && r.action == record.action
                && r.subject_type == record.subject_type
                && r.subject_id == record.subject_id
                && r.reason == record.reason
        };
        if pending.iter().any(same) {
            return false;
        }
        pending.push(record);
        true
    }

    /// Runs `f` after the request's changes are committed; never when the
    /// request fails and is rolled back.
    pub fn after_commit(&self, f: AfterCommit) {
        self.after_commit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(f);
    }

    /// Ends the request: commits when it succeeded (or changes must be kept),
    /// else rolls back so that a failed mutation changes nothing; writes the
    /// request's audit records (see the module documentation). An error
    /// means the records could not be written: the request must fail.
    pub async fn finish(self, succeeded: bool) -> ApiResult<()> {
        let keep = succeeded || self.keep_on_error.load(Ordering::SeqCst);
        let records = self
            .audit
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let after = self
            .after_commit
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let run_after = move |committed: bool| {
            if committed {
                for f in after {
                    f();
                }
            }
        };
        let in_own_tx =
            self.write || (keep && self.tx.get_database_backend() == DbBackend::Postgres);
        if in_own_tx {
            if keep {
                write_audit(&self.tx, records).await?;
                self.tx.commit().await?;
            } else {
                self.tx.rollback().await?;
            }
            run_after(succeeded);
            return Ok(());
        }
        if keep {
            self.tx.commit().await?;
        } else {
            self.tx.rollback().await?;
        }
        run_after(succeeded);
        if records.is_empty() {
            return Ok(());
        }
        let w = Ctx::begin_with(&self.conn, self.caller, true).await?;
        write_audit(&w.tx, records).await?;
        w.tx.commit().await?;
        Ok(())
    }
}

/// Appends audit records (no RETURNING: the app role may append records it
/// is not allowed to read back).
async fn write_audit(tx: &DatabaseTransaction, records: Vec<audit_log::Model>) -> ApiResult<()> {
    // Bounded batches keep each statement under the bind-parameter limits.
    for chunk in records.chunks(90) {
        let rows = chunk.iter().cloned().map(audit_log::ActiveModel::from);
        audit_log::Entity::insert_many(rows)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Loads a row of the caller's school by id, else `NOT_FOUND` (rows of
/// other schools are indistinguishable from missing ones).
pub async fn one_in_school<E>(ctx: &Ctx, id: Uuid, what: &str) -> ApiResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let school = ctx.school_id()?;
    let district = ctx.district_id()?;
    let school_col = E::Column::from_str("school_id")
        .map_err(|_| anyhow::anyhow!("{} has no school_id", E::default().table_name()))?;
    let district_col = E::Column::from_str("district_id")
        .map_err(|_| anyhow::anyhow!("{} has no district_id", E::default().table_name()))?;
    E::find_by_id(id)
        .filter(school_col.eq(school))
        .filter(district_col.eq(district))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found(what))
}

/// Parses the id of a tenant's row; a malformed id is treated as missing
/// (`NOT_FOUND`), like a row of another tenant.
pub fn parse_id(id: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found(what))
}
