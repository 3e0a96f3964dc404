//! Running it for real (issue 18): Prometheus metrics on their own port,
//! request ids, JSON logs, secrets from mounted files, the container's
//! health probe, draining on SIGTERM, and backups restored into a fresh
//! database that the API then serves unchanged.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tests::{Backend, JWT_SECRET, LOG_LINES, Options, PASSWORD, TestServer, both, daoshi_bin};

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }";
const COUNT: &str = "{ students(first: 1) { totalCount } }";

/// A loopback port nobody listens on right now.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Every line of a Prometheus text exposition is a comment (`# HELP`,
/// `# TYPE`) or `name{labels} value`; returns the samples.
fn parse_prometheus(text: &str) -> Result<Vec<(String, f64)>> {
    let mut samples = vec![];
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            if !(rest.starts_with("HELP daoshi_") || rest.starts_with("TYPE daoshi_")) {
                bail!("bad comment line: {line}");
            }
            if rest.starts_with("TYPE ")
                && !["counter", "gauge", "histogram"]
                    .iter()
                    .any(|t| rest.ends_with(t))
            {
                bail!("bad type: {line}");
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').context(format!("no value: {line}"))?;
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            bail!("bad metric name: {line}");
        }
        if name_end < series.len() {
            let labels = &series[name_end..];
            if !(labels.starts_with('{') && labels.ends_with('}')) {
                bail!("bad labels: {line}");
            }
            for pair in labels[1..labels.len() - 1].split("\",") {
                let (k, v) = pair
                    .split_once("=\"")
                    .context(format!("bad label: {line}"))?;
                if k.is_empty() || v.contains('\n') {
                    bail!("bad label: {line}");
                }
            }
        }
        let v: f64 = value
            .parse()
            .with_context(|| format!("bad value: {line}"))?;
        samples.push((series.to_string(), v));
    }
    Ok(samples)
}

fn sample(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples.iter().find(|(s, _)| s == series).map(|(_, v)| *v)
}

