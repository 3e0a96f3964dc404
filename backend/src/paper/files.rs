//! Generated files: asked for in a request (checked, bounded, queued),
//! built by a background job with the requester's rights while its progress
//! is recorded, then served to the requester alone until it expires.

use std::sync::Arc;

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use shared::org::Role;
use uuid::Uuid;

use super::PaperKind;
use super::entities::paper_file;
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::jobs::{self, Handler, HandlerFuture, Job, NewJob};
use crate::tenancy::{Caller, Ctx};

/// The job kind that builds files.
pub const JOB_KIND: &str = "paper.generate";
/// A file is served for this long after it is asked for.
pub const EXPIRES_HOURS: i64 = 24;
/// Largest file kept, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Files one user may have queued or running at once.
pub const MAX_OPEN: u64 = 5;
/// Files listed for a user.
const LIST_LIMIT: u64 = 20;

/// What is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// The kind of file.
    pub kind: PaperKind,
    /// Its subject (a student, class, round, run, survey, teacher or award),
    /// where the kind has one.
    pub subject: Option<Uuid>,
    /// The term, where the kind takes one (else the current term).
    pub term: Option<Uuid>,
}

/// Reports a running job's progress (0–100), at most once per step.
pub struct Progress {
    db: DatabaseConnection,
    district: Uuid,
    school: Uuid,
    file: Uuid,
    last: std::sync::atomic::AtomicI32,
}

impl Progress {
    /// Records `done` of `total` (rounded down, at most 99 until saved).
    pub async fn step(&self, done: usize, total: usize) {
        let pct = done
            .saturating_mul(99)
            .checked_div(total)
            .map_or(0, |p| i32::try_from(p).unwrap_or(99));
        let last = self.last.load(std::sync::atomic::Ordering::Relaxed);
        if pct < last + 5 {
            return;
        }
        self.last.store(pct, std::sync::atomic::Ordering::Relaxed);
        // Progress is advisory: a failed write only leaves the bar behind.
        let _ = write_status(
            &self.db,
            self.district,
            self.school,
            self.file,
            "running",
            pct,
            None,
        )
        .await;
    }
}

async fn write_status(
    db: &DatabaseConnection,
    district: Uuid,
    school: Uuid,
    file: Uuid,
    status: &str,
    progress: i32,
    outcome: Option<Result<Vec<u8>, String>>,
) -> ApiResult<()> {
    let tx = crate::db::begin(db).await?;
    jobs::set_tenant(&tx, Some(district), Some(school)).await?;
    let mut am = paper_file::ActiveModel {
        id: Set(file),
        status: Set(status.to_string()),
        progress: Set(progress),
        ..Default::default()
    };
    match outcome {
        Some(Ok(bytes)) => {
            am.size = Set(i32::try_from(bytes.len()).unwrap_or(i32::MAX));
            am.body = Set(Some(bytes));
            am.finished_at = Set(Some(crate::clock::now()));
        }
        Some(Err(e)) => {
            am.error = Set(Some(e));
            am.finished_at = Set(Some(crate::clock::now()));
        }
        None => {}
    }
    // On SQLite the write is the first statement: it takes the write lock at once.
    let done = paper_file::Entity::update_many()
        .set(am)
        .filter(paper_file::Column::Id.eq(file))
        .filter(paper_file::Column::SchoolId.eq(school))
        .exec(&tx)
        .await;
    done?;
    tx.commit().await?;
    Ok(())
}

