//! Accounts that resist lock-out and guessing, and have a lifecycle: login
//! reservations per username and address, password change, admin reset to a
//! one-time password, deactivation seen by every replica within seconds,
//! `daoshi district create`, and the modes (issue 10, items 4 and 5).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tests::{Backend, Options, PASSWORD, TestServer, both, error_code};

const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken mustChangePassword user { id } } }";
const ME: &str = "{ me { id mustChangePassword } }";
const STUDENTS: &str = "{ students(first: 1) { totalCount } }";
const REFRESH: &str =
    "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }";
const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken refreshToken mustChangePassword } }";
const RESET: &str = "mutation($u: ID!) { resetPassword(userId: $u) { password } }";
const DEACTIVATE: &str = "mutation($u: ID!) { deactivateAccount(userId: $u) }";
const REACTIVATE: &str = "mutation($u: ID!) { reactivateAccount(userId: $u) }";
const NEW_PASSWORD: &str = "青山绿水-长流不息-2026";

/// A login sent through a trusted proxy that saw `addr` (the proxy appends
/// it as the rightmost `X-Forwarded-For` hop; the left part is the client's).
async fn login_from(s: &TestServer, forwarded: &str, user: &str, password: &str) -> Result<Value> {
    let resp = reqwest::Client::new()
        .post(format!("{}/graphql", s.base_url()))
        .header("x-forwarded-for", forwarded)
        .json(&json!({ "query": LOGIN, "variables": { "u": user, "p": password } }))
        .send()
        .await?;
    Ok(resp.json().await?)
}

async fn login(s: &TestServer, user: &str, password: &str) -> Result<Value> {
    s.gql(None, LOGIN, json!({ "u": user, "p": password }))
        .await
}

fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str> {
    body["data"]["login"][name]
        .as_str()
        .with_context(|| format!("no {name} in {body}"))
}

async fn user_id(s: &TestServer, token: &str) -> Result<String> {
    let me = s.gql(Some(token), ME, json!({})).await?;
    me["data"]["me"]["id"]
        .as_str()
        .map(String::from)
        .with_context(|| format!("{me}"))
}

/// Polls until a request with this token is refused (`UNAUTHENTICATED`);
/// returns how long it took.
async fn refused_within(ask: impl AsyncFn() -> Result<Value>, limit: Duration) -> Result<Duration> {
    let start = Instant::now();
    loop {
        let b = ask().await?;
        if error_code(&b).as_deref() == Some("UNAUTHENTICATED") {
            return Ok(start.elapsed());
        }
        if start.elapsed() > limit {
            bail!("still accepted after {limit:?}: {b}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn owner_is_not_locked_out_by_another_address(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_TRUST_PROXY".into(), "1".into()),
            ("DAOSHI_LOGIN_LIMIT_USER".into(), "5".into()),
        ],
        ..Options::new(backend)
    })
    .await?;
    // The attacker varies the part of X-Forwarded-For it controls; the
    // proxy-appended hop (rightmost) stays its real address.
    for i in 0..5 {
        let b = login_from(
            &s,
            &format!("10.9.9.{i}, 198.51.100.66"),
            "s1.mentor1",
            "wrong-password",
        )
        .await?;
        assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    }
    let b = login_from(&s, "10.1.1.1, 198.51.100.66", "s1.mentor1", PASSWORD).await?;
    assert_eq!(
        error_code(&b).as_deref(),
        Some("RATE_LIMITED"),
        "the attacker's address is limited: {b}"
    );
    // The owner, from their own address, still logs in.
    let b = login_from(&s, "203.0.113.5", "s1.mentor1", PASSWORD).await?;
    assert!(field(&b, "accessToken").is_ok(), "owner locked out: {b}");
    Ok(())
}
both!(owner_is_not_locked_out_by_another_address);

async fn many_addresses_slow_a_username_but_never_lock_it(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_TRUST_PROXY".into(), "1".into()),
            ("DAOSHI_LOGIN_SOFT_LIMIT_USER".into(), "3".into()),
        ],
        ..Options::new(backend)
    })
    .await?;
    for i in 0..3 {
        let b = login_from(&s, &format!("198.51.100.{i}"), "s1.head1", "wrong-password").await?;
        assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    }
    // Past the soft cap: one attempt per back-off delay, from anywhere.
    let b = login_from(&s, "198.51.100.50", "s1.head1", "wrong-password").await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    let b = login_from(&s, "203.0.113.9", "s1.head1", PASSWORD).await?;
    assert_eq!(error_code(&b).as_deref(), Some("RATE_LIMITED"), "{b}");
    let wait = b["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap_or(99);
    assert!(wait <= 2, "slowed, not locked: {b}");
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(200)).await;
    let b = login_from(&s, "203.0.113.9", "s1.head1", PASSWORD).await?;
    assert!(field(&b, "accessToken").is_ok(), "owner locked out: {b}");
    Ok(())
}
both!(many_addresses_slow_a_username_but_never_lock_it);

