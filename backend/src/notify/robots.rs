//! WeCom (企业微信) and DingTalk (钉钉) group robots (issue 14).
//!
//! The school admin configures a robot webhook per group (the whole
//! school, a grade, or a class); daily digests and announcements are
//! posted to the matching robots as counts and links only — never a
//! student's name or anything private. Each post is a `notify.robot` job:
//! failures are retried with back-off, recorded on the robot (shown on the
//! integration page) and, when attempts are spent, left on the dead-job
//! page.
//!
//! Message formats, from the platforms' public documentation:
//! - WeCom group robot (群机器人配置说明,
//!   <https://developer.work.weixin.qq.com/document/path/91770>): `POST
//!   https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY` with
//!   `{"msgtype":"markdown","markdown":{"content":"…"}}` (content ≤ 4096
//!   bytes, UTF-8); the answer `{"errcode":0,"errmsg":"ok"}`.
//! - DingTalk custom robot (自定义机器人发送群消息,
//!   <https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages>):
//!   `POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN` with
//!   `{"msgtype":"markdown","markdown":{"title":"…","text":"…"}}`; with the
//!   加签 security setting (自定义机器人安全设置,
//!   <https://open.dingtalk.com/document/robots/customize-robot-security-settings>)
//!   also `&timestamp=<ms>&sign=<s>` where `s` = urlencode(base64(
//!   HMAC-SHA256(key = secret, message = timestamp + "\n" + secret))); the
//!   timestamp must be within an hour of DingTalk's clock. The answer
//!   `{"errcode":0,"errmsg":"ok"}`.

use std::sync::Arc;

use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::outbound::{Outbound, ROBOT_HOSTS};
use crate::jobs::{Handler, HandlerFuture, Job, NewJob, Registry, queue};

/// The job kind.
pub const ROBOT: &str = "notify.robot";
/// Longest message text (WeCom's markdown limit is 4096 bytes).
pub const MAX_TEXT: usize = 3000;

/// The entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One group robot of the school.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "robot_webhooks")]
    #[expect(
        missing_docs,
        reason = "columns are described in the migration m20261221_000002_robots"
    )]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub district_id: Uuid,
        pub school_id: Uuid,
        pub name: String,
        pub platform: String,
        pub grade: Option<i32>,
        pub class_id: Option<Uuid>,
        pub url: String,
        pub secret: Option<String>,
        pub created_at: DateTimeUtc,
        pub last_ok_at: Option<DateTimeUtc>,
        pub last_error: Option<String>,
        pub last_error_at: Option<DateTimeUtc>,
        pub failures: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The two platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// 企业微信.
    WeCom,
    /// 钉钉.
    DingTalk,
}

impl Platform {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Platform::WeCom => "wecom",
            Platform::DingTalk => "dingtalk",
        }
    }

    /// From the stored code.
    pub fn from_code(c: &str) -> Option<Platform> {
        match c {
            "wecom" => Some(Platform::WeCom),
            "dingtalk" => Some(Platform::DingTalk),
            _ => None,
        }
    }

    /// The webhook host of the platform.
    pub fn host(self) -> &'static str {
        match self {
            Platform::WeCom => ROBOT_HOSTS[0],
            Platform::DingTalk => ROBOT_HOSTS[1],
        }
    }
}

/// A message: a title, counts and fixed phrases, and an in-app link.
#[derive(Debug, Clone)]
pub struct Post {
    /// Title.
    pub title: String,
    /// Text (counts and fixed phrases only).
    pub text: String,
    /// In-app path, made absolute with the public URL when configured.
    pub link: String,
}

/// The JSON body of a post in the platform's markdown format.
pub fn body(platform: Platform, post: &Post, public_url: Option<&str>) -> serde_json::Value {
    let link = match public_url {
        Some(base) => format!("{}{}", base.trim_end_matches('/'), post.link),
        None => post.link.clone(),
    };
    let text: String = post.text.chars().take(MAX_TEXT).collect();
    let md = format!("### {}\n{}\n\n[打开导师系统]({link})", post.title, text);
    match platform {
        Platform::WeCom => serde_json::json!({
            "msgtype": "markdown",
            "markdown": { "content": md },
        }),
        Platform::DingTalk => serde_json::json!({
            "msgtype": "markdown",
            "markdown": { "title": post.title, "text": md },
        }),
    }
}