/// Asks for a file: checks the caller may have it, bounds the caller's
/// open files, records it and queues its job.
#[tracing::instrument(skip_all, fields(kind = req.kind.code()))]
pub async fn request(ctx: &Ctx, req: Request) -> ApiResult<paper_file::Model> {
    let caller = ctx.caller()?.clone();
    let school = ctx.school_id()?;
    let filename = super::preflight(ctx, &req).await?;
    let open = paper_file::Entity::find()
        .filter(paper_file::Column::SchoolId.eq(school))
        .filter(paper_file::Column::RequestedBy.eq(caller.user_id))
        .filter(paper_file::Column::Status.is_in(["queued", "running"]))
        .count(ctx.db())
        .await?;
    if open >= MAX_OPEN {
        return Err(ApiError::invalid(
            "kind",
            format!("您已有 {MAX_OPEN} 个文件正在生成，请等其完成后再试"),
        ));
    }
    let now = crate::clock::now();
    let id = Uuid::new_v4();
    let requester = json!({
        "roles": caller.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "grades": caller.grades,
    });
    let row = paper_file::ActiveModel {
        id: Set(id),
        district_id: Set(caller.district_id),
        school_id: Set(school),
        requested_by: Set(caller.user_id),
        requester: Set(requester.to_string()),
        kind: Set(req.kind.code().to_string()),
        params: Set(json!({ "subject": req.subject, "term": req.term }).to_string()),
        filename: Set(filename),
        content_type: Set(req.kind.content_type().to_string()),
        status: Set("queued".into()),
        progress: Set(0),
        error: Set(None),
        body: Set(None),
        size: Set(0),
        created_at: Set(now),
        finished_at: Set(None),
        expires_at: Set(now + Duration::hours(EXPIRES_HOURS)),
    }
    .insert(ctx.db())
    .await?;
    jobs::enqueue(ctx, NewJob::new(JOB_KIND, json!({ "file": id }))).await?;
    audit::record(
        ctx,
        "paper.request",
        "paper_file",
        Some(id),
        Some(req.kind.code().into()),
    )
    .await?;
    Ok(row)
}

/// One of the caller's files (without its bytes).
pub async fn get(ctx: &Ctx, id: Uuid) -> ApiResult<paper_file::Model> {
    let caller = ctx.caller()?;
    light()
        .filter(paper_file::Column::Id.eq(id))
        .filter(paper_file::Column::SchoolId.eq(ctx.school_id()?))
        .filter(paper_file::Column::RequestedBy.eq(caller.user_id))
        .into_model::<paper_file::Model>()
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("文件"))
}

/// Rows without their bytes (a poll never loads a file).
fn light() -> sea_orm::Select<paper_file::Entity> {
    paper_file::Entity::find()
        .select_only()
        .columns(COLUMNS_NO_BODY)
        .column_as(Expr::cust("NULL"), "body")
}

const COLUMNS_NO_BODY: [paper_file::Column; 16] = [
    paper_file::Column::Id,
    paper_file::Column::DistrictId,
    paper_file::Column::SchoolId,
    paper_file::Column::RequestedBy,
    paper_file::Column::Requester,
    paper_file::Column::Kind,
    paper_file::Column::Params,
    paper_file::Column::Filename,
    paper_file::Column::ContentType,
    paper_file::Column::Status,
    paper_file::Column::Progress,
    paper_file::Column::Error,
    paper_file::Column::Size,
    paper_file::Column::CreatedAt,
    paper_file::Column::FinishedAt,
    paper_file::Column::ExpiresAt,
];

/// The caller's recent files, newest first.
pub async fn mine(ctx: &Ctx) -> ApiResult<Vec<paper_file::Model>> {
    let caller = ctx.caller()?;
    Ok(light()
        .filter(paper_file::Column::SchoolId.eq(ctx.school_id()?))
        .filter(paper_file::Column::RequestedBy.eq(caller.user_id))
        .order_by_desc(paper_file::Column::CreatedAt)
        .limit(LIST_LIMIT)
        .into_model::<paper_file::Model>()
        .all(ctx.db())
        .await?)
}

/// The bytes of a finished file for its requester (audited); expired,
/// unfinished or someone else's files are not found.
pub async fn download(ctx: &Ctx, id: Uuid) -> ApiResult<paper_file::Model> {
    let caller = ctx.caller()?;
    let row = paper_file::Entity::find_by_id(id)
        .filter(paper_file::Column::SchoolId.eq(ctx.school_id()?))
        .filter(paper_file::Column::RequestedBy.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("文件"))?;
    if row.expires_at <= crate::clock::now() {
        return Err(ApiError::not_found("文件（已过期，请重新生成）"));
    }
    if row.status != "done" || row.body.is_none() {
        return Err(ApiError::not_found("文件（尚未生成完成）"));
    }
    audit::record(
        ctx,
        "paper.download",
        "paper_file",
        Some(id),
        Some(row.kind.clone()),
    )
    .await?;
    Ok(row)
}

