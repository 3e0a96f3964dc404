//! Faults of the server's dependencies, on private PostgreSQL and Redis
//! servers that the tests stop and start (the shared ones are never
//! touched):
//!
//! - PostgreSQL stopped for ~8 s under activity-logging load from several
//!   clients: every request finishes within [`BOUND`] with success or the
//!   retryable `UNAVAILABLE` (never `INTERNAL`, never a hang), `/readyz`
//!   says not ready meanwhile, every acknowledged activity is in the
//!   database afterwards (lost: 0), and the server serves again without a
//!   restart.
//! - Redis killed: login and refresh fail closed with `UNAVAILABLE` within
//!   ~3 s; after Redis is back, logins work again within seconds.
//! - A table locked by another session: the waiting statement is cancelled
//!   by `statement_timeout` and the request answers `UNAVAILABLE`.
//!
//! Each prints its counts for the release note.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tests::services::{PrivatePg, PrivateRedis, PrivateServer};
use tests::{Backend, Options, PASSWORD, TestServer, error_code};

/// Longest any request may take, outage or not.
const BOUND: Duration = Duration::from_secs(10);
/// Concurrent logging clients.
const CLIENTS: usize = 6;
/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(8);

const LOG: &str = "mutation($i: ActivityInput!) { logActivity(input: $i) { id clientKey } }";
const REFRESH: &str =
    "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }";

fn talk(key: &str, student: &str) -> Value {
    json!({ "i": { "clientKey": key, "kind": "TALK", "studentIds": [student], "summary": "故障演练",
        "guidanceAreas": ["PSYCHOLOGICAL"], "trigger": "BEFORE_EXAM" } })
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    requests: usize,
    acknowledged: Vec<String>,
    unavailable: usize,
    /// Anything else: other codes, transport errors, requests past [`BOUND`].
    wrong: Vec<String>,
    slowest: Duration,
}

async fn client(
    s: &PrivateServer,
    token: &str,
    student: &str,
    n: usize,
    stop: &AtomicBool,
) -> Seen {
    let mut seen = Seen::default();
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let key = format!("fault-{n}-{i}");
        let t0 = Instant::now();
        let answer =
            tokio::time::timeout(BOUND, s.gql(Some(token), LOG, talk(&key, student))).await;
        let took = t0.elapsed();
        seen.slowest = seen.slowest.max(took);
        seen.requests += 1;
        match answer {
            Err(_) => seen
                .wrong
                .push(format!("{key}: no answer within {BOUND:?}")),
            Ok(Err(e)) => seen.wrong.push(format!("{key}: {e:#}")),
            Ok(Ok(body)) => {
                if body["data"]["logActivity"]["clientKey"] == json!(key) {
                    seen.acknowledged.push(key);
                } else if error_code(&body).as_deref() == Some("UNAVAILABLE") {
                    if body["errors"][0]["extensions"]["retryAfter"]
                        .as_u64()
                        .is_none()
                    {
                        seen.wrong
                            .push(format!("{key}: UNAVAILABLE without retryAfter: {body}"));
                    }
                    seen.unavailable += 1;
                    // A real client backs off; keep the load up but not a busy loop.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                } else {
                    seen.wrong.push(format!("{key}: {body}"));
                }
            }
        }
    }
    seen
}

async fn readyz(base: &str) -> Result<(u16, Duration)> {
    let t0 = Instant::now();
    let r = tokio::time::timeout(BOUND, reqwest::get(format!("{base}/readyz"))).await??;
    Ok((r.status().as_u16(), t0.elapsed()))
}

