//! Authentication through the API: login, token checks, refresh rotation
//! with reuse detection, logout, rate limits — with and without Redis.

use anyhow::Result;
use base64::Engine;
use serde_json::json;
use tests::{Backend, Options, PASSWORD, TestServer, both, error_code};

const ME: &str = "{ me { id displayName roles districtId schoolId schoolName } }";
const REFRESH: &str =
    "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }";

async fn login_gives_tokens_and_me(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let body = s.login_payload("s1.admin", PASSWORD).await?;
    assert_eq!(
        body["data"]["login"]["user"]["roles"],
        json!(["SCHOOL_ADMIN"])
    );
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_default();
    let me = s.gql(Some(token), ME, json!({})).await?;
    assert_eq!(me["data"]["me"]["roles"], json!(["SCHOOL_ADMIN"]));
    assert_eq!(me["data"]["me"]["schoolName"], json!("示范区实验小学"));
    let head = s.data_as("s1.head1", ME, json!({})).await?;
    assert_eq!(head["me"]["roles"], json!(["HEAD_TEACHER", "MENTOR"]));

    let wrong = s.login_payload("s1.admin", "not-the-password").await?;
    assert_eq!(error_code(&wrong).as_deref(), Some("UNAUTHENTICATED"));
    let nobody = s.login_payload("no.such.user", PASSWORD).await?;
    assert_eq!(error_code(&nobody).as_deref(), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        nobody["errors"][0]["message"]
    );
    let anonymous = s.gql(None, ME, json!({})).await?;
    assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
    Ok(())
}
both!(login_gives_tokens_and_me);

fn sign(header: &str, payload: &serde_json::Value, secret: &str) -> String {
    use sha2_hmac::sign_hs256;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let h = b64.encode(header);
    let p = b64.encode(payload.to_string());
    let sig = sign_hs256(format!("{h}.{p}").as_bytes(), secret.as_bytes());
    format!("{h}.{p}.{}", b64.encode(sig))
}

/// A tiny HMAC-SHA256 so the test can forge tokens with the server's secret.
mod sha2_hmac {
    pub fn sign_hs256(msg: &[u8], key: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sha256::digest([ipad.as_slice(), msg].concat());
        Sha256::digest([opad.as_slice(), inner.as_slice()].concat()).to_vec()
    }
}

async fn bad_tokens_are_unauthenticated(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let token = s.login("s1.mentor1").await?;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: serde_json::Value = serde_json::from_slice(&b64.decode(parts[1])?)?;
    // A correctly signed token works (the forging helper is right).
    let now = claims["iat"].as_i64().unwrap_or_default();
    let good = sign(r#"{"alg":"HS256","typ":"JWT"}"#, &claims, tests::JWT_SECRET);
    assert!(s.gql(Some(&good), ME, json!({})).await?["errors"].is_null());
    // Tampered: roles raised without re-signing.
    claims["roles"] = json!(["school_admin"]);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(claims.to_string()),
        parts[2]
    );
    // Expired, though correctly signed.
    let mut old = claims.clone();
    old["roles"] = json!(["mentor"]);
    old["iat"] = json!(now - 7200);
    old["exp"] = json!(now - 3600);
    let expired = sign(r#"{"alg":"HS256","typ":"JWT"}"#, &old, tests::JWT_SECRET);
    // alg: none.
    let none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    // Signed with another key.
    let foreign = sign(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims,
        "another-secret-another-secret-another",
    );
    for bad in [tampered, expired, none, foreign, "garbage".to_string()] {
        let body = s.gql(Some(&bad), ME, json!({})).await?;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAUTHENTICATED"),
            "{bad}: {body}"
        );
        assert!(body["data"].is_null() || body["data"]["me"].is_null());
    }
    Ok(())
}
both!(bad_tokens_are_unauthenticated);