/// DingTalk's signature of a timestamp (ms) with the robot's secret,
/// base64 (to be URL-encoded in the query).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL to post to: the stored webhook, plus DingTalk's `timestamp`
/// and `sign` when the robot has a secret.
pub fn post_url(out: &Outbound, hook: &entity::Model, now_ms: i64) -> Result<url::Url, String> {
    let platform = Platform::from_code(&hook.platform).ok_or("unknown platform")?;
    let mut url = out
        .check(&hook.url, &[platform.host()])
        .map_err(|_| "robot URL not allowed".to_string())?;
    if let (Platform::DingTalk, Some(secret)) = (platform, hook.secret.as_deref()) {
        url.query_pairs_mut()
            .append_pair("timestamp", &now_ms.to_string())
            .append_pair("sign", &dingtalk_sign(secret, now_ms));
    }
    Ok(url)
}

/// Sends one post to one robot now; `Err` holds a short reason without
/// the URL (it carries the robot's key).
pub async fn send(
    out: &Outbound,
    public_url: Option<&str>,
    hook: &entity::Model,
    post: &Post,
) -> Result<(), String> {
    let platform = Platform::from_code(&hook.platform).ok_or("unknown platform")?;
    let url = post_url(out, hook, Utc::now().timestamp_millis())?;
    let json = body(platform, post, public_url).to_string();
    let a = out
        .post(
            url,
            &[("Content-Type", "application/json; charset=utf-8".into())],
            json.into_bytes(),
        )
        .await?;
    if a.status != 200 {
        return Err(format!("机器人接口返回 HTTP {}", a.status));
    }
    let v: serde_json::Value = serde_json::from_str(&a.text).unwrap_or_default();
    match v["errcode"].as_i64() {
        Some(0) => Ok(()),
        Some(code) => {
            let msg: String = v["errmsg"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect();
            Err(format!("机器人接口返回错误 {code}：{msg}"))
        }
        None => Err("机器人接口的回答无法识别".into()),
    }
}

/// Which groups a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The school-wide groups only (staff digests).
    School,
    /// The school-wide groups and those of a grade and its classes.
    Grade(i32),
    /// Every group of the school.
    All,
}

/// The robots a post reaches.
pub async fn hooks_for<C: ConnectionTrait>(
    conn: &C,
    school: Uuid,
    audience: Audience,
) -> Result<Vec<entity::Model>, sea_orm::DbErr> {
    use crate::org::entities::class;
    let all = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .all(conn)
        .await?;
    if audience == Audience::All {
        return Ok(all);
    }
    let grade = match audience {
        Audience::Grade(g) => Some(g),
        _ => None,
    };
    let classes: Vec<Uuid> = match grade {
        Some(g) => class::Entity::find()
            .filter(class::Column::SchoolId.eq(school))
            .filter(class::Column::Grade.eq(g))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect(),
        None => vec![],
    };
    Ok(all
        .into_iter()
        .filter(|h| match (h.grade, h.class_id) {
            (None, None) => true,
            (Some(g), _) => Some(g) == grade,
            (None, Some(c)) => classes.contains(&c),
        })
        .collect())
}

/// Enqueues a post to each robot of `hooks` on `conn` (the causing
/// transaction), keyed by robot and `key`.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    district: Uuid,
    school: Uuid,
    hooks: &[entity::Model],
    post: &Post,
    key: &str,
) -> crate::error::ApiResult<()> {
    for h in hooks {
        let mut j = NewJob::new(
            ROBOT,
            serde_json::json!({
                "hook": h.id.to_string(),
                "title": post.title,
                "text": post.text,
                "link": post.link,
            }),
        );
        j.dedupe_key = Some(format!("robot:{}:{key}", h.id).chars().take(128).collect());
        queue::insert(conn, Some(district), Some(school), j).await?;
    }
    Ok(())
}