async fn blocking(f: impl FnOnce() -> Result<()> + Send + 'static) -> Result<()> {
    tokio::task::spawn_blocking(f).await?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_under_load_loses_nothing_acknowledged() -> Result<()> {
    let pg = Arc::new(PrivatePg::start()?);
    let s = PrivateServer::start(&pg).await?;
    let own = s.login("s2.student1").await?;
    let d = s
        .gql(
            Some(&own),
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student = d["data"]["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!student.is_empty(), "{d}");
    let token = s.login("s2.mentor1").await?;
    assert_eq!(readyz(&s.base_url()).await?.0, 200);

    let stop = AtomicBool::new(false);
    let clients =
        futures::future::join_all((0..CLIENTS).map(|n| client(&s, &token, &student, n, &stop)));
    let controller = async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let p = pg.clone();
        blocking(move || p.stop()).await?;
        let down = Instant::now();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let during = readyz(&s.base_url()).await?;
        tokio::time::sleep(OUTAGE.saturating_sub(down.elapsed())).await;
        let p = pg.clone();
        blocking(move || p.start_again()).await?;
        let up = Instant::now();
        // Until a fresh request succeeds again (the server is not restarted).
        let mut recovered = None;
        while up.elapsed() < Duration::from_secs(30) {
            let probe = s
                .gql(
                    Some(&token),
                    LOG,
                    talk(&format!("probe-{}", up.elapsed().as_millis()), &student),
                )
                .await?;
            if probe["errors"].is_null() {
                recovered = Some(up.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, Ordering::SeqCst);
        Ok::<_, anyhow::Error>((during, recovered))
    };
    let (seen, outcome) = tokio::join!(clients, controller);
    let (during, recovered) = outcome?;

    let requests: usize = seen.iter().map(|c| c.requests).sum();
    let unavailable: usize = seen.iter().map(|c| c.unavailable).sum();
    let slowest = seen.iter().map(|c| c.slowest).max().unwrap_or_default();
    let acknowledged: BTreeSet<String> = seen
        .iter()
        .flat_map(|c| c.acknowledged.iter().cloned())
        .collect();
    let wrong: Vec<&String> = seen.iter().flat_map(|c| c.wrong.iter()).collect();
    let stored: BTreeSet<String> = tests::psql(
        &s.db_url,
        "SELECT client_key FROM activities WHERE client_key LIKE 'fault-%'",
    )?
    .lines()
    .map(|l| l.trim().to_string())
    .collect();
    let lost: Vec<&String> = acknowledged.difference(&stored).collect();
    let unacknowledged_but_stored = stored.difference(&acknowledged).count();
    println!(
        "postgres outage of {OUTAGE:?} under {CLIENTS} clients: requests {requests}, acknowledged {}, \
         UNAVAILABLE {unavailable}, other answers {}, lost {}, stored without acknowledgement {unacknowledged_but_stored}, \
         slowest request {slowest:?}, /readyz during outage {} in {:?}, recovered {:?} after start",
        acknowledged.len(),
        wrong.len(),
        lost.len(),
        during.0,
        during.1,
        recovered,
    );
    assert!(
        wrong.is_empty(),
        "answers other than success or UNAVAILABLE: {wrong:?}"
    );
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert!(unavailable > 0, "the outage was not seen by any client");
    assert!(
        acknowledged.len() > unavailable / 10,
        "hardly any load was accepted"
    );
    assert!(slowest < BOUND, "slowest request {slowest:?}");
    assert_eq!(during.0, 503, "/readyz while the database is down");
    assert!(
        during.1 < Duration::from_secs(5),
        "/readyz took {:?}",
        during.1
    );
    let Some(recovered) = recovered else {
        bail!("the server did not serve again within 30 s of the database's start");
    };
    assert!(
        recovered < Duration::from_secs(10),
        "recovery took {recovered:?}"
    );
    assert_eq!(readyz(&s.base_url()).await?.0, 200);
    Ok(())
}

async fn timed(
    s: &TestServer,
    token: Option<&str>,
    q: &str,
    v: Value,
) -> Result<(Value, Duration)> {
    let t0 = Instant::now();
    let body = tokio::time::timeout(BOUND, s.gql(token, q, v)).await??;
    Ok((body, t0.elapsed()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_fails_login_and_refresh_closed_then_recovers() -> Result<()> {
    let mut redis = PrivateRedis::start()?;
    let s = TestServer::start(Options {
        env: vec![("REDIS_URL".into(), redis.url())],
        ..Options::new(Backend::Postgres)
    })
    .await?;
    let session = s.login_payload("s2.head1", PASSWORD).await?;
    let refresh_token = session["data"]["login"]["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!refresh_token.is_empty(), "{session}");

    redis.stop()?;
    let login_vars = json!({ "u": "s2.head1", "p": PASSWORD });
    const LOGIN: &str =
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }";
    let mut slowest = Duration::ZERO;
    let mut times = vec![];
    for _ in 0..3 {
        let (body, took) = timed(&s, None, LOGIN, login_vars.clone()).await?;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAVAILABLE"),
            "login without Redis: {body}"
        );
        assert!(
            body["errors"][0]["extensions"]["retryAfter"]
                .as_u64()
                .is_some(),
            "{body}"
        );
        slowest = slowest.max(took);
        times.push(took);
        let (body, took) = timed(&s, None, REFRESH, json!({ "t": refresh_token })).await?;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAVAILABLE"),
            "refresh without Redis: {body}"
        );
        slowest = slowest.max(took);
        times.push(took);
    }
    // A wrong password is not let through either: the limit is not skipped.
    let (body, _) = timed(
        &s,
        None,
        LOGIN,
        json!({ "u": "s2.head1", "p": "wrong-password" }),
    )
    .await?;
    assert_eq!(error_code(&body).as_deref(), Some("UNAVAILABLE"), "{body}");
    // Work that needs no Redis goes on.
    let token = session["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_default();
    let (body, _) = timed(&s, Some(token), "{ terms { id } }", json!({})).await?;
    assert!(body["errors"].is_null(), "{body}");

    redis.start_again()?;
    let back = Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(20) {
        let (body, _) = timed(&s, None, LOGIN, login_vars.clone()).await?;
        if body["data"]["login"]["accessToken"].is_string() {
            recovered = Some(back.elapsed());
            break;
        }
        assert_eq!(error_code(&body).as_deref(), Some("UNAVAILABLE"), "{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "redis killed: login/refresh UNAVAILABLE in {times:?}; logins again {recovered:?} after Redis restarted"
    );
    assert!(
        slowest < Duration::from_secs(3),
        "fail-closed answers took {slowest:?}"
    );
    let Some(recovered) = recovered else {
        bail!("logins did not recover within 20 s of Redis' restart");
    };
    assert!(
        recovered < Duration::from_secs(5),
        "reconnection took {recovered:?}"
    );
    // A new session refreshes (the old one lived in the non-persistent Redis).
    let fresh = s.login_payload("s2.head1", PASSWORD).await?;
    let t = fresh["data"]["login"]["refreshToken"]
        .as_str()
        .unwrap_or_default();
    let (body, _) = timed(&s, None, REFRESH, json!({ "t": t })).await?;
    assert!(body["data"]["refresh"]["accessToken"].is_string(), "{body}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_table_answers_unavailable_within_the_statement_timeout() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let d = s
        .data_as(
            "s2.student1",
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student = d["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let token = s.login("s2.mentor1").await?;
    // An operator's session holds the table for 9 s (as a stuck migration
    // or a forgotten transaction would).
    let mut holder = std::process::Command::new("psql")
        .args([
            s.db.url.as_str(),
            "-qtA",
            "-c",
            "BEGIN; LOCK TABLE activities IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(9); COMMIT;",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (body, took) = timed(&s, Some(&token), LOG, talk("fault-locked", &student)).await?;
    println!(
        "a table locked for 9 s: {:?} after {took:?}",
        error_code(&body)
    );
    assert_eq!(error_code(&body).as_deref(), Some("UNAVAILABLE"), "{body}");
    assert!(took < Duration::from_secs(7), "took {took:?}");
    tokio::task::spawn_blocking(move || holder.wait()).await??;
    let (body, _) = timed(&s, Some(&token), LOG, talk("fault-locked", &student)).await?;
    assert!(body["errors"].is_null(), "after the lock: {body}");
    Ok(())
}