async fn refresh_rotation_and_reuse(s: &TestServer) -> Result<()> {
    let body = s.login_payload("s2.mentor1", PASSWORD).await?;
    let r0 = body["data"]["login"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let next = s.gql(None, REFRESH, json!({ "t": r0 })).await?;
    let r1 = next["data"]["refresh"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!r1.is_empty() && r1 != r0, "{next}");
    let access = next["data"]["refresh"]["accessToken"]
        .as_str()
        .unwrap_or_default();
    assert!(s.gql(Some(access), ME, json!({})).await?["errors"].is_null());
    // Reusing r0 (already rotated) is theft: refused, and r1 dies with it.
    let reuse = s.gql(None, REFRESH, json!({ "t": r0 })).await?;
    assert_eq!(error_code(&reuse).as_deref(), Some("UNAUTHENTICATED"));
    let after = s.gql(None, REFRESH, json!({ "t": r1 })).await?;
    assert_eq!(
        error_code(&after).as_deref(),
        Some("UNAUTHENTICATED"),
        "family not revoked: {after}"
    );
    // Logout revokes.
    let body = s.login_payload("s2.mentor1", PASSWORD).await?;
    let r = body["data"]["login"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let out = s
        .gql(
            None,
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": r }),
        )
        .await?;
    assert_eq!(out["data"]["logout"], json!(true));
    let dead = s.gql(None, REFRESH, json!({ "t": r })).await?;
    assert_eq!(error_code(&dead).as_deref(), Some("UNAUTHENTICATED"));
    let forged = s
        .gql(
            None,
            REFRESH,
            json!({ "t": format!("{}x", &r[..r.len() - 1]) }),
        )
        .await?;
    assert_eq!(error_code(&forged).as_deref(), Some("UNAUTHENTICATED"));
    Ok(())
}

async fn refresh_tokens_rotate_and_reuse_revokes(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    refresh_rotation_and_reuse(&s).await
}
both!(refresh_tokens_rotate_and_reuse_revokes);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_tokens_rotate_and_reuse_revokes_with_redis() -> Result<()> {
    let s = TestServer::start(Options {
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    refresh_rotation_and_reuse(&s).await
}

async fn login_rate_limit(s: &TestServer) -> Result<()> {
    // The limit is 3 failures per username here; other usernames are unaffected.
    for _ in 0..3 {
        let b = s.login_payload("s3.admin", "wrong-password").await?;
        assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    }
    let limited = s.login_payload("s3.admin", PASSWORD).await?;
    assert_eq!(
        error_code(&limited).as_deref(),
        Some("RATE_LIMITED"),
        "{limited}"
    );
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    s.login("s3.mentor1").await?;
    Ok(())
}

async fn failed_logins_are_rate_limited(backend: Backend) -> Result<()> {
    let env = vec![("DAOSHI_LOGIN_LIMIT_USER".to_string(), "3".to_string())];
    let s = TestServer::start(Options {
        env,
        ..Options::new(backend)
    })
    .await?;
    login_rate_limit(&s).await
}
both!(failed_logins_are_rate_limited);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_rate_limited_across_replicas_with_redis() -> Result<()> {
    // Two servers on one database and one Redis: failures on one count on the other.
    let env = vec![("DAOSHI_LOGIN_LIMIT_USER".to_string(), "3".to_string())];
    let a = TestServer::start(Options {
        env: env.clone(),
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    let user = format!("nobody.{}", uuid::Uuid::new_v4().simple());
    for _ in 0..3 {
        let b = a.login_payload(&user, "wrong-password").await?;
        assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    }
    let b = TestServer::start(Options {
        env,
        redis: true,
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    let limited = b.login_payload(&user, "wrong-password").await?;
    assert_eq!(
        error_code(&limited).as_deref(),
        Some("RATE_LIMITED"),
        "{limited}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(format!("{}/healthz", s.base_url()))
            .send()
            .await?
            .text()
            .await?,
        "ok"
    );
    assert_eq!(
        c.get(format!("{}/readyz", s.base_url()))
            .send()
            .await?
            .status(),
        200
    );
    // Alias batching is refused.
    let q = format!(
        "{{ {} }}",
        (0..40)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let body = s.gql(None, &q, json!({})).await?;
    assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_rate_limited_per_address() -> Result<()> {
    let env = vec![("DAOSHI_LOGIN_LIMIT_IP".to_string(), "4".to_string())];
    let s = TestServer::start(Options {
        env,
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    for i in 0..4 {
        let b = s
            .login_payload(&format!("guess{i}"), "wrong-password")
            .await?;
        assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    }
    let limited = s.login_payload("s1.admin", PASSWORD).await?;
    assert_eq!(
        error_code(&limited).as_deref(),
        Some("RATE_LIMITED"),
        "{limited}"
    );
    Ok(())
}
