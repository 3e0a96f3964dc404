//! Application state, built once at start-up and shared by every request.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::auth::ratelimit::RateLimiter;
use crate::auth::sessions::Sessions;
use crate::auth::tokens::TokenStore;
use crate::care::live::AlertBus;
use crate::config::Config;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

/// The fields of [`AppState`].
pub struct Inner {
    /// Configuration read at start-up.
    pub config: Config,
    /// The application's connection pool (PostgreSQL: the RLS-bound role).
    pub db: DatabaseConnection,
    /// Access-token keys.
    pub jwt: JwtKeys,
    /// Refresh-token store (Redis or database).
    pub tokens: TokenStore,
    /// Login rate limiter (Redis or in-process).
    pub limiter: RateLimiter,
    /// Accounts' token versions and states, checked on every request.
    pub sessions: Sessions,
    /// Live care alerts (Redis pub/sub, or in-process).
    pub alerts: AlertBus,
    /// Web Push key and the bounded outbound client (pushes, group robots).
    pub push: crate::notify::push::PushConfig,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Builds the state: connects to Redis when configured.
    pub async fn new(config: Config, db: DatabaseConnection) -> anyhow::Result<AppState> {
        use anyhow::Context;
        use secrecy::ExposeSecret;
        let alerts = match &config.redis_url {
            Some(url) => {
                AlertBus::redis(redis::Client::open(url.expose_secret()).context("REDIS_URL")?)
            }
            None => AlertBus::in_process(),
        };
        let redis = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.expose_secret()).context("REDIS_URL")?;
                Some(
                    redis::aio::ConnectionManager::new_with_config(client, redis_config())
                        .await
                        .context("connecting to Redis")?,
                )
            }
            None => None,
        };
        let secret = config.jwt_secret.as_ref().context(
            "JWT_SECRET is required (at least 32 characters); DAOSHI_ENV=development generates one for trying the server out",
        )?;
        let jwt = JwtKeys::new(secret);
        let sessions = Sessions::new(
            redis.clone().map(RedisConn),
            config.app_database_url.expose_secret(),
        );
        let (tokens, limiter) = match &redis {
            Some(r) => (
                TokenStore::Redis(RedisConn(r.clone())),
                RateLimiter::Redis(RedisConn(r.clone())),
            ),
            None => (TokenStore::Db, RateLimiter::memory()),
        };
        let push = crate::notify::push::PushConfig::from_config(&config)?;
        Ok(AppState(Arc::new(Inner {
            push,
            jwt,
            config,
            sessions,
            db,
            tokens,
            limiter,
            alerts,
        })))
    }
}

/// Longest wait for one Redis command, reconnecting included. Past it the
/// command fails and the request answers `UNAVAILABLE` (login and refresh
/// fail closed: see docs/OPERATIONS.md, "What each fault does").
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// How the Redis connection reconnects: each attempt bounded to 1 s, a
/// command's answer to 1 s, and no back-off loop inside a reconnection (the
/// library's back-off starts at a second, longer than a login should wait):
/// a failed reconnection fails the command at once (`UNAVAILABLE`), and the
/// next command tries again, so a restarted Redis is used again at once.
fn redis_config() -> redis::aio::ConnectionManagerConfig {
    redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Duration::from_secs(1))
        .set_response_timeout(Duration::from_secs(1))
        .set_number_of_retries(0)
}

/// The shared Redis connection with every command bounded by
/// [`REDIS_TIMEOUT`] (a timed-out command fails with an I/O error).
#[derive(Clone)]
pub struct RedisConn(pub redis::aio::ConnectionManager);

fn redis_timed_out() -> redis::RedisError {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "Redis command timed out").into()
}

impl redis::aio::ConnectionLike for RedisConn {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        Box::pin(async move {
            tokio::time::timeout(REDIS_TIMEOUT, self.0.req_packed_command(cmd))
                .await
                .unwrap_or_else(|_| Err(redis_timed_out()))
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        Box::pin(async move {
            tokio::time::timeout(
                REDIS_TIMEOUT,
                self.0.req_packed_commands(cmd, offset, count),
            )
            .await
            .unwrap_or_else(|_| Err(redis_timed_out()))
        })
    }

    fn get_db(&self) -> i64 {
        self.0.get_db()
    }
}