/// `/metrics` parses as Prometheus text, counts the requests just made by
/// route and status and their latency, shows the pool, lives on its own
/// port only, and carries no personal data; every response has a request
/// id (the caller's when it is sane) and the JSON log lines carry it.
async fn metrics_count_requests_and_request_ids_reach_the_logs(backend: Backend) -> Result<()> {
    let port = free_port()?;
    let metrics_bind = format!("127.0.0.1:{port}");
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_METRICS_BIND".into(), metrics_bind.clone()),
            ("DAOSHI_LOG_FORMAT".into(), "json".into()),
            ("RUST_LOG".into(), "warn,backend::ops=debug".into()),
        ],
        ..Options::new(backend)
    })
    .await?;
    let client = reqwest::Client::new();
    let token = s.login("s1.admin").await?;
    let rid = format!("rid-{}", uuid::Uuid::new_v4().simple());
    let resp = client
        .post(format!("{}/graphql", s.base_url()))
        .bearer_auth(&token)
        .header("x-request-id", &rid)
        .json(&json!({ "query": COUNT }))
        .send()
        .await?;
    assert_eq!(resp.headers()["x-request-id"], rid.as_str());
    let body: Value = resp.json().await?;
    assert!(body["errors"].is_null(), "{body}");
    // An unsafe id is replaced, never echoed (log injection).
    let resp = client
        .get(format!("{}/healthz", s.base_url()))
        .header("x-request-id", "a b\tc")
        .send()
        .await?;
    let generated = resp.headers()["x-request-id"].to_str()?.to_string();
    assert_eq!(generated.len(), 32, "{generated}");
    assert!(generated.bytes().all(|b| b.is_ascii_hexdigit()));
    // A refused request is counted by its code.
    let bad = s.gql(Some(&token), "{ nope }", json!({})).await?;
    assert_eq!(tests::error_code(&bad).as_deref(), Some("VALIDATION"));

    let text = client
        .get(format!("http://{metrics_bind}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    let samples = parse_prometheus(&text)?;
    let posts = sample(
        &samples,
        "daoshi_http_requests_total{route=\"/graphql\",method=\"POST\",status=\"200\"}",
    )
    .context(text.clone())?;
    assert!(posts >= 2.0, "{text}");
    assert!(
        sample(
            &samples,
            "daoshi_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"
        ) >= Some(1.0),
        "{text}"
    );
    let count = sample(
        &samples,
        "daoshi_http_request_duration_seconds_count{route=\"/graphql\"}",
    )
    .context(text.clone())?;
    let inf = sample(
        &samples,
        "daoshi_http_request_duration_seconds_bucket{route=\"/graphql\",le=\"+Inf\"}",
    );
    assert_eq!(inf, Some(count));
    assert!(sample(&samples, "daoshi_graphql_responses_total{outcome=\"ok\"}") >= Some(2.0));
    assert!(
        sample(
            &samples,
            "daoshi_graphql_responses_total{outcome=\"VALIDATION\"}"
        ) >= Some(1.0)
    );
    assert!(
        sample(&samples, "daoshi_db_pool_connections{state=\"idle\"}").is_some(),
        "{text}"
    );
    assert_eq!(sample(&samples, "daoshi_draining"), Some(0.0));
    for private in ["s1.admin", &rid, &token, PASSWORD] {
        assert!(!text.contains(private), "metrics carry {private}");
    }
    // Not on the public port (the site's fallback answers there instead).
    let public = client
        .get(format!("{}/metrics", s.base_url()))
        .send()
        .await?
        .text()
        .await?;
    assert!(!public.contains("daoshi_http_requests_total"));

    // The JSON log lines of that request carry its id, and no token.
    let found = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let lines = LOG_LINES.lock().map(|l| l.clone()).unwrap_or_default();
            if let Some(l) = lines.iter().find(|l| l.contains(&rid)) {
                return l.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .context("no log line with the request id")?;
    let v: Value = serde_json::from_str(&found).with_context(|| format!("not JSON: {found}"))?;
    assert_eq!(v["span"]["request_id"], rid.as_str(), "{v}");
    let lines = LOG_LINES.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(!lines.iter().any(|l| l.contains(&token)));
    Ok(())
}
both!(metrics_count_requests_and_request_ids_reach_the_logs);

/// SIGTERM with a request in flight (its headers and half its body sent):
/// the server stops accepting new connections at once, still reads the
/// rest of that request and answers it, then exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_requests() -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let addr = s.base_url().trim_start_matches("http://").to_string();
    let body =
        json!({ "query": LOGIN, "variables": { "u": "s1.admin", "p": PASSWORD } }).to_string();
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut conn = tokio::net::TcpStream::connect(&addr).await?;
    conn.write_all(
        format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await?;
    conn.write_all(first).await?;
    conn.flush().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = s.pid().context("no pid")?;
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?
        .success();
    assert!(ok);
    // New connections are refused while the old one is still open.
    let refused = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if tokio::net::TcpStream::connect(&addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "still accepting 5 s after SIGTERM");

    conn.write_all(rest).await?;
    conn.flush().await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), conn.read_to_end(&mut answer))
        .await
        .context("the in-flight request was not answered")??;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("accessToken"), "{text}");
    let status = s.terminate_wait(Duration::from_secs(20)).await?;
    assert!(status.success(), "exit {status:?}");
    eprintln!("in flight at SIGTERM: 1, answered: 1, new connections refused, exit {status}");
    Ok(())
}

/// Secrets from mounted files (`JWT_SECRET_FILE`): tokens the tests sign
/// with the shared secret are accepted; both forms at once are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_files_and_the_probe_answers() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let secret_file = dir.path().join("jwt_secret");
    std::fs::write(&secret_file, format!("{JWT_SECRET}\n"))?;
    let file = secret_file.display().to_string();
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    // A replica that gets its key only from the file.
    let r = s
        .start_replica_with(&[("JWT_SECRET", ""), ("JWT_SECRET_FILE", &file)])
        .await?;
    let login = r
        .gql(None, LOGIN, json!({ "u": "s1.admin", "p": PASSWORD }))
        .await?;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .context(login.to_string())?
        .to_string();
    let d = r.gql(Some(&token), COUNT, json!({})).await?;
    assert!(
        d["data"]["students"]["totalCount"].as_i64() > Some(0),
        "{d}"
    );
    // Tokens signed with the file's key elsewhere (the test, the other
    // replica) are accepted: the key is the same.
    let forged = tests::sign_token(&tests::token_claims(&token)?);
    let d = r.gql(Some(&forged), COUNT, json!({})).await?;
    assert!(d["errors"].is_null(), "{d}");
    let d = s.gql(Some(&token), COUNT, json!({})).await?;
    assert!(d["errors"].is_null(), "{d}");

    let both_set = s
        .cli_with(
            &[("JWT_SECRET", JWT_SECRET), ("JWT_SECRET_FILE", &file)],
            &["migrate"],
        )
        .await?;
    assert!(!both_set.status.success());
    assert!(
        String::from_utf8_lossy(&both_set.stderr).contains("both JWT_SECRET and JWT_SECRET_FILE")
    );
    let missing = s
        .cli_with(
            &[("DATABASE_URL_FILE", "/nonexistent/daoshi")],
            &["migrate"],
        )
        .await?;
    assert!(!missing.status.success());

    let addr = s.base_url().trim_start_matches("http://").to_string();
    for path in ["/healthz", "/readyz"] {
        let out = tokio::process::Command::new(daoshi_bin()?)
            .args(["probe", "--addr", &addr, "--path", path])
            .output()
            .await?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let closed = format!("127.0.0.1:{}", free_port()?);
    let out = tokio::process::Command::new(daoshi_bin()?)
        .args(["probe", "--addr", &closed])
        .output()
        .await?;
    assert!(!out.status.success());
    Ok(())
}

