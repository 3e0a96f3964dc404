//! Login, refresh and logout.
//!
//! Login never holds a transaction or a pooled write connection while it
//! checks a password: the account is looked up in a short read transaction,
//! the argon2 check runs with no connection held, and only a verified login
//! opens the transaction that writes the session and its audit record.

use std::net::IpAddr;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::org::Role;
use uuid::Uuid;

use super::entities::{role_grant, user};
use super::jwt::SessionClaims;
use super::password;
use super::ratelimit::WINDOW;
use super::tokens::{self, Consumed};
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::{Caller, Ctx};

/// Longest username accepted (longer ones are refused before any work).
pub const MAX_USERNAME_CHARS: usize = 64;

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

/// Commits a context when the work succeeded, else rolls it back.
pub(crate) async fn finish<T>(ctx: Ctx, r: ApiResult<T>) -> ApiResult<T> {
    ctx.finish(r.is_ok()).await?;
    r
}

/// Builds the caller from a user's role grants; `None` for an account
/// without roles (which cannot log in).
async fn caller_for(ctx: &Ctx, user: &user::Model) -> ApiResult<Option<Caller>> {
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
    let Some(district_id) = user
        .district_id
        .or_else(|| grants.first().map(|g| g.district_id))
    else {
        return Ok(None);
    };
    if roles.is_empty() {
        return Ok(None);
    }
    let mut grades: Vec<i32> = grants
        .iter()
        .filter(|g| g.role == Role::GradeLeader.code())
        .filter_map(|g| g.grade)
        .collect();
    grades.sort_unstable();
    grades.dedup();
    Ok(Some(Caller {
        user_id: user.id,
        roles,
        district_id,
        school_id: user.school_id,
        grades,
    }))
}

/// Issues the access and refresh tokens of a verified account, inside a
/// transaction that has `app.user_id` set to it.
pub(crate) async fn open_session(
    ctx: &Ctx,
    state: &AppState,
    user: user::Model,
    family: Uuid,
) -> ApiResult<Session> {
    let caller = caller_for(ctx, &user).await?.ok_or_else(bad_credentials)?;
    let claims = SessionClaims {
        version: user.token_version,
        must_change_password: user.must_change_password,
    };
    let access_token = state.jwt.issue(&caller, claims)?;
    let refresh_token = state
        .tokens
        .issue(ctx, user.id, family, user.token_version)
        .await?;
    Ok(Session {
        access_token,
        refresh_token,
        user,
        caller,
    })
}

/// The login counters an attempt reserves before its password is checked.
struct Keys {
    /// This username from this address: the lock-out guard.
    pair: String,
    /// This address, whatever the username.
    ip: Option<String>,
    /// This username from anywhere: slows, never locks.
    user: String,
}

/// The delay between attempts on a username once it has `over` more
/// failures than its soft cap in the window: 1, 2, 4, … up to 32 seconds.
fn backoff(over: u32) -> Duration {
    Duration::from_secs(1u64 << over.min(6).saturating_sub(1)).min(Duration::from_secs(60))
}

/// Reserves the attempt on every counter; `RATE_LIMITED` before any
/// password is checked when one is exhausted.
async fn reserve(state: &AppState, k: &Keys) -> ApiResult<()> {
    let l = &state.limiter;
    let c = &state.config;
    l.reserve_within(&k.pair, c.login_limit_user, WINDOW)
        .await?;
    if let Some(ip) = &k.ip {
        l.reserve_within(ip, c.login_limit_ip, WINDOW).await?;
    }
    let (n, _) = l.reserve(&k.user, WINDOW).await?;
    if n > c.login_soft_limit_user {
        l.gate(&k.user, backoff(n - c.login_soft_limit_user))
            .await?;
    }
    Ok(())
}

/// Gives back a successful attempt's reservations.
async fn release(state: &AppState, k: &Keys) -> ApiResult<()> {
    let l = &state.limiter;
    l.clear(&k.pair).await?;
    if let Some(ip) = &k.ip {
        l.release(ip).await?;
    }
    l.release(&k.user).await
}

