//! Web Push to phones (issue 14): devices subscribe through the service
//! worker (`frontend/sw.js`); a notice whose recipient wants pushes of its
//! kind enqueues one `notify.push` job per device, in the delivering
//! transaction; the job encrypts the notice (title, fixed text, link —
//! nothing the inbox does not show) for that device and posts it to the
//! device's push service with a VAPID signature. 201/202/200: sent; 404
//! or 410: the subscription is gone and removed; anything else: retried
//! with back-off. Parents' and students' pushes wait out the school's
//! quiet hours (the job re-enqueues itself for the morning).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use shared::org::Role;
use uuid::Uuid;

use super::outbound::{Outbound, PUSH_HOSTS};
use super::service::Notice;
use super::webpush::{Vapid, encrypt};
use crate::error::{ApiError, ApiResult};
use crate::jobs::{Handler, HandlerFuture, Job, NewJob, Registry, queue};
use crate::tenancy::Ctx;

/// The job kind.
pub const PUSH: &str = "notify.push";
/// Most devices per user.
pub const MAX_DEVICES: u64 = 10;
/// Seconds a push service keeps an undelivered message (`TTL`).
pub const TTL_SECS: u32 = 24 * 3600;

/// The entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One subscribed device.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "push_subscriptions")]
    #[expect(
        missing_docs,
        reason = "columns are described in the migration m20261221_000001_notify_prefs"
    )]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub district_id: Uuid,
        pub school_id: Uuid,
        pub user_id: Uuid,
        pub endpoint: String,
        pub p256dh: String,
        pub auth: String,
        pub created_at: DateTimeUtc,
        pub last_ok_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What pushing needs: the key and the bounded client (`vapid` is `None`
/// when the deployment has no key: no pushes).
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The server's key.
    pub vapid: Option<Arc<Vapid>>,
    /// The bounded client.
    pub outbound: Outbound,
}

impl PushConfig {
    /// From the configuration: the VAPID key (refusing a malformed one)
    /// and the outbound allowances.
    pub fn from_config(c: &crate::config::Config) -> anyhow::Result<PushConfig> {
        use secrecy::ExposeSecret;
        let vapid = c
            .vapid_private_key
            .as_ref()
            .map(|k| Vapid::new(k.expose_secret(), &c.vapid_subject))
            .transpose()?
            .map(Arc::new);
        Ok(PushConfig {
            vapid,
            outbound: Outbound::new(c.outbound_allow_local)?,
        })
    }
}

fn decoded_len(v: &str) -> Option<usize> {
    B64.decode(v.trim_end_matches('=')).ok().map(|b| b.len())
}

/// Subscribes one of the caller's devices (idempotent per endpoint).
pub async fn subscribe(
    ctx: &Ctx,
    cfg: &PushConfig,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> ApiResult<bool> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Err(ApiError::forbidden("区级账号没有学校消息"));
    };
    if cfg.vapid.is_none() {
        return Err(ApiError::conflict(
            "本系统未配置推送密钥，暂不能开启手机推送",
        ));
    }
    let url = cfg
        .outbound
        .check(endpoint, PUSH_HOSTS)
        .map_err(|m| ApiError::invalid("endpoint", m))?;
    if p256dh.len() > 100 || decoded_len(p256dh) != Some(65) {
        return Err(ApiError::invalid("p256dh", "设备公钥格式不对"));
    }
    if auth.len() > 40 || decoded_len(auth) != Some(16) {
        return Err(ApiError::invalid("auth", "设备密钥格式不对"));
    }
    let endpoint = url.to_string();
    let existing = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::Endpoint.eq(endpoint.clone()))
        .one(ctx.db())
        .await?;
    if let Some(e) = existing {
        if e.user_id != caller.user_id {
            return Err(ApiError::conflict(
                "这台设备已为另一个账号开启推送，请先在那个账号中关闭",
            ));
        }
        entity::Entity::delete_by_id(e.id).exec(ctx.db()).await?;
    } else {
        let n = entity::Entity::find()
            .filter(entity::Column::SchoolId.eq(school))
            .filter(entity::Column::UserId.eq(caller.user_id))
            .count(ctx.db())
            .await?;
        if n >= MAX_DEVICES {
            return Err(ApiError::conflict(format!(
                "最多 {MAX_DEVICES} 台设备开启推送，请先在不用的设备上关闭"
            )));
        }
    }
    entity::Entity::insert(entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(caller.district_id),
        school_id: Set(school),
        user_id: Set(caller.user_id),
        endpoint: Set(endpoint),
        p256dh: Set(p256dh.trim_end_matches('=').into()),
        auth: Set(auth.trim_end_matches('=').into()),
        created_at: Set(Utc::now()),
        last_ok_at: Set(None),
    })
    .exec_without_returning(ctx.db())
    .await?;
    Ok(true)
}

/// Removes one of the caller's devices; false when it was not subscribed.
pub async fn unsubscribe(ctx: &Ctx, endpoint: &str) -> ApiResult<bool> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(false);
    };
    if endpoint.len() > super::outbound::MAX_URL {
        return Err(ApiError::invalid("endpoint", "地址过长"));
    }
    let r = entity::Entity::delete_many()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(caller.user_id))
        .filter(entity::Column::Endpoint.eq(endpoint.trim()))
        .exec(ctx.db())
        .await?;
    Ok(r.rows_affected > 0)
}

