//! GraphQL: `login`, `refresh`, `logout`, `me`.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::EntityTrait;
use shared::org::Role;

use super::entities::user;
use super::service;
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
    /// The account.
    pub user: UserInfo,
}

impl From<service::Session> for AuthPayload {
    fn from(s: service::Session) -> Self {
        AuthPayload {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            expires_in: super::jwt::ACCESS_TTL_SECS,
            user: UserInfo {
                id: ID(s.user.id.to_string()),
                display_name: s.user.display_name,
                roles: s.caller.roles,
            },
        }
    }
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
    /// Logs in with a username and password.
    async fn login(
        &self,
        cx: &Context<'_>,
        username: String,
        password: String,
    ) -> GqlResult<AuthPayload> {
        let ip = cx.data_opt::<ClientIp>().map(|c| c.0);
        let s = service::login(ctx_of(cx)?, state_of(cx)?, &username, &password, ip).await?;
        Ok(s.into())
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