/// `daoshi backup --to DIR` while the server serves; the copy, restored into
/// a fresh database (PostgreSQL: `pg_restore`, roles and RLS intact; SQLite:
/// the file), is served by a new process with the same answers.
async fn a_backup_restores_to_the_same_data(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let dir = tempfile::tempdir()?;
    let out = s
        .cli(&["backup", "--to", &dir.path().display().to_string()])
        .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout
        .lines()
        .find_map(|l| l.strip_prefix("backup written: "))
        .context(stdout.to_string())?
        .trim()
        .to_string();
    // A write after the backup is not in it.
    let before = s.data_as("s1.admin", COUNT, json!({})).await?;
    let restored_url = match backend {
        Backend::Sqlite => format!("sqlite://{path}?mode=rw"),
        Backend::Postgres => {
            let name = format!("daoshi_restore_{}", uuid::Uuid::new_v4().simple());
            let admin = std::env::var("DAOSHI_TEST_PG")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            tests::psql(&admin, &format!("CREATE DATABASE {name}"))?;
            let mut url = url::Url::parse(&admin)?;
            url.set_path(&name);
            let r = std::process::Command::new("pg_restore")
                .args([
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    url.as_str(),
                    &path,
                ])
                .output()?;
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            // RLS came back with the tables.
            let rls = tests::psql(
                url.as_str(),
                "SELECT count(*) FROM pg_class WHERE relname = 'students' AND relrowsecurity AND relforcerowsecurity",
            )?;
            assert_eq!(rls.trim(), "1", "RLS lost in the restore");
            url.to_string()
        }
    };
    let restored = s
        .start_replica_with(&[("DATABASE_URL", &restored_url), ("DATABASE_APP_URL", "")])
        .await?;
    let token = restored
        .gql(None, LOGIN, json!({ "u": "s1.admin", "p": PASSWORD }))
        .await?;
    let token = token["data"]["login"]["accessToken"]
        .as_str()
        .context(token.to_string())?
        .to_string();
    let after = restored.gql(Some(&token), COUNT, json!({})).await?;
    assert_eq!(after["data"], before, "{after}");
    Ok(())
}
both!(a_backup_restores_to_the_same_data);

/// Migrations as their own step: `daoshi migrate` (a no-op on a current
/// schema), then a replica with `DAOSHI_MIGRATE_ON_START=0` that holds only
/// the RLS-bound application role's credentials serves as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_run_without_the_owner_after_a_separate_migrate() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let out = s.cli(&["migrate"]).await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = s.db.app_url()?;
    let r = s
        .start_replica_with(&[
            ("DATABASE_URL", &app),
            ("DATABASE_APP_URL", &app),
            ("DAOSHI_MIGRATE_ON_START", "0"),
        ])
        .await?;
    let login = r
        .gql(None, LOGIN, json!({ "u": "s1.admin", "p": PASSWORD }))
        .await?;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .context(login.to_string())?
        .to_string();
    let d = r.gql(Some(&token), COUNT, json!({})).await?;
    assert!(
        d["data"]["students"]["totalCount"].as_i64() > Some(0),
        "{d}"
    );
    // The same credentials cannot migrate: only the owner can.
    let refused = s.cli_with(&[("DATABASE_URL", &app)], &["migrate"]).await?;
    assert!(!refused.status.success(), "the application role migrated");
    Ok(())
}