async fn parallel_guesses(s: &TestServer, user: &str) -> Result<()> {
    let mut tasks = vec![];
    for _ in 0..16 {
        let base = s.base_url();
        let user = user.to_string();
        tasks.push(tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(format!("{base}/graphql"))
                .header("x-forwarded-for", "198.51.100.77")
                .json(&json!({ "query": LOGIN, "variables": { "u": user, "p": "wrong-password" } }))
                .send()
                .await?;
            let b: Value = resp.json().await?;
            anyhow::Ok(error_code(&b).unwrap_or_default())
        }));
    }
    let mut checked = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await??.as_str() {
            "UNAUTHENTICATED" => checked += 1,
            "RATE_LIMITED" => limited += 1,
            "UNAVAILABLE" => {}
            other => bail!("unexpected {other}"),
        }
    }
    assert!(
        checked <= 5,
        "{checked} passwords checked past a limit of 5"
    );
    assert!(
        limited >= 11 - (16 - checked - limited),
        "limited {limited}"
    );
    Ok(())
}

async fn parallel_guesses_cannot_pass_the_reservation(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_TRUST_PROXY".into(), "1".into()),
            ("DAOSHI_LOGIN_LIMIT_USER".into(), "5".into()),
        ],
        ..Options::new(backend)
    })
    .await?;
    parallel_guesses(&s, "s2.mentor1").await
}
both!(parallel_guesses_cannot_pass_the_reservation);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_cannot_pass_the_reservation_with_redis() -> Result<()> {
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_TRUST_PROXY".into(), "1".into()),
            ("DAOSHI_LOGIN_LIMIT_USER".into(), "5".into()),
        ],
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    // A username of its own: Redis counters outlive the test server.
    parallel_guesses(&s, &format!("nobody.{}", uuid::Uuid::new_v4().simple())).await
}

async fn login_input_and_oracles(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let long = "a".repeat(65);
    let b = login(&s, &long, "whatever-password").await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    // Login travels alone.
    let b = s
        .gql(None, "mutation { login(username: \"s1.admin\", password: \"daoshi-demo\") { accessToken } logout(refreshToken: \"x\") }", json!({}))
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    // A correct password on an account without roles answers exactly like
    // a wrong one.
    let wrong = login(&s, "s1.counsellor", "wrong-password").await?;
    s.sql(
        "DELETE FROM role_grants WHERE user_id = (SELECT id FROM users WHERE username = 's1.counsellor')",
    )?;
    let right = login(&s, "s1.counsellor", PASSWORD).await?;
    assert_eq!(
        error_code(&right).as_deref(),
        Some("UNAUTHENTICATED"),
        "{right}"
    );
    assert_eq!(wrong["errors"][0]["message"], right["errors"][0]["message"]);
    Ok(())
}
both!(login_input_and_oracles);

