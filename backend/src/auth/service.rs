//! Login, refresh and logout.

use std::net::IpAddr;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::org::Role;
use uuid::Uuid;

use super::entities::{role_grant, user};
use super::password;
use super::tokens::{self, Consumed};
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::{Caller, Ctx};

/// What a successful login or refresh returns.
pub struct Session {
    /// Short-lived bearer token.
    pub access_token: String,
    /// Rotating refresh token.
    pub refresh_token: String,
    /// The account.
    pub user: user::Model,
    /// The caller the access token stands for.
    pub caller: Caller,
}

fn bad_credentials() -> ApiError {
    ApiError::Unauthenticated("用户名或密码错误".into())
}

/// Builds the caller from a user's role grants.
async fn caller_for(ctx: &Ctx, user: &user::Model) -> ApiResult<Caller> {
    ctx.set_local("app.user_id", &user.id.to_string()).await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user.id))
        .all(ctx.db())
        .await?;
    let mut roles: Vec<Role> = grants
        .iter()
        .filter_map(|g| Role::from_code(&g.role))
        .collect();
    roles.sort();
    roles.dedup();
    let district_id = user
        .district_id
        .or_else(|| grants.first().map(|g| g.district_id))
        .ok_or_else(|| ApiError::forbidden("该账号尚未分配角色，请联系学校管理员"))?;
    if roles.is_empty() {
        return Err(ApiError::forbidden("该账号尚未分配角色，请联系学校管理员"));
    }
    let mut grades: Vec<i32> = grants
        .iter()
        .filter(|g| g.role == Role::GradeLeader.code())
        .filter_map(|g| g.grade)
        .collect();
    grades.sort_unstable();
    grades.dedup();
    Ok(Caller {
        user_id: user.id,
        roles,
        district_id,
        school_id: user.school_id,
        grades,
    })
}

/// Checks a username and password and opens a session.
#[tracing::instrument(skip_all)]
pub async fn login(
    ctx: &Ctx,
    state: &AppState,
    username: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> ApiResult<Session> {
    let username = username.trim();
    let user_key = format!("login:user:{}", username.to_lowercase());
    let ip_key = ip.map(|ip| format!("login:ip:{ip}"));
    state
        .limiter
        .check(&user_key, state.config.login_limit_user)
        .await?;
    if let Some(k) = &ip_key {
        state.limiter.check(k, state.config.login_limit_ip).await?;
    }
    ctx.set_local("app.login", username).await?;
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(ctx.db())
        .await?;
    let hash = found.as_ref().map_or_else(
        || password::dummy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let ok = password::verify_async(hash, password.to_string()).await?;
    let user = match found {
        Some(u) if ok && u.active => u,
        _ => {
            state.limiter.hit(&user_key).await?;
            if let Some(k) = &ip_key {
                state.limiter.hit(k).await?;
            }
            tracing::info!("login failed");
            return Err(bad_credentials());
        }
    };
    state.limiter.clear(&user_key).await?;
    let caller = caller_for(ctx, &user).await?;
    let access_token = state.jwt.issue(&caller)?;
    let refresh_token = state.tokens.issue(ctx, user.id, Uuid::new_v4()).await?;
    audit::record_as(
        ctx,
        Some(&caller),
        "auth.login",
        "user",
        Some(user.id),
        None,
    )
    .await?;
    tracing::info!(user_id = %user.id, "login");
    Ok(Session {
        access_token,
        refresh_token,
        user,
        caller,
    })
}

/// Rotates a refresh token. Presenting a used token revokes its family.
#[tracing::instrument(skip_all)]
pub async fn refresh(ctx: &Ctx, state: &AppState, token: &str) -> ApiResult<Session> {
    let expired = || ApiError::Unauthenticated("登录已失效，请重新登录".into());
    let presented = tokens::parse(token).ok_or_else(expired)?;
    ctx.set_local("app.user_id", &presented.user_id.to_string())
        .await?;
    let family = match state.tokens.consume(ctx, &presented).await? {
        Consumed::Fresh { family } => family,
        Consumed::Reused { family } => {
            state.tokens.revoke_family(ctx, family).await?;
            ctx.keep_changes_on_error();
            tracing::warn!(user_id = %presented.user_id, "refresh token reuse: family revoked");
            return Err(expired());
        }
        Consumed::Invalid => return Err(expired()),
    };
    let user = user::Entity::find_by_id(presented.user_id)
        .one(ctx.db())
        .await?
        .filter(|u| u.active)
        .ok_or_else(expired)?;
    let caller = caller_for(ctx, &user).await?;
    let access_token = state.jwt.issue(&caller)?;
    let refresh_token = state.tokens.issue(ctx, user.id, family).await?;
    Ok(Session {
        access_token,
        refresh_token,
        user,
        caller,
    })
}

/// Revokes the refresh token's family. Idempotent; unknown tokens are ignored.
#[tracing::instrument(skip_all)]
pub async fn logout(ctx: &Ctx, state: &AppState, token: &str) -> ApiResult<bool> {
    let Some(presented) = tokens::parse(token) else {
        return Ok(false);
    };
    ctx.set_local("app.user_id", &presented.user_id.to_string())
        .await?;
    match state.tokens.family_of(ctx, &presented).await? {
        Some(family) => {
            state.tokens.revoke_family(ctx, family).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}
