//! Application state, built once at start-up and shared by every request.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::auth::ratelimit::RateLimiter;
use crate::auth::sessions::Sessions;
use crate::auth::tokens::TokenStore;
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
        let redis = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.expose_secret()).context("REDIS_URL")?;
                Some(
                    redis::aio::ConnectionManager::new(client)
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
        let sessions = Sessions::new(redis.clone(), config.app_database_url.expose_secret());
        let (tokens, limiter) = match &redis {
            Some(r) => (TokenStore::Redis(r.clone()), RateLimiter::Redis(r.clone())),
            None => (TokenStore::Db, RateLimiter::memory()),
        };
        Ok(AppState(Arc::new(Inner {
            jwt,
            config,
            sessions,
            db,
            tokens,
            limiter,
        })))
    }
}
