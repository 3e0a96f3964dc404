//! Is this access token's account still active, and is the token's version
//! still the account's? Checked on every authenticated request, cheaply: the
//! account's version and state are cached in-process for [`LOCAL_TTL`], and
//! in Redis (when configured) for [`SHARED_TTL`] so that replicas share one
//! database read. A deactivation, password reset or password change bumps
//! the version and drops both cached entries, so every replica refuses the
//! older tokens within seconds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sea_orm::EntityTrait;
use uuid::Uuid;

use super::entities::user;
use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// How long a replica trusts its own copy of an account's state.
pub const LOCAL_TTL: Duration = Duration::from_secs(2);
/// How long the shared (Redis) copy lives.
pub const SHARED_TTL: Duration = Duration::from_secs(5);

/// An account's session state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    /// Current token version.
    pub version: i32,
    /// Whether the account may be used.
    pub active: bool,
}

/// The cache of account states.
pub struct Sessions {
    local: Mutex<HashMap<Uuid, (AccountState, Instant)>>,
    redis: Option<crate::state::RedisConn>,
    /// Names the database in Redis keys: replicas of one deployment share
    /// entries, deployments (or test databases) sharing a Redis do not.
    namespace: String,
}

fn revoked() -> ApiError {
    ApiError::Unauthenticated("登录已失效，请重新登录".into())
}

impl Sessions {
    /// A cache, shared through Redis when given, among the servers of the
    /// database `database` names.
    pub fn new(redis: Option<crate::state::RedisConn>, database: &str) -> Sessions {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(database.as_bytes());
        Sessions {
            local: Mutex::new(HashMap::new()),
            redis,
            namespace: digest[..6].iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    fn redis_key(&self, user: Uuid) -> String {
        format!("daoshi:acct:{}:{user}", self.namespace)
    }

    fn local_get(&self, user: Uuid) -> Option<AccountState> {
        let map = self.local.lock().ok()?;
        map.get(&user)
            .filter(|(_, at)| at.elapsed() < LOCAL_TTL)
            .map(|(s, _)| *s)
    }

    fn local_put(&self, user: Uuid, s: AccountState) {
        if let Ok(mut map) = self.local.lock() {
            if map.len() > 50_000 {
                map.retain(|_, (_, at)| at.elapsed() < LOCAL_TTL);
            }
            map.insert(user, (s, Instant::now()));
        }
    }

    /// The account's current state (`None`: no such account visible).
    async fn state(&self, ctx: &Ctx, user: Uuid) -> ApiResult<Option<AccountState>> {
        if let Some(s) = self.local_get(user) {
            return Ok(Some(s));
        }
        if let Some(conn) = &self.redis {
            let mut conn = conn.clone();
            let v: Option<String> = redis::cmd("GET")
                .arg(self.redis_key(user))
                .query_async(&mut conn)
                .await
                // Redis down or slow: the database answers instead (the
                // request needs no Redis; see docs/OPERATIONS.md).
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "account state cache unavailable");
                    None
                });
            if let Some((ver, act)) = v.as_deref().and_then(|v| v.split_once('|'))
                && let Ok(version) = ver.parse()
            {
                let s = AccountState {
                    version,
                    active: act == "1",
                };
                self.local_put(user, s);
                return Ok(Some(s));
            }
        }
        let Some(u) = user::Entity::find_by_id(user).one(ctx.db()).await? else {
            return Ok(None);
        };
        let s = AccountState {
            version: u.token_version,
            active: u.active,
        };
        self.local_put(user, s);
        if let Some(conn) = &self.redis {
            let mut conn = conn.clone();
            // Filling the shared copy is best effort.
            let filled: Result<(), _> = redis::cmd("SET")
                .arg(self.redis_key(user))
                .arg(format!("{}|{}", s.version, u8::from(s.active)))
                .arg("EX")
                .arg(SHARED_TTL.as_secs())
                .query_async(&mut conn)
                .await;
            if let Err(e) = filled {
                tracing::warn!(error = %e, "account state cache not filled");
            }
        }
        Ok(Some(s))
    }

    /// Refuses (`UNAUTHENTICATED`) a token of a deactivated or missing
    /// account, or one issued under an older token version.
    pub async fn check(&self, ctx: &Ctx, user: Uuid, version: i32) -> ApiResult<()> {
        match self.state(ctx, user).await? {
            Some(s) if s.active && s.version == version => Ok(()),
            _ => Err(revoked()),
        }
    }

    /// Drops the cached state of an account whose version or state changed.
    pub async fn forget(&self, user: Uuid) -> ApiResult<()> {
        if let Ok(mut map) = self.local.lock() {
            map.remove(&user);
        }
        if let Some(conn) = &self.redis {
            let mut conn = conn.clone();
            let _: i64 = redis::cmd("DEL")
                .arg(self.redis_key(user))
                .query_async(&mut conn)
                .await
                .map_err(|e| ApiError::dependency_down("redis", &e))?;
        }
        Ok(())
    }
}
