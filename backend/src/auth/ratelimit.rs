//! Login rate limits: failed attempts per username and per client address in
//! a fixed window. Redis when configured (shared by replicas), else in-process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::AsyncCommands;

use crate::error::{ApiError, ApiResult};

/// Length of a window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Where counters live.
pub enum RateLimiter {
    /// One process.
    Memory(Mutex<HashMap<String, (u32, Instant)>>),
    /// Shared by every replica.
    Redis(crate::state::RedisConn),
}

/// Redis unreachable, timed out or failing: retryable `UNAVAILABLE`.
fn redis_err(e: redis::RedisError) -> ApiError {
    ApiError::dependency_down("redis", &e)
}

impl RateLimiter {
    /// An in-process limiter.
    pub fn memory() -> RateLimiter {
        RateLimiter::Memory(Mutex::new(HashMap::new()))
    }

    /// Fails with `RATE_LIMITED` when the key has reached its limit.
    pub async fn check(&self, key: &str, limit: u32) -> ApiResult<()> {
        let (count, retry) = match self {
            RateLimiter::Memory(map) => {
                let map = map
                    .lock()
                    .map_err(|_| anyhow::anyhow!("rate limiter poisoned"))?;
                match map.get(key) {
                    Some((n, start)) if start.elapsed() < WINDOW => {
                        (*n, (WINDOW - start.elapsed()).as_secs())
                    }
                    _ => (0, 0),
                }
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let k = format!("daoshi:rl:{key}");
                let n: Option<u32> = conn.get(&k).await.map_err(redis_err)?;
                let ttl: i64 = conn.ttl(&k).await.map_err(redis_err)?;
                (n.unwrap_or(0), ttl.max(1) as u64)
            }
        };
        if count >= limit {
            return Err(ApiError::RateLimited {
                retry_after_secs: retry.max(1),
            });
        }
        Ok(())
    }

    /// Counts a failure against the key.
    pub async fn hit(&self, key: &str) -> ApiResult<()> {
        match self {
            RateLimiter::Memory(map) => {
                let mut map = map
                    .lock()
                    .map_err(|_| anyhow::anyhow!("rate limiter poisoned"))?;
                if map.len() > 100_000 {
                    map.retain(|_, (_, start)| start.elapsed() < WINDOW);
                }
                let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
                if e.1.elapsed() >= WINDOW {
                    *e = (0, Instant::now());
                }
                e.0 += 1;
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let k = format!("daoshi:rl:{key}");
                let n: u32 = conn.incr(&k, 1).await.map_err(redis_err)?;
                if n == 1 {
                    let _: () = conn
                        .expire(&k, WINDOW.as_secs() as i64)
                        .await
                        .map_err(redis_err)?;
                }
            }
        }
        Ok(())
    }

    /// Clears a key (after a successful login for that username).
    pub async fn clear(&self, key: &str) -> ApiResult<()> {
        match self {
            RateLimiter::Memory(map) => {
                map.lock()
                    .map_err(|_| anyhow::anyhow!("rate limiter poisoned"))?
                    .remove(key);
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let _: () = conn
                    .del(format!("daoshi:rl:{key}"))
                    .await
                    .map_err(redis_err)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_limiter_refuses_after_the_limit() {
        let l = RateLimiter::memory();
        for _ in 0..3 {
            l.check("u", 3).await.unwrap();
            l.hit("u").await.unwrap();
        }
        assert!(matches!(
            l.check("u", 3).await,
            Err(ApiError::RateLimited { .. })
        ));
        l.check("other", 3).await.unwrap();
        l.clear("u").await.unwrap();
        l.check("u", 3).await.unwrap();
    }
}
