//! GraphQL: `login`, `refresh`, `logout`, `me`, and the account lifecycle
//! (`changePassword`, `resetPassword`, `deactivateAccount`,
//! `reactivateAccount`).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use sea_orm::EntityTrait;
use shared::org::Role;

use super::entities::user;
use super::{bulk, lifecycle, service};
use crate::error::ApiError;
use crate::graphql::context::{ClientIp, GqlResult, ctx_of, state_of};
use crate::org::entities::{district, school};

/// The account as shown after login.
#[derive(SimpleObject)]
pub struct UserInfo {
    /// Id.
    pub id: ID,
    /// Name shown in the UI.
    pub display_name: String,
    /// Every role held.
    pub roles: Vec<Role>,
}

/// Tokens and the account.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization`, valid for `expiresIn` seconds.
    pub access_token: String,
    /// Refresh token: single use, rotated on every refresh.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The password is a one-time password: this session may only run
    /// `changePassword` (and `me`, `logout`) until it is changed.
    pub must_change_password: bool,
    /// The account.
    pub user: UserInfo,
}

/// A one-time password, shown once: the account must change it at its
/// next login. It is not stored anywhere but as a hash.
#[derive(SimpleObject)]
pub struct OneTimePassword {
    /// The password.
    pub password: String,
}

impl From<service::Session> for AuthPayload {
    fn from(s: service::Session) -> Self {
        AuthPayload {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            expires_in: super::jwt::ACCESS_TTL_SECS,
            must_change_password: s.user.must_change_password,
            user: UserInfo {
                id: ID(s.user.id.to_string()),
                display_name: s.user.display_name,
                roles: s.caller.roles,
            },
        }
    }
}

/// Whose logins `createAccountsInBulk` makes.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BulkAccountKind {
    /// Every staff member without an account.
    Staff,
    /// Every guardian of one class's students without an account.
    Guardians,
}

/// A printed slip: one new login with its one-time password.
#[derive(SimpleObject)]
pub struct AccountSlip {
    /// Printed with (a class name, or 教职工).
    pub group: String,
    /// The person.
    pub name: String,
    /// Whom it is about (the student and relation, or the staff number).
    pub detail: String,
    /// Login name.
    pub username: String,
    /// One-time password, shown once.
    pub password: String,
}

/// Logins made in bulk.
#[derive(SimpleObject)]
pub struct BulkAccounts {
    /// The slips, in print order.
    pub slips: Vec<AccountSlip>,
    /// People still without an account (call again for them).
    pub remaining: i32,
}

/// The caller.
#[derive(SimpleObject)]
pub struct Me {
    /// User id.
    pub id: ID,
    /// Name shown in the UI.
    pub display_name: String,
    /// Every role held.
    pub roles: Vec<Role>,
    /// District.
    pub district_id: ID,
    /// District name.
    pub district_name: String,
    /// School, none for district staff.
    pub school_id: Option<ID>,
    /// School name.
    pub school_name: Option<String>,
    /// Grades led (grade leaders).
    pub grades: Vec<i32>,
    /// The caller's staff record in their school, for teachers.
    pub staff_id: Option<ID>,
    /// The account's password is a one-time password to be changed now.
    pub must_change_password: bool,
}

/// Auth queries.
#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The logged-in caller.
    async fn me(&self, cx: &Context<'_>) -> GqlResult<Me> {
        let ctx = ctx_of(cx)?;
        let caller = ctx.caller()?;
        let user = user::Entity::find_by_id(caller.user_id)
            .one(ctx.db())
            .await
            .map_err(ApiError::from)?
            .ok_or_else(ApiError::unauthenticated)?;
        let district_name = district::Entity::find_by_id(caller.district_id)
            .one(ctx.db())
            .await
            .map_err(ApiError::from)?
            .map(|d| d.name)
            .unwrap_or_default();
        let school_name = match caller.school_id {
            Some(id) => school::Entity::find_by_id(id)
                .one(ctx.db())
                .await
                .map_err(ApiError::from)?
                .map(|s| s.name),
            None => None,
        };
        Ok(Me {
            must_change_password: user.must_change_password,
            id: ID(user.id.to_string()),
            display_name: user.display_name,
            roles: caller.roles.clone(),
            district_id: ID(caller.district_id.to_string()),
            district_name,
            school_id: caller.school_id.map(|s| ID(s.to_string())),
            school_name,
            grades: caller.grades.clone(),
            staff_id: crate::authz::my_staff(ctx)
                .await?
                .map(|s| ID(s.id.to_string())),
        })
    }
}