/// Records a failed post on its robot, in a transaction of its own (the
/// failed job's was rolled back).
pub async fn record_failure(
    db: &DatabaseConnection,
    district: Uuid,
    school: Uuid,
    hook: Uuid,
    error: &str,
) -> crate::error::ApiResult<()> {
    let tx = crate::db::begin(db).await?;
    crate::jobs::set_tenant(&tx, Some(district), Some(school)).await?;
    entity::Entity::update_many()
        .filter(entity::Column::Id.eq(hook))
        .filter(entity::Column::SchoolId.eq(school))
        .col_expr(
            entity::Column::LastError,
            Expr::value(error.chars().take(200).collect::<String>()),
        )
        .col_expr(entity::Column::LastErrorAt, Expr::value(Utc::now()))
        .col_expr(
            entity::Column::Failures,
            Expr::col(entity::Column::Failures).add(1),
        )
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Registers the robot handler.
pub fn register(registry: &mut Registry, out: Outbound, public_url: Option<String>) {
    registry.register(ROBOT, Arc::new(Poster { out, public_url }));
}

struct Poster {
    out: Outbound,
    public_url: Option<String>,
}

impl Handler for Poster {
    fn run<'a>(&'a self, tx: &'a DatabaseTransaction, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let Some(s) = job.school_id else {
                return Err("a robot job without its school".into());
            };
            let p: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            let hook: Uuid = p["hook"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .ok_or("robot job without a robot")?;
            let Some(h) = entity::Entity::find_by_id(hook)
                .filter(entity::Column::SchoolId.eq(s))
                .one(tx)
                .await
                .map_err(|e| e.to_string())?
            else {
                return Ok(()); // removed meanwhile
            };
            let post = Post {
                title: p["title"].as_str().unwrap_or_default().into(),
                text: p["text"].as_str().unwrap_or_default().into(),
                link: p["link"].as_str().unwrap_or("/").into(),
            };
            send(&self.out, self.public_url.as_deref(), &h, &post).await?;
            entity::Entity::update_many()
                .col_expr(entity::Column::LastOkAt, Expr::value(Utc::now()))
                .col_expr(entity::Column::Failures, Expr::value(0))
                .filter(entity::Column::Id.eq(h.id))
                .filter(entity::Column::SchoolId.eq(s))
                .exec(tx)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        })
    }

    fn failed<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        job: &'a Job,
        error: &'a str,
    ) -> HandlerFuture<'a> {
        Box::pin(async move {
            let (Some(d), Some(s)) = (job.district_id, job.school_id) else {
                return Ok(());
            };
            let p: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            let Some(hook) = p["hook"].as_str().and_then(|v| v.parse().ok()) else {
                return Ok(());
            };
            record_failure(db, d, s, hook, error)
                .await
                .map_err(|e| e.message())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DingTalk's documented example shape: base64 of a 32-byte MAC.
    #[test]
    fn the_dingtalk_signature_is_base64_of_hmac_sha256() {
        let s = dingtalk_sign("SEC000", 1_700_000_000_000);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&s)
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_ne!(s, dingtalk_sign("SEC000", 1_700_000_000_001));
    }

    #[test]
    fn posts_carry_the_link_and_cut_long_text() {
        let p = Post {
            title: "t".into(),
            text: "q".repeat(MAX_TEXT + 10),
            link: "/tasks".into(),
        };
        let w = body(Platform::WeCom, &p, Some("https://daoshi.example.cn/"));
        let c = w["markdown"]["content"].as_str().unwrap();
        assert!(c.ends_with("(https://daoshi.example.cn/tasks)"));
        assert!(c.chars().filter(|c| *c == 'q').count() == MAX_TEXT);
        let d = body(Platform::DingTalk, &p, None);
        assert_eq!(d["markdown"]["title"], "t");
    }
}
