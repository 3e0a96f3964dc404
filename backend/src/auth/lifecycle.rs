//! The account lifecycle: changing one's password, an admin's reset to a
//! one-time password, deactivation and reactivation, and the operator's
//! creation of a district with its first admin.
//!
//! Each of password change, reset and deactivation bumps the account's
//! token version: every access token and refresh token issued before is
//! refused (see `sessions`), on every replica within seconds.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, prelude::Expr,
    sea_query::SimpleExpr,
};
use shared::org::Role;
use uuid::Uuid;

use super::entities::{refresh_token, role_grant, user};
use super::password;
use super::ratelimit::WINDOW;
use super::service::{Session, open_session};
use crate::audit;
use crate::error::{ApiError, ApiResult, Problems};
use crate::org::entities::district;
use crate::org::validate;
use crate::state::AppState;
use crate::tenancy::Ctx;

/// Wrong current passwords allowed per account per window on a password change.
const CHANGE_ATTEMPTS: u32 = 5;

/// Updates an account and bumps its token version.
async fn bump(ctx: &Ctx, user_id: Uuid, set: Vec<(user::Column, SimpleExpr)>) -> ApiResult<()> {
    let mut q = user::Entity::update_many().col_expr(
        user::Column::TokenVersion,
        Expr::col(user::Column::TokenVersion).add(1),
    );
    for (c, v) in set {
        q = q.col_expr(c, v);
    }
    let r = q
        .filter(user::Column::Id.eq(user_id))
        .exec(ctx.db())
        .await?;
    if r.rows_affected != 1 {
        return Err(ApiError::not_found("账号"));
    }
    Ok(())
}

/// Changes the caller's own password and opens a fresh session; every other
/// session of the account (access and refresh tokens) ends. The only
/// operation a session opened with a one-time password may run.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    ctx: &Ctx,
    state: &AppState,
    current: &str,
    new: &str,
) -> ApiResult<Session> {
    let me = ctx.caller()?.user_id;
    let account = user::Entity::find_by_id(me)
        .one(ctx.db())
        .await?
        .filter(|u| u.active)
        .ok_or_else(ApiError::unauthenticated)?;
    let mut p = Problems::default();
    p.check(
        "newPassword",
        password::check_policy(new, &account.username),
    );
    if new == current {
        p.add("newPassword", "新密码不能与当前密码相同");
    }
    p.finish()?;
    let key = format!("pwchange:{me}");
    state
        .limiter
        .reserve_within(&key, CHANGE_ATTEMPTS, WINDOW)
        .await?;
    let ok = current.chars().count() <= password::MAX_CHARS
        && password::verify_async(account.password_hash.clone(), current.to_string()).await?;
    if !ok {
        // The refusal is the answer: keep the attempt counted.
        return Err(ApiError::invalid("currentPassword", "当前密码不正确"));
    }
    state.limiter.clear(&key).await?;
    let hash = password::hash_async(new.to_string()).await?;
    bump(
        ctx,
        me,
        vec![
            (user::Column::PasswordHash, Expr::value(hash)),
            (user::Column::MustChangePassword, Expr::value(false)),
        ],
    )
    .await?;
    // The version makes old refresh tokens useless; mark the rows too.
    if matches!(state.tokens, super::tokens::TokenStore::Db) {
        refresh_token::Entity::update_many()
            .col_expr(
                refresh_token::Column::RevokedAt,
                Expr::value(chrono::Utc::now()),
            )
            .filter(refresh_token::Column::UserId.eq(me))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(ctx.db())
            .await?;
    }
    state.sessions.forget(me).await?;
    audit::record(ctx, "account.change_password", "user", Some(me), None).await?;
    let account = user::Entity::find_by_id(me)
        .one(ctx.db())
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    open_session(ctx, state, account, Uuid::new_v4()).await
}

