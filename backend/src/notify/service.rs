//! Delivering notices and the recipient's inbox.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use super::entity as inbox;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// Most notices listed at once.
pub const MAX_PAGE: u64 = 100;

/// A notice to deliver.
#[derive(Debug, Clone)]
pub struct Notice {
    /// `task_digest`, `talk_request`, `talk_answered`.
    pub kind: &'static str,
    /// Short title (≤ 100 characters), no names.
    pub title: String,
    /// Text (≤ 500 characters), counts and fixed phrases only.
    pub body: String,
    /// In-app path.
    pub link: String,
    /// One notice per user and key (idempotent delivery).
    pub dedupe_key: String,
}

/// Delivers a notice to a user of the school on `conn` (the caller's or
/// the job's transaction); a second delivery with the same key adds nothing.
pub async fn deliver<C: ConnectionTrait>(
    conn: &C,
    district: Uuid,
    school: Uuid,
    user: Uuid,
    n: &Notice,
) -> ApiResult<bool> {
    let (inbox_on, push_on) = super::prefs::channels(conn, school, user, n.kind).await?;
    if push_on {
        super::push::enqueue(conn, district, school, user, n).await?;
    }
    if !inbox_on {
        return Ok(false);
    }
    let title: String = n.title.chars().take(100).collect();
    let body: String = n.body.chars().take(500).collect();
    let key: String = n.dedupe_key.chars().take(128).collect();
    let b = conn.get_database_backend();
    let mut sql = "INSERT INTO inbox_items (id, district_id, school_id, user_id, kind, title, body, link, dedupe_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING"
        .to_string();
    if b == sea_orm::DbBackend::Sqlite {
        sql = sql.replace('$', "?");
    }
    let r = conn
        .execute(Statement::from_sql_and_values(
            b,
            sql,
            [
                Uuid::new_v4().into(),
                district.into(),
                school.into(),
                user.into(),
                n.kind.into(),
                title.into(),
                body.into(),
                n.link.clone().into(),
                key.into(),
                Utc::now().into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The caller's latest notices (newest first) and unread count. District
/// staff have no school inbox: empty.
pub async fn inbox(ctx: &Ctx, first: u64) -> ApiResult<(Vec<inbox::Model>, u64)> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok((vec![], 0));
    };
    if first == 0 || first > MAX_PAGE {
        return Err(ApiError::invalid("first", format!("每页 1–{MAX_PAGE} 条")));
    }
    let items = inbox::Entity::find()
        .filter(inbox::Column::SchoolId.eq(school))
        .filter(inbox::Column::UserId.eq(caller.user_id))
        .order_by_desc(inbox::Column::CreatedAt)
        .limit(first)
        .all(ctx.db())
        .await?;
    Ok((items, unread_count(ctx).await?))
}

/// The caller's unread notices.
pub async fn unread_count(ctx: &Ctx) -> ApiResult<u64> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(0);
    };
    Ok(inbox::Entity::find()
        .filter(inbox::Column::SchoolId.eq(school))
        .filter(inbox::Column::UserId.eq(caller.user_id))
        .filter(inbox::Column::ReadAt.is_null())
        .count(ctx.db())
        .await?)
}

/// Marks one of the caller's notices read (someone else's: `NOT_FOUND`).
pub async fn mark_read(ctx: &Ctx, id: Uuid) -> ApiResult<inbox::Model> {
    let caller = ctx.caller()?;
    let item = inbox::Entity::find_by_id(id)
        .filter(inbox::Column::SchoolId.eq(caller.school_id.unwrap_or_default()))
        .filter(inbox::Column::UserId.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("消息"))?;
    if item.read_at.is_some() {
        return Ok(item);
    }
    let mut am = item.into_active_model();
    am.read_at = Set(Some(Utc::now()));
    Ok(am.update(ctx.db()).await?)
}

/// Marks all of the caller's notices read; returns how many changed.
pub async fn mark_all_read(ctx: &Ctx) -> ApiResult<u64> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(0);
    };
    let r = inbox::Entity::update_many()
        .col_expr(
            inbox::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(inbox::Column::SchoolId.eq(school))
        .filter(inbox::Column::UserId.eq(caller.user_id))
        .filter(inbox::Column::ReadAt.is_null())
        .exec(ctx.db())
        .await?;
    Ok(r.rows_affected)
}
