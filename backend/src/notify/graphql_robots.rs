//! The integration page (the school admin, issue 14): the school's group
//! robots with their latest outcome, adding one, a test post, removing.
//! A robot's webhook carries its key and is never shown back whole; the
//! DingTalk secret never at all.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::robots::{Platform, Post, entity, send};
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{GqlResult, ctx_of, id, opt_id, parse_id, state_of};
use crate::org::entities::class;
use crate::tenancy::Ctx;

/// A robot's platform.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RobotPlatform {
    /// 企业微信群机器人.
    Wecom,
    /// 钉钉自定义机器人.
    Dingtalk,
}

impl From<RobotPlatform> for Platform {
    fn from(p: RobotPlatform) -> Platform {
        match p {
            RobotPlatform::Wecom => Platform::WeCom,
            RobotPlatform::Dingtalk => Platform::DingTalk,
        }
    }
}

/// A group robot as the admin sees it.
#[derive(SimpleObject)]
pub struct RobotWebhook {
    /// The robot.
    pub id: ID,
    /// The group's name.
    pub name: String,
    /// `WECOM` or `DINGTALK`.
    pub platform: RobotPlatform,
    /// The grade's group, if it is one.
    pub grade: Option<i32>,
    /// The class's group, if it is one.
    pub class_id: Option<ID>,
    /// The webhook's host and the last four characters of its key.
    pub url_hint: String,
    /// Whether a DingTalk 加签 secret is set.
    pub signed: bool,
    /// The latest successful post.
    pub last_ok_at: Option<DateTime<Utc>>,
    /// The latest failure's reason.
    pub last_error: Option<String>,
    /// When.
    pub last_error_at: Option<DateTime<Utc>>,
    /// Failures since the latest success.
    pub failures: i32,
}

fn hint(url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_default();
    let tail: String = url
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{host} …{tail}")
}

impl From<entity::Model> for RobotWebhook {
    fn from(m: entity::Model) -> Self {
        RobotWebhook {
            id: id(m.id),
            platform: match Platform::from_code(&m.platform) {
                Some(Platform::DingTalk) => RobotPlatform::Dingtalk,
                _ => RobotPlatform::Wecom,
            },
            url_hint: hint(&m.url),
            signed: m.secret.is_some(),
            name: m.name,
            grade: m.grade,
            class_id: m.class_id.map(id),
            last_ok_at: m.last_ok_at,
            last_error: m.last_error,
            last_error_at: m.last_error_at,
            failures: m.failures,
        }
    }
}

async fn load(ctx: &Ctx, school: Uuid, hook: Uuid) -> ApiResult<entity::Model> {
    entity::Entity::find_by_id(hook)
        .filter(entity::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("群机器人"))
}

/// The fields of a new robot.
pub struct NewRobot {
    /// Group name.
    pub name: String,
    /// Platform.
    pub platform: Platform,
    /// Grade group.
    pub grade: Option<i32>,
    /// Class group.
    pub class_id: Option<Uuid>,
    /// Webhook.
    pub url: String,
    /// DingTalk secret.
    pub secret: Option<String>,
}

/// Checks and stores a robot (the school admin; audited).
pub async fn add(
    ctx: &Ctx,
    out: &super::outbound::Outbound,
    r: NewRobot,
) -> ApiResult<entity::Model> {
    let (district, school) = ctx.require_school_admin()?;
    let mut p = crate::error::Problems::default();
    let name = r.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        p.add("name", "群名称须为 1–40 个字");
    }
    let url = out.check(&r.url, &[r.platform.host()]);
    match (&url, r.platform) {
        (Err(m), _) => p.add("url", m.clone()),
        (Ok(u), Platform::WeCom) if !u.query_pairs().any(|(k, v)| k == "key" && !v.is_empty()) => p
            .add(
                "url",
                "企业微信机器人地址应含 key=…（在群机器人设置中复制）",
            ),
        (Ok(u), Platform::DingTalk)
            if !u
                .query_pairs()
                .any(|(k, v)| k == "access_token" && !v.is_empty()) =>
        {
            p.add(
                "url",
                "钉钉机器人地址应含 access_token=…（在机器人设置中复制）",
            )
        }
        _ => {}
    }
    let secret = r
        .secret
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    match (&secret, r.platform) {
        (Some(_), Platform::WeCom) => p.add("secret", "企业微信机器人没有加签密钥"),
        (Some(s), Platform::DingTalk) if !s.starts_with("SEC") || s.len() > 100 => {
            p.add("secret", "钉钉加签密钥以 SEC 开头，不超过 100 个字符")
        }
        _ => {}
    }
    if r.grade.is_some() && r.class_id.is_some() {
        p.add("grade", "群只能对应一个年级或一个班级");
    }
    if r.grade.is_some_and(|g| !(1..=12).contains(&g)) {
        p.add("grade", "年级须在 1–12 之间");
    }
    p.finish()?;
    if let Some(c) = r.class_id {
        crate::tenancy::one_in_school::<class::Entity>(ctx, c, "班级").await?;
    }
    let row = entity::Model {
        id: Uuid::new_v4(),
        district_id: district,
        school_id: school,
        name,
        platform: r.platform.code().into(),
        grade: r.grade,
        class_id: r.class_id,
        url: url.map(|u| u.to_string()).unwrap_or_default(),
        secret,
        created_at: Utc::now(),
        last_ok_at: None,
        last_error: None,
        last_error_at: None,
        failures: 0,
    };
    entity::Entity::insert(entity::ActiveModel::from(row.clone()))
        .exec_without_returning(ctx.db())
        .await?;
    audit::record(
        ctx,
        "add_robot_webhook",
        "robot_webhook",
        Some(row.id),
        None,
    )
    .await?;
    Ok(row)
}