/// How many of the caller's devices are subscribed.
pub async fn device_count(ctx: &Ctx) -> ApiResult<u64> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(0);
    };
    Ok(entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(caller.user_id))
        .count(ctx.db())
        .await?)
}

/// Enqueues one push per device of `user` on `conn` (the delivering
/// transaction), keyed by device and notice.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    district: Uuid,
    school: Uuid,
    user: Uuid,
    n: &Notice,
) -> ApiResult<()> {
    let devices = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(user))
        .all(conn)
        .await?;
    for d in devices {
        let mut j = NewJob::new(
            PUSH,
            serde_json::json!({
                "sub": d.id.to_string(),
                "user": user.to_string(),
                "title": n.title,
                "body": n.body,
                "link": n.link,
            }),
        );
        let key: String = format!("push:{}:{}", d.id, n.dedupe_key)
            .chars()
            .take(128)
            .collect();
        j.dedupe_key = Some(key);
        queue::insert(conn, Some(district), Some(school), j).await?;
    }
    Ok(())
}

/// Registers the push handler.
pub fn register(registry: &mut Registry, db: DatabaseConnection, cfg: PushConfig) {
    registry.register(PUSH, Arc::new(Pusher { db, cfg }));
}

struct Pusher {
    db: DatabaseConnection,
    cfg: PushConfig,
}

/// When a push for `user` may go: now (`None`), or the end of the
/// school's quiet hours for a parent or student (ms since the epoch).
async fn release_at(
    db: &DatabaseConnection,
    district: Uuid,
    school: Uuid,
    user: Uuid,
) -> ApiResult<Option<i64>> {
    let ctx = Ctx::begin_system(db, district, school).await?;
    let r = quiet_release(&ctx, district, school, user).await;
    ctx.finish(true).await?;
    r
}

async fn quiet_release(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    user: Uuid,
) -> ApiResult<Option<i64>> {
    use crate::auth::entities::role_grant;
    let roles: Vec<String> = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|g| g.role)
        .collect();
    let family = |r: &String| r == Role::Parent.code() || r == Role::Student.code();
    // Quiet hours are for parents and students; staff get pushes any time.
    if roles.is_empty() || !roles.iter().all(family) {
        return Ok(None);
    }
    // China time (the clock may be moved ahead in tests).
    let now = (crate::clock::now() + chrono::Duration::hours(8)).naive_utc();
    let quiet = crate::policy::service::policy_on(ctx, district, school, now.date())
        .await?
        .map(|e| e.version.rules.communication.quiet_hours)
        .unwrap_or_default();
    let at = quiet.release(now);
    Ok((at > now).then(|| queue::now_ms() + (at - now).num_milliseconds()))
}

impl Handler for Pusher {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
                return Err("a push job without its school".into());
            };
            let p: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            let sub: Uuid = p["sub"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .ok_or("push without a subscription")?;
            let user: Uuid = p["user"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .ok_or("push without a user")?;
            if p["deferred"].as_bool() != Some(true)
                && let Some(at) = release_at(&self.db, d, s, user)
                    .await
                    .map_err(|e| e.message())?
            {
                // Quiet hours: the same push, once, in the morning.
                let mut later = p.clone();
                later["deferred"] = serde_json::json!(true);
                let mut j = NewJob::new(PUSH, later);
                j.run_at = Some(at);
                j.dedupe_key = Some(format!("push-deferred:{}", job.id));
                queue::insert(tx, Some(d), Some(s), j)
                    .await
                    .map_err(|e| e.message())?;
                return Ok(());
            }
            let Some(vapid) = &self.cfg.vapid else {
                return Err("no VAPID key configured".into());
            };
            let Some(row) = entity::Entity::find_by_id(sub)
                .filter(entity::Column::SchoolId.eq(s))
                .one(tx)
                .await
                .map_err(|e| e.to_string())?
            else {
                return Ok(()); // unsubscribed meanwhile
            };
            let url = self
                .cfg
                .outbound
                .check(&row.endpoint, PUSH_HOSTS)
                .map_err(|_| "push endpoint not allowed".to_string())?;
            let audience = url.origin().ascii_serialization();
            let message = serde_json::json!({
                "title": p["title"],
                "body": p["body"],
                "link": p["link"],
            });
            let body = encrypt(&row.p256dh, &row.auth, message.to_string().as_bytes())
                .map_err(|e| e.to_string())?;
            let auth = vapid
                .authorization(&audience, Utc::now().timestamp())
                .map_err(|e| e.to_string())?;
            let answer = self
                .cfg
                .outbound
                .post(
                    url,
                    &[
                        ("Authorization", auth),
                        ("Content-Encoding", "aes128gcm".into()),
                        ("Content-Type", "application/octet-stream".into()),
                        ("TTL", TTL_SECS.to_string()),
                        ("Urgency", "normal".into()),
                    ],
                    body,
                )
                .await?;
            match answer.status {
                200..=202 => {
                    entity::Entity::update_many()
                        .col_expr(
                            entity::Column::LastOkAt,
                            sea_orm::sea_query::Expr::value(Utc::now()),
                        )
                        .filter(entity::Column::Id.eq(row.id))
                        .exec(tx)
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(())
                }
                404 | 410 => {
                    entity::Entity::delete_by_id(row.id)
                        .exec(tx)
                        .await
                        .map_err(|e| e.to_string())?;
                    tracing::info!("push subscription gone; removed");
                    Ok(())
                }
                other => Err(format!("push service answered {other}")),
            }
        })
    }
}