/// The requester as the job acts: their user, roles and grades.
fn requester_of(row: &paper_file::Model) -> Caller {
    let v: serde_json::Value = serde_json::from_str(&row.requester).unwrap_or_default();
    let roles = v["roles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().and_then(Role::from_code))
                .collect()
        })
        .unwrap_or_default();
    let grades = v["grades"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.as_i64().and_then(|g| i32::try_from(g).ok()))
                .collect()
        })
        .unwrap_or_default();
    Caller {
        user_id: row.requested_by,
        roles,
        district_id: row.district_id,
        school_id: Some(row.school_id),
        grades,
    }
}

/// The parameters of a row.
pub fn request_of(row: &paper_file::Model) -> ApiResult<Request> {
    let v: serde_json::Value = serde_json::from_str(&row.params).unwrap_or_default();
    let id = |k: &str| v[k].as_str().and_then(|s| Uuid::parse_str(s).ok());
    Ok(Request {
        kind: PaperKind::from_code(&row.kind).ok_or_else(|| ApiError::not_found("文件类型"))?,
        subject: id("subject"),
        term: id("term"),
    })
}

struct Generate {
    db: DatabaseConnection,
}

impl Generate {
    async fn run_file(&self, job: &Job) -> Result<(), String> {
        let p: serde_json::Value = serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
        let id = p["file"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or("a paper job without its file")?;
        let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
            return Err("a paper job without its school".into());
        };
        // Read in a transaction of its own: the job's transaction stays
        // unread, so on SQLite its final write never upgrades a stale snapshot.
        let sys = Ctx::begin_system(&self.db, d, s)
            .await
            .map_err(|e| e.message())?;
        let row = light()
            .filter(paper_file::Column::Id.eq(id))
            .filter(paper_file::Column::SchoolId.eq(s))
            .into_model::<paper_file::Model>()
            .one(sys.db())
            .await
            .map_err(|e| e.to_string());
        sys.finish(true).await.map_err(|e| e.message())?;
        let row = row?.ok_or("the file row is gone")?;
        if row.status == "done" || row.status == "failed" {
            return Ok(());
        }
        let status = |st: &'static str, pct: i32, out: Option<Result<Vec<u8>, String>>| {
            let db = self.db.clone();
            async move {
                write_status(&db, d, s, id, st, pct, out)
                    .await
                    .map_err(|e| e.message())
            }
        };
        status("running", 1, None).await?;
        let progress = Arc::new(Progress {
            db: self.db.clone(),
            district: d,
            school: s,
            file: id,
            last: std::sync::atomic::AtomicI32::new(1),
        });
        let outcome = match request_of(&row) {
            Ok(req) => {
                let ctx = Ctx::begin(&self.db, Some(requester_of(&row)))
                    .await
                    .map_err(|e| e.message())?;
                let built = super::generate(&ctx, &req, &progress).await;
                ctx.finish(built.is_ok()).await.map_err(|e| e.message())?;
                built
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(bytes) if bytes.len() > MAX_FILE_BYTES => {
                status(
                    "failed",
                    100,
                    Some(Err(format!(
                        "文件超过 {} MB 上限，请缩小范围后再生成",
                        MAX_FILE_BYTES / 1024 / 1024
                    ))),
                )
                .await
            }
            Ok(bytes) => status("done", 100, Some(Ok(bytes))).await,
            Err(e) => {
                tracing::warn!(file = %id, code = e.code(), "paper file failed");
                status("failed", 100, Some(Err(e.message()))).await
            }
        }
    }
}

impl Handler for Generate {
    fn run<'a>(&'a self, _tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.run_file(job))
    }
}

/// Registers the file job.
pub fn register(registry: &mut jobs::Registry, db: DatabaseConnection) {
    registry.register(JOB_KIND, Arc::new(Generate { db }));
}