/// Auth mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Logs in with a username and password. Must be the only field of its
    /// operation (it runs its own transactions). Wrong passwords are limited
    /// per username and client address; `mustChangePassword` in the answer
    /// means the session may only change the password.
    async fn login(
        &self,
        cx: &Context<'_>,
        username: String,
        password: String,
    ) -> GqlResult<AuthPayload> {
        let ip = cx.data_opt::<ClientIp>().map(|c| c.0);
        let s = service::login(state_of(cx)?, &username, &password, ip).await?;
        Ok(s.into())
    }

    /// Changes the caller's password (10–128 characters, not the username,
    /// not a common one). Every other session of the account ends; the
    /// answer is the new session.
    async fn change_password(
        &self,
        cx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> GqlResult<AuthPayload> {
        let s = lifecycle::change_password(
            ctx_of(cx)?,
            state_of(cx)?,
            &current_password,
            &new_password,
        )
        .await?;
        Ok(s.into())
    }

    /// Resets an account's password to a one-time password (school admin:
    /// accounts of the school; district admin: school admins of the
    /// district). Shown once; the account must change it at its next login,
    /// and its sessions end.
    async fn reset_password(&self, cx: &Context<'_>, user_id: ID) -> GqlResult<OneTimePassword> {
        let id = crate::tenancy::parse_id(&user_id, "账号")?;
        let password = lifecycle::reset_password(ctx_of(cx)?, state_of(cx)?, id).await?;
        Ok(OneTimePassword { password })
    }

    /// Makes logins with one-time passwords for the school's staff, or the
    /// guardians of one class (`classId`), who have none yet (school admin);
    /// at most 60 per call, `remaining` tells how many are left. The
    /// passwords are shown only in this answer.
    async fn create_accounts_in_bulk(
        &self,
        cx: &Context<'_>,
        kind: BulkAccountKind,
        class_id: Option<ID>,
    ) -> GqlResult<BulkAccounts> {
        let class_id = class_id
            .map(|c| crate::tenancy::parse_id(&c, "班级"))
            .transpose()?;
        let kind = match kind {
            BulkAccountKind::Staff => bulk::BulkKind::Staff,
            BulkAccountKind::Guardians => bulk::BulkKind::Guardians,
        };
        let r = bulk::create_in_bulk(ctx_of(cx)?, kind, class_id).await?;
        Ok(BulkAccounts {
            remaining: i32::try_from(r.remaining).unwrap_or(i32::MAX),
            slips: r
                .slips
                .into_iter()
                .map(|s| AccountSlip {
                    group: s.group,
                    name: s.name,
                    detail: s.detail,
                    username: s.username,
                    password: s.password,
                })
                .collect(),
        })
    }

    /// Deactivates an account (same scope as `resetPassword`): it can no
    /// longer log in and its sessions end within seconds.
    async fn deactivate_account(&self, cx: &Context<'_>, user_id: ID) -> GqlResult<bool> {
        let id = crate::tenancy::parse_id(&user_id, "账号")?;
        Ok(lifecycle::set_active(ctx_of(cx)?, state_of(cx)?, id, false).await?)
    }

    /// Reactivates a deactivated account (same scope as `resetPassword`).
    async fn reactivate_account(&self, cx: &Context<'_>, user_id: ID) -> GqlResult<bool> {
        let id = crate::tenancy::parse_id(&user_id, "账号")?;
        Ok(lifecycle::set_active(ctx_of(cx)?, state_of(cx)?, id, true).await?)
    }

    /// Exchanges a refresh token for new tokens. The presented token is used
    /// up; presenting it again revokes the whole session.
    async fn refresh(&self, cx: &Context<'_>, refresh_token: String) -> GqlResult<AuthPayload> {
        let s = service::refresh(ctx_of(cx)?, state_of(cx)?, &refresh_token).await?;
        Ok(s.into())
    }

    /// Ends the session of this refresh token.
    async fn logout(&self, cx: &Context<'_>, refresh_token: String) -> GqlResult<bool> {
        Ok(service::logout(ctx_of(cx)?, state_of(cx)?, &refresh_token).await?)
    }
}
