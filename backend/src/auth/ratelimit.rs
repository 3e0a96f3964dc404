//! Login rate limits as reservations: an attempt is counted atomically
//! *before* its password is checked (Redis: one `EVAL` doing `INCR` and
//! `EXPIRE`; in-process: under the lock), so parallel guesses cannot run past
//! a limit, and a successful login gives its reservation back. Counters live
//! in fixed windows; a gate lets one attempt through per back-off delay.
//! Redis when configured (shared by replicas), else in-process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{ApiError, ApiResult};

/// Length of a window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Where counters live.
pub enum RateLimiter {
    /// One process: counters (count, window start, window) and gates (until).
    Memory(Mutex<Memory>),
    /// Shared by every replica.
    Redis(crate::state::RedisConn),
}

/// The in-process counters.
#[derive(Default)]
pub struct Memory {
    counts: HashMap<String, (u32, Instant, Duration)>,
    gates: HashMap<String, Instant>,
}

/// Redis unreachable, timed out or failing: retryable `UNAVAILABLE`.
fn redis_err(e: redis::RedisError) -> ApiError {
    ApiError::dependency_down("redis", &e)
}

fn poisoned() -> ApiError {
    ApiError::Internal(anyhow::anyhow!("rate limiter poisoned"))
}

/// `INCR` and, for a new key, `EXPIRE`, atomically; returns the count and
/// the seconds left in the window.
const RESERVE: &str = r"
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}";

/// `DECR` unless already zero or gone.
const RELEASE: &str = r"
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0";

fn key(k: &str) -> String {
    format!("daoshi:rl:{k}")
}

impl RateLimiter {
    /// An in-process limiter.
    pub fn memory() -> RateLimiter {
        RateLimiter::Memory(Mutex::new(Memory::default()))
    }

    /// Counts one attempt against the key and returns the count including
    /// it and the seconds left in its window. Atomic: of any number of
    /// concurrent reservations each sees a different count.
    pub async fn reserve(&self, k: &str, window: Duration) -> ApiResult<(u32, u64)> {
        match self {
            RateLimiter::Memory(m) => {
                let mut m = m.lock().map_err(|_| poisoned())?;
                if m.counts.len() > 100_000 {
                    m.counts.retain(|_, (_, start, w)| start.elapsed() < *w);
                    m.gates.retain(|_, until| *until > Instant::now());
                }
                let e = m
                    .counts
                    .entry(k.to_string())
                    .or_insert((0, Instant::now(), window));
                if e.1.elapsed() >= e.2 {
                    *e = (0, Instant::now(), window);
                }
                e.0 += 1;
                let left = e.2.saturating_sub(e.1.elapsed()).as_secs().max(1);
                Ok((e.0, left))
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let (n, ttl): (u32, i64) = redis::cmd("EVAL")
                    .arg(RESERVE)
                    .arg(1)
                    .arg(key(k))
                    .arg(window.as_secs())
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_err)?;
                Ok((n, ttl.max(1) as u64))
            }
        }
    }

    /// Reserves an attempt, refusing with `RATE_LIMITED` when it is past the
    /// limit (the attempt is then not made).
    pub async fn reserve_within(&self, k: &str, limit: u32, window: Duration) -> ApiResult<u32> {
        let (n, left) = self.reserve(k, window).await?;
        if n > limit {
            return Err(ApiError::RateLimited {
                retry_after_secs: left,
            });
        }
        Ok(n)
    }

    /// Gives one reservation back (the attempt succeeded).
    pub async fn release(&self, k: &str) -> ApiResult<()> {
        match self {
            RateLimiter::Memory(m) => {
                let mut m = m.lock().map_err(|_| poisoned())?;
                if let Some(e) = m.counts.get_mut(k) {
                    e.0 = e.0.saturating_sub(1);
                }
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let _: i64 = redis::cmd("EVAL")
                    .arg(RELEASE)
                    .arg(1)
                    .arg(key(k))
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_err)?;
            }
        }
        Ok(())
    }

    /// Lets one attempt through per `delay`: the first caller passes and
    /// closes the gate for `delay`; others get `RATE_LIMITED` with the time
    /// left (Redis: `SET NX EX`).
    pub async fn gate(&self, k: &str, delay: Duration) -> ApiResult<()> {
        let delay = delay.max(Duration::from_secs(1));
        let blocked = match self {
            RateLimiter::Memory(m) => {
                let mut m = m.lock().map_err(|_| poisoned())?;
                let now = Instant::now();
                match m.gates.get(k) {
                    Some(until) if *until > now => Some((*until - now).as_secs().max(1)),
                    _ => {
                        m.gates.insert(k.to_string(), now + delay);
                        None
                    }
                }
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let gk = key(&format!("gate:{k}"));
                let set: Option<String> = redis::cmd("SET")
                    .arg(&gk)
                    .arg(1)
                    .arg("NX")
                    .arg("EX")
                    .arg(delay.as_secs())
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_err)?;
                if set.is_some() {
                    None
                } else {
                    let ttl: i64 = redis::cmd("TTL")
                        .arg(&gk)
                        .query_async(&mut conn)
                        .await
                        .map_err(redis_err)?;
                    Some(ttl.max(1) as u64)
                }
            }
        };
        match blocked {
            Some(secs) => Err(ApiError::RateLimited {
                retry_after_secs: secs,
            }),
            None => Ok(()),
        }
    }

    /// Clears a key.
    pub async fn clear(&self, k: &str) -> ApiResult<()> {
        match self {
            RateLimiter::Memory(m) => {
                m.lock().map_err(|_| poisoned())?.counts.remove(k);
            }
            RateLimiter::Redis(conn) => {
                let mut conn = conn.clone();
                let _: i64 = redis::cmd("DEL")
                    .arg(key(k))
                    .query_async(&mut conn)
                    .await
                    .map_err(redis_err)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn reservations_stop_at_the_limit_and_are_given_back() {
        let l = RateLimiter::memory();
        for i in 1..=3 {
            assert_eq!(l.reserve_within("u", 3, WINDOW).await.unwrap(), i);
        }
        assert!(matches!(
            l.reserve_within("u", 3, WINDOW).await,
            Err(ApiError::RateLimited { .. })
        ));
        l.reserve_within("other", 3, WINDOW).await.unwrap();
        l.clear("u").await.unwrap();
        l.reserve_within("u", 3, WINDOW).await.unwrap();
        l.release("u").await.unwrap();
        l.release("u").await.unwrap();
        assert_eq!(l.reserve_within("u", 3, WINDOW).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn parallel_reservations_never_pass_the_limit() {
        let l = Arc::new(RateLimiter::memory());
        let mut tasks = vec![];
        for _ in 0..50 {
            let l = l.clone();
            tasks.push(tokio::spawn(async move {
                l.reserve_within("k", 5, WINDOW).await.is_ok()
            }));
        }
        let mut passed = 0;
        for t in tasks {
            passed += usize::from(t.await.unwrap());
        }
        assert_eq!(passed, 5);
    }

    #[tokio::test]
    async fn a_gate_lets_one_through_per_delay() {
        let l = RateLimiter::memory();
        l.gate("g", Duration::from_secs(30)).await.unwrap();
        assert!(matches!(
            l.gate("g", Duration::from_secs(30)).await,
            Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs <= 30
        ));
        l.gate("h", Duration::from_secs(30)).await.unwrap();
    }
}