/// Group robot queries.
#[derive(Default)]
pub struct RobotsQuery;

#[Object]
impl RobotsQuery {
    /// The school's group robots (the school admin).
    async fn robot_webhooks(&self, cx: &Context<'_>) -> GqlResult<Vec<RobotWebhook>> {
        let ctx = ctx_of(cx)?;
        let (_, school) = ctx.require_school_admin()?;
        Ok(entity::Entity::find()
            .filter(entity::Column::SchoolId.eq(school))
            .order_by_asc(entity::Column::CreatedAt)
            .all(ctx.db())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// Group robot mutations.
#[derive(Default)]
pub struct RobotsMutation;

#[Object]
impl RobotsMutation {
    /// Adds a group robot (the school admin): the whole school's group
    /// (no grade, no class), a grade's or a class's.
    #[expect(clippy::too_many_arguments, reason = "one argument per form field")]
    async fn add_robot_webhook(
        &self,
        cx: &Context<'_>,
        name: String,
        platform: RobotPlatform,
        grade: Option<i32>,
        class_id: Option<ID>,
        url: String,
        secret: Option<String>,
    ) -> GqlResult<RobotWebhook> {
        let ctx = ctx_of(cx)?;
        if name.len() > 400 || url.len() > 2000 || secret.as_ref().is_some_and(|s| s.len() > 400) {
            return Err(ApiError::invalid("url", "输入过长").into());
        }
        let r = NewRobot {
            name,
            platform: platform.into(),
            grade,
            class_id: opt_id(class_id, "班级")?,
            url,
            secret,
        };
        Ok(add(ctx, &state_of(cx)?.push.outbound, r).await?.into())
    }

    /// Removes a group robot (the school admin; audited).
    async fn delete_robot_webhook(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let ctx = ctx_of(cx)?;
        let (_, school) = ctx.require_school_admin()?;
        let h = load(ctx, school, parse_id(&id, "群机器人")?).await?;
        entity::Entity::delete_by_id(h.id).exec(ctx.db()).await?;
        audit::record(
            ctx,
            "delete_robot_webhook",
            "robot_webhook",
            Some(h.id),
            None,
        )
        .await?;
        Ok(true)
    }

    /// Posts a test message to a robot now and records the outcome (the
    /// school admin).
    async fn test_robot_webhook(&self, cx: &Context<'_>, id: ID) -> GqlResult<RobotWebhook> {
        let ctx = ctx_of(cx)?;
        let state = state_of(cx)?;
        let (_, school) = ctx.require_school_admin()?;
        let h = load(ctx, school, parse_id(&id, "群机器人")?).await?;
        let post = Post {
            title: "导师系统测试消息".into(),
            text: "群机器人配置正确：今后本群将收到导师工作的统计与通知（只有数量和链接）。".into(),
            link: "/".into(),
        };
        let outcome = send(
            &state.push.outbound,
            state.config.public_url.as_deref(),
            &h,
            &post,
        )
        .await;
        let failures = h.failures;
        let mut am = h.into_active_model();
        match &outcome {
            Ok(()) => {
                am.last_ok_at = Set(Some(Utc::now()));
                am.failures = Set(0);
            }
            Err(e) => {
                am.last_error = Set(Some(e.chars().take(200).collect()));
                am.last_error_at = Set(Some(Utc::now()));
                am.failures = Set(failures.saturating_add(1));
            }
        }
        let h = entity::Entity::update(am).exec(ctx.db()).await?;
        Ok(h.into())
    }
}
