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

/// Longest password accepted anywhere (also at login, before hashing).
pub const MAX_CHARS: usize = 128;
/// Shortest password a person may choose.
pub const MIN_CHARS: usize = 10;

/// Passwords refused whatever their length: the public demo password and
/// the commonest long-enough ones.
const COMMON: &[&str] = &[
    "daoshi-demo",
    "daoshi123456",
    "daoshi-password",
    "0123456789",
    "1234567890",
    "12345678910",
    "123456789a",
    "a123456789",
    "aa12345678",
    "abc1234567",
    "1qaz2wsx3edc",
    "1q2w3e4r5t",
    "qwertyuiop",
    "qwerty123456",
    "asdfghjkl;",
    "zxcvbnm123",
    "abcdefghij",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "woaini1314",
    "woaini520520",
    "admin12345",
    "admin123456",
    "administrator",
    "changeme123",
    "welcome123",
];

/// The password policy: 10–128 characters, not the username, not one of
/// the common or demo passwords, not one character repeated.
pub fn check_policy(password: &str, username: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err("密码至少10位");
    }
    if n > MAX_CHARS {
        return Err("密码最多128位");
    }
    let lower = password.to_lowercase();
    if lower == username.trim().to_lowercase() {
        return Err("密码不能与用户名相同");
    }
    if COMMON.contains(&lower.as_str()) {
        return Err("密码过于常见，请换一个");
    }
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Err("密码不能是同一个字符重复");
    }
    Ok(())
}

/// A one-time password: 12 random characters from an alphabet without
/// look-alikes, grouped by four (about 59 bits).
pub fn one_time() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    out
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

    #[test]
    fn the_policy_refuses_short_common_and_username_passwords() {
        assert!(check_policy("short-pw", "t1").is_err());
        assert!(check_policy("daoshi-demo", "t1").is_err());
        assert!(check_policy("Password123", "t1").is_err());
        assert!(check_policy("s1.mentor1-x", "S1.Mentor1-X").is_err());
        assert!(check_policy("aaaaaaaaaaaa", "t1").is_err());
        assert!(check_policy(&"x".repeat(129), "t1").is_err());
        assert!(check_policy("青山绿水长流不息春风", "t1").is_ok());
        assert!(check_policy("long-enough-pw", "t1").is_ok());
    }

    #[test]
    fn one_time_passwords_meet_the_policy_and_differ() {
        let a = one_time();
        assert_eq!(a.len(), 14);
        assert!(check_policy(&a, "x").is_ok());
        assert_ne!(a, one_time());
    }
}