/// An account the caller administers: the school admin any other account of
/// their school; the district admin the school-admin accounts of their
/// district's schools. Anything else is `NOT_FOUND` (or `FORBIDDEN` for
/// callers who administer no accounts).
async fn administered(ctx: &Ctx, user_id: Uuid) -> ApiResult<user::Model> {
    let caller = ctx.caller()?;
    let not_found = || ApiError::not_found("账号");
    let q =
        user::Entity::find_by_id(user_id).filter(user::Column::DistrictId.eq(caller.district_id));
    let target = match caller.school_id {
        Some(school) if caller.has(Role::SchoolAdmin) => q
            .filter(user::Column::SchoolId.eq(school))
            .one(ctx.db())
            .await?
            .ok_or_else(not_found)?,
        None if caller.has(Role::DistrictAdmin) => {
            let u = q
                .filter(user::Column::SchoolId.is_not_null())
                .one(ctx.db())
                .await?
                .ok_or_else(not_found)?;
            let grants = role_grant::Entity::find()
                .filter(role_grant::Column::UserId.eq(u.id))
                .all(ctx.db())
                .await?;
            let school_admin_only =
                !grants.is_empty() && grants.iter().all(|g| g.role == Role::SchoolAdmin.code());
            if !school_admin_only {
                return Err(not_found());
            }
            u
        }
        _ => {
            return Err(ApiError::forbidden("只有学校管理员或区管理员可以管理账号"));
        }
    };
    if target.id == caller.user_id {
        return Err(ApiError::conflict(
            "不能对自己的账号执行此操作（修改自己的密码请到“账号与安全”）",
        ));
    }
    Ok(target)
}

/// Resets an account's password to a one-time password, returned once and
/// never stored: the next login with it may only change it. Every session of
/// the account ends.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn reset_password(ctx: &Ctx, state: &AppState, user_id: Uuid) -> ApiResult<String> {
    let target = administered(ctx, user_id).await?;
    let otp = password::one_time();
    let hash = password::hash_async(otp.clone()).await?;
    bump(
        ctx,
        target.id,
        vec![
            (user::Column::PasswordHash, Expr::value(hash)),
            (user::Column::MustChangePassword, Expr::value(true)),
        ],
    )
    .await?;
    state.sessions.forget(target.id).await?;
    audit::record(ctx, "account.reset_password", "user", Some(target.id), None).await?;
    Ok(otp)
}

/// Deactivates (`active = false`: login refused, every session ends within
/// seconds) or reactivates an account.
#[tracing::instrument(skip_all, fields(user_id = %user_id, active))]
pub async fn set_active(
    ctx: &Ctx,
    state: &AppState,
    user_id: Uuid,
    active: bool,
) -> ApiResult<bool> {
    let target = administered(ctx, user_id).await?;
    if target.active == active {
        return Ok(active);
    }
    bump(
        ctx,
        target.id,
        vec![(user::Column::Active, Expr::value(active))],
    )
    .await?;
    state.sessions.forget(target.id).await?;
    let action = if active {
        "account.reactivate"
    } else {
        "account.deactivate"
    };
    audit::record(ctx, action, "user", Some(target.id), None).await?;
    Ok(active)
}

/// A district created by the operator, with its first admin.
pub struct NewDistrict {
    /// The district.
    pub district_id: Uuid,
    /// The admin's username.
    pub username: String,
    /// The admin's one-time password (to be changed at first login).
    pub one_time_password: String,
}

/// Creates a district and its district admin with a one-time password
/// (operator command; the context is the owner's, with no caller).
pub async fn create_district(
    ctx: &Ctx,
    code: &str,
    name: &str,
    admin_username: &str,
) -> ApiResult<NewDistrict> {
    let mut p = Problems::default();
    p.check("code", validate::code(code));
    p.check("name", validate::name(name));
    p.check("admin", validate::username(admin_username));
    p.finish()?;
    let taken = district::Entity::find()
        .filter(district::Column::Code.eq(code))
        .one(ctx.db())
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(format!("区代码 {code} 已存在")));
    }
    let taken = user::Entity::find()
        .filter(user::Column::Username.eq(admin_username))
        .one(ctx.db())
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(format!(
            "用户名 {admin_username} 已被使用"
        )));
    }
    let now = chrono::Utc::now();
    let district_id = Uuid::new_v4();
    district::ActiveModel {
        id: Set(district_id),
        code: Set(code.to_string()),
        name: Set(name.trim().to_string()),
        created_at: Set(now),
    }
    .insert(ctx.db())
    .await?;
    let otp = password::one_time();
    let u = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        username: Set(admin_username.to_string()),
        password_hash: Set(password::hash_async(otp.clone()).await?),
        display_name: Set(format!("{}管理员", name.trim())),
        district_id: Set(Some(district_id)),
        school_id: Set(None),
        active: Set(true),
        created_at: Set(now),
        token_version: Set(0),
        must_change_password: Set(true),
    }
    .insert(ctx.db())
    .await?;
    role_grant::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(u.id),
        role: Set(Role::DistrictAdmin.code().into()),
        district_id: Set(district_id),
        school_id: Set(None),
        grade: Set(None),
        created_at: Set(now),
    }
    .insert(ctx.db())
    .await?;
    Ok(NewDistrict {
        district_id,
        username: u.username,
        one_time_password: otp,
    })
}