async fn change_password(s: &TestServer, user: &str) -> Result<()> {
    let first = login(s, user, PASSWORD).await?;
    let second = login(s, user, PASSWORD).await?;
    let token = field(&first, "accessToken")?.to_string();
    for (bad, path) in [
        ("short", "newPassword"),
        ("daoshi-demo", "newPassword"),
        (user, "newPassword"),
    ] {
        let b = s
            .gql(Some(&token), CHANGE, json!({ "c": PASSWORD, "n": bad }))
            .await?;
        assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{bad}: {b}");
        assert!(b.to_string().contains(path), "{b}");
    }
    let b = s
        .gql(
            Some(&token),
            CHANGE,
            json!({ "c": "not-my-password", "n": NEW_PASSWORD }),
        )
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    let b = s
        .gql(
            Some(&token),
            CHANGE,
            json!({ "c": PASSWORD, "n": NEW_PASSWORD }),
        )
        .await?;
    let fresh = b["data"]["changePassword"]["accessToken"]
        .as_str()
        .with_context(|| format!("{b}"))?
        .to_string();
    let fresh_refresh = b["data"]["changePassword"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        b["data"]["changePassword"]["mustChangePassword"],
        json!(false)
    );
    // Every earlier session ends: both refresh tokens and the access token.
    for old in [&first, &second] {
        let r = s
            .gql(None, REFRESH, json!({ "t": field(old, "refreshToken")? }))
            .await?;
        assert_eq!(error_code(&r).as_deref(), Some("UNAUTHENTICATED"), "{r}");
    }
    let b = s.gql(Some(&token), ME, json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    let b = s.gql(Some(&fresh), ME, json!({})).await?;
    assert!(b["data"]["me"]["id"].is_string(), "{b}");
    // The new refresh token works; the old password does not.
    let r = s.gql(None, REFRESH, json!({ "t": fresh_refresh })).await?;
    assert!(r["data"]["refresh"]["accessToken"].is_string(), "{r}");
    let b = login(s, user, PASSWORD).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    let b = login(s, user, NEW_PASSWORD).await?;
    assert!(field(&b, "accessToken").is_ok());
    Ok(())
}

async fn change_password_ends_every_session(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    change_password(&s, "s1.mentor1").await
}
both!(change_password_ends_every_session);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_ends_every_session_with_redis() -> Result<()> {
    let s = TestServer::start(Options {
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    change_password(&s, "s1.mentor1").await
}

async fn reset_gives_a_one_time_password(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.login("s1.admin").await?;
    let mentor = s.login("s1.mentor1").await?;
    let mentor_id = user_id(&s, &mentor).await?;
    // Only admins, only their own scope.
    let b = s
        .gql(Some(&mentor), RESET, json!({ "u": mentor_id }))
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    let other = s.login("s2.mentor1").await?;
    let other_id = user_id(&s, &other).await?;
    let b = s.gql(Some(&admin), RESET, json!({ "u": other_id })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{b}");

    let b = s
        .gql(Some(&admin), RESET, json!({ "u": mentor_id }))
        .await?;
    let otp = b["data"]["resetPassword"]["password"]
        .as_str()
        .with_context(|| format!("{b}"))?
        .to_string();
    // The mentor's session ended; the old password no longer works.
    let b = s.gql(Some(&mentor), ME, json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    let b = login(&s, "s1.mentor1", PASSWORD).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    // The one-time password opens a session that may only change it.
    let b = login(&s, "s1.mentor1", &otp).await?;
    assert_eq!(b["data"]["login"]["mustChangePassword"], json!(true), "{b}");
    let restricted = field(&b, "accessToken")?.to_string();
    let me = s.gql(Some(&restricted), ME, json!({})).await?;
    assert_eq!(me["data"]["me"]["mustChangePassword"], json!(true), "{me}");
    let b = s.gql(Some(&restricted), STUDENTS, json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    let b = s
        .gql(
            Some(&restricted),
            CHANGE,
            json!({ "c": otp, "n": NEW_PASSWORD }),
        )
        .await?;
    assert_eq!(
        b["data"]["changePassword"]["mustChangePassword"],
        json!(false),
        "{b}"
    );
    let free = b["data"]["changePassword"]["accessToken"]
        .as_str()
        .unwrap_or_default();
    let b = s.gql(Some(free), STUDENTS, json!({})).await?;
    assert!(b["data"]["students"]["totalCount"].is_number(), "{b}");
    // Used up: the one-time password no longer logs in.
    let b = login(&s, "s1.mentor1", &otp).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));

    // The district admin resets school admins of its district, nobody else.
    let district = s.login("district").await?;
    let admin_id = user_id(&s, &admin).await?;
    let b = s
        .gql(Some(&district), RESET, json!({ "u": mentor_id }))
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{b}");
    let b = s
        .gql(Some(&district), RESET, json!({ "u": admin_id }))
        .await?;
    assert!(b["data"]["resetPassword"]["password"].is_string(), "{b}");
    let b = s.gql(Some(&admin), ME, json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    // Every step is audited.
    let n = s.sql("SELECT count(*) FROM audit_log WHERE action IN ('account.reset_password', 'account.change_password')")?;
    assert_eq!(n.trim(), "3");
    Ok(())
}
both!(reset_gives_a_one_time_password);

async fn deactivation(
    s: &TestServer,
    ask_on: &impl AsyncFn(&str) -> Result<Value>,
) -> Result<Duration> {
    let admin = s.login("s1.admin").await?;
    let mentor = s.login("s1.mentor1").await?;
    let id = user_id(s, &mentor).await?;
    let b = ask_on(&mentor).await?;
    assert!(b["data"].is_object(), "{b}");
    let b = s.gql(Some(&admin), DEACTIVATE, json!({ "u": id })).await?;
    assert_eq!(b["data"]["deactivateAccount"], json!(false), "{b}");
    let took = refused_within(|| ask_on(&mentor), Duration::from_secs(10)).await?;
    let b = login(s, "s1.mentor1", PASSWORD).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"), "{b}");
    let b = s.gql(Some(&admin), REACTIVATE, json!({ "u": id })).await?;
    assert_eq!(b["data"]["reactivateAccount"], json!(true), "{b}");
    let b = login(s, "s1.mentor1", PASSWORD).await?;
    assert!(field(&b, "accessToken").is_ok(), "{b}");
    let n = s.sql("SELECT count(*) FROM audit_log WHERE action IN ('account.deactivate', 'account.reactivate')")?;
    assert_eq!(n.trim(), "2");
    Ok(took)
}

async fn deactivation_ends_sessions_within_seconds(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let took = deactivation(&s, &async |t: &str| s.gql(Some(t), ME, json!({})).await).await?;
    eprintln!("deactivation seen after {took:?}");
    Ok(())
}
both!(deactivation_ends_sessions_within_seconds);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivation_reaches_another_replica_through_redis() -> Result<()> {
    let s = TestServer::start(Options {
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    let replica = s.start_replica().await?;
    let took = deactivation(&s, &async |t: &str| {
        replica.gql(Some(t), ME, json!({})).await
    })
    .await?;
    eprintln!("deactivation seen on the replica after {took:?}");
    assert!(took < Duration::from_secs(10));
    Ok(())
}

fn printed_password(out: &std::process::Output) -> Result<String> {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("one-time password: "))
        .map(|p| p.trim().to_string())
        .with_context(|| format!("no password in {text}"))
}

async fn district_create_prints_a_one_time_password(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let out = s
        .cli(&["district", "create", "--code", "t9", "--name", "测试区"])
        .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let otp = printed_password(&out)?;
    let again = s
        .cli(&["district", "create", "--code", "t9", "--name", "测试区"])
        .await?;
    assert!(!again.status.success());
    let b = login(&s, "t9.admin", &otp).await?;
    assert_eq!(b["data"]["login"]["mustChangePassword"], json!(true), "{b}");
    let t = field(&b, "accessToken")?.to_string();
    let b = s.gql(Some(&t), "{ schools { id } }", json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    let b = s
        .gql(Some(&t), CHANGE, json!({ "c": otp, "n": NEW_PASSWORD }))
        .await?;
    let t = b["data"]["changePassword"]["accessToken"]
        .as_str()
        .with_context(|| format!("{b}"))?
        .to_string();
    let b = s.gql(Some(&t), "{ schools { id } }", json!({})).await?;
    assert_eq!(b["data"]["schools"], json!([]), "{b}");
    let b = login(&s, "t9.admin", &otp).await?;
    assert_eq!(error_code(&b).as_deref(), Some("UNAUTHENTICATED"));
    Ok(())
}
both!(district_create_prints_a_one_time_password);

/// Runs `daoshi` with the server's environment and some overrides.
async fn daoshi(
    s: &TestServer,
    overrides: &[(&str, &str)],
    args: &[&str],
) -> Result<std::process::Output> {
    let mut cmd = tokio::process::Command::new(tests::daoshi_bin()?);
    cmd.args(args).envs(s.env().iter().cloned());
    for (k, v) in overrides {
        cmd.env(k, v);
    }
    let child = cmd.kill_on_drop(true).output();
    Ok(tokio::time::timeout(Duration::from_secs(30), child).await??)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_the_demo_and_unknown_modes() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    for args in [
        &["demo", "--code", "p1", "--prefix", "p1."][..],
        &["serve", "--demo", "--bind", "127.0.0.1:0"],
    ] {
        for env in [&[("DAOSHI_ENV", "production")][..], &[]] {
            let mut overrides = env.to_vec();
            if env.is_empty() {
                // Unset means production.
                overrides.push(("DAOSHI_ENV", ""));
            }
            let out = daoshi(&s, &overrides, args).await?;
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{args:?} ran in production");
            assert!(err.contains("refusing to seed the demo"), "{args:?}: {err}");
        }
    }
    assert_eq!(
        s.sql("SELECT count(*) FROM districts WHERE code = 'p1'")?
            .trim(),
        "0"
    );
    let out = daoshi(
        &s,
        &[("DAOSHI_ENV", "prod")],
        &["serve", "--bind", "127.0.0.1:0"],
    )
    .await?;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("production") && err.contains("development"),
        "{err}"
    );
    Ok(())
}
