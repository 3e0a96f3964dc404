//! Password hashing with argon2 (run off the async executor).

use argon2::Argon2;

use crate::error::{ApiError, ApiResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a PHC string; false for malformed hashes.
pub fn verify(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid hash of nothing in particular, verified against when the user does
/// not exist so that timing does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not a real password").unwrap_or_default())
}

/// Hashes on the blocking pool.
pub async fn hash_async(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// Password checks allowed to run at once (argon2 is deliberately costly:
/// a login flood must not take every core from the other schools).
static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

/// How long a login waits for a free slot before it is told to retry.
const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Sets the number of password checks that may run at once (once, at
/// start-up; the default is 4).
pub fn set_concurrency(n: u32) {
    let _ = SLOTS.set(tokio::sync::Semaphore::new(n.max(1) as usize));
}

/// Verifies on the blocking pool, at most a few at once; `UNAVAILABLE`
/// when no slot frees up within a few seconds.
pub async fn verify_async(phc: String, password: String) -> ApiResult<bool> {
    let slots = SLOTS.get_or_init(|| tokio::sync::Semaphore::new(4));
    let _permit = match tokio::time::timeout(SLOT_WAIT, slots.acquire()).await {
        Ok(Ok(p)) => p,
        _ => {
            tracing::warn!("login refused: every password-check slot busy");
            return Err(ApiError::Unavailable("登录的人太多，请稍后再试".into()));
        }
    };
    Ok(tokio::task::spawn_blocking(move || verify(&phc, &password))
        .await
        .unwrap_or(false))
}

/// The password rule: 8–128 characters.
pub fn check_strength(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 8 {
        return Err("密码至少8位");
    }
    if n > 128 {
        return Err("密码最多128位");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_right_password() {
        let h = hash("correct horse").unwrap();
        assert!(verify(&h, "correct horse"));
        assert!(!verify(&h, "wrong horse"));
        assert!(!verify("not a phc string", "correct horse"));
    }
}