/// Checks a username and password and opens a session. Runs its own
/// transactions (see the module documentation), so the request has none.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> ApiResult<Session> {
    let username = username.trim();
    if username.is_empty() {
        return Err(ApiError::invalid("username", "请输入用户名"));
    }
    if username.chars().count() > MAX_USERNAME_CHARS {
        return Err(ApiError::invalid(
            "username",
            format!("用户名最多{MAX_USERNAME_CHARS}个字符"),
        ));
    }
    if password.chars().count() > password::MAX_CHARS {
        return Err(bad_credentials());
    }
    let name = username.to_lowercase();
    let keys = Keys {
        pair: format!(
            "login:pair:{name}|{}",
            ip.map(|i| i.to_string()).unwrap_or_default()
        ),
        ip: ip.map(|ip| format!("login:ip:{ip}")),
        user: format!("login:user:{name}"),
    };
    reserve(state, &keys).await?;
    // A short read transaction: the login setting opens just this account.
    let read = Ctx::begin(&state.db, None).await?;
    let found = async {
        read.set_local("app.login", username).await?;
        Ok(user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(read.db())
            .await?)
    }
    .await;
    let found = finish(read, found).await?;
    // No connection is held while argon2 runs.
    let hash = found.as_ref().map_or_else(
        || password::dummy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let ok = password::verify_async(hash, password.to_string()).await?;
    let user = match found {
        Some(u) if ok && u.active => u,
        _ => {
            tracing::info!("login failed");
            return Err(bad_credentials());
        }
    };
    let ctx = Ctx::begin_for_write(&state.db, None).await?;
    let session = async {
        ctx.set_local("app.user_id", &user.id.to_string()).await?;
        let s = open_session(&ctx, state, user, Uuid::new_v4()).await?;
        audit::record_as(
            &ctx,
            Some(&s.caller),
            "auth.login",
            "user",
            Some(s.user.id),
            None,
        )
        .await?;
        Ok(s)
    }
    .await;
    let session = finish(ctx, session).await;
    match &session {
        Ok(s) => {
            release(state, &keys).await?;
            tracing::info!(user_id = %s.user.id, "login");
        }
        // An account without roles answers like a wrong password.
        Err(_) => tracing::info!("login failed"),
    }
    session
}

/// Rotates a refresh token. Presenting a used token revokes its family. The
/// token's user id is trusted only once the stored record matches its
/// secret; a token issued before the account's last password change, reset
/// or deactivation is refused.
#[tracing::instrument(skip_all)]
pub async fn refresh(ctx: &Ctx, state: &AppState, token: &str) -> ApiResult<Session> {
    let expired = || ApiError::Unauthenticated("登录已失效，请重新登录".into());
    let presented = tokens::parse(token).ok_or_else(expired)?;
    let (family, version) = match state.tokens.consume(ctx, &presented).await? {
        Consumed::Fresh { family, version } => (family, version),
        Consumed::Reused { family } => {
            state.tokens.revoke_family(ctx, family).await?;
            ctx.keep_changes_on_error();
            tracing::warn!(user_id = %presented.user_id, "refresh token reuse: family revoked");
            return Err(expired());
        }
        Consumed::Invalid => return Err(expired()),
    };
    // Verified: the stored record names this user.
    ctx.set_local("app.user_id", &presented.user_id.to_string())
        .await?;
    let user = user::Entity::find_by_id(presented.user_id)
        .one(ctx.db())
        .await?
        .filter(|u| u.active && u.token_version == version)
        .ok_or_else(expired)?;
    open_session(ctx, state, user, family).await
}

/// Revokes the refresh token's family. Idempotent; unknown tokens are ignored.
#[tracing::instrument(skip_all)]
pub async fn logout(ctx: &Ctx, state: &AppState, token: &str) -> ApiResult<bool> {
    let Some(presented) = tokens::parse(token) else {
        return Ok(false);
    };
    match state.tokens.family_of(ctx, &presented).await? {
        Some(family) => {
            ctx.set_local("app.user_id", &presented.user_id.to_string())
                .await?;
            state.tokens.revoke_family(ctx, family).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(32));
    }
}
