//! Test harness: starts the real `daoshi` binary as a process against a fresh
//! database (a new PostgreSQL database per test, or a new SQLite file) holding
//! the demo districts, and talks GraphQL to it. The demo districts are seeded
//! through the binary's operator commands once into a template that every
//! test's database is a copy of (see [`template`]).
//!
//! Environment: `DAOSHI_BIN` (default: `daoshi` beside the test binary's
//! `deps/` folder, built by `cargo build -p backend`), `DAOSHI_TEST_PG`
//! (admin URL of a PostgreSQL server, default
//! `postgres://postgres@127.0.0.1:5432/test`), `DAOSHI_TEST_REDIS` (default
//! `redis://127.0.0.1:6379`), `DAOSHI_TEST_NO_TEMPLATE=1` (seed every test's
//! database itself), `DAOSHI_TEST_TIMING=1` (print each server's start-up
//! times to stderr; shown with `--nocapture`).

pub mod browser;
pub mod care;
pub mod fuzz;
pub mod matching;
pub mod mentoring;
pub mod notify;
pub mod paper;
pub mod receivers;
pub mod services;
pub mod template;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database (the server connects as the RLS-bound app role).
    Postgres,
}

/// How to start a test server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Database.
    pub backend: Backend,
    /// Use Redis for refresh tokens and rate limits.
    pub redis: bool,
    /// Students per class in the seeded demo districts.
    pub class_size: usize,
    /// Extra environment for the server.
    pub env: Vec<(String, String)>,
}

impl Options {
    /// Defaults for a backend: small demo districts, no Redis.
    pub fn new(backend: Backend) -> Options {
        Options {
            backend,
            redis: false,
            class_size: 6,
            env: vec![],
        }
    }
}

/// The secret every test server signs tokens with (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
/// The demo password.
pub const PASSWORD: &str = "daoshi-demo";
/// The PostgreSQL role the server connects as (subject to RLS).
pub const APP_ROLE: &str = "daoshi_app";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The `daoshi` binary.
pub fn daoshi_bin() -> Result<PathBuf> {
    if let Ok(p) = std::env::var("DAOSHI_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .context("test binary has no target dir")?;
    let bin = dir.join("daoshi");
    if !bin.exists() {
        bail!(
            "{} is missing: run `cargo build -p backend` first",
            bin.display()
        );
    }
    Ok(bin)
}

fn pg_admin_url() -> String {
    std::env::var("DAOSHI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs SQL through `psql` against a database URL; returns trimmed output.
pub fn psql(url: &str, sql: &str) -> Result<String> {
    let out = std::process::Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A fresh database.
pub struct TestDb {
    /// Which kind.
    pub backend: Backend,
    /// Owner URL (what the server gets as `DATABASE_URL`).
    pub url: String,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDb {
    /// Creates an empty database.
    pub fn create(backend: Backend) -> Result<TestDb> {
        let db = TestDb::named(backend)?;
        if let Some(name) = &db.pg_name {
            psql(&pg_admin_url(), &format!("CREATE DATABASE {name}"))?;
        }
        Ok(db)
    }

    /// Creates a database holding `seed`: a copy of its template, or (with
    /// `DAOSHI_TEST_NO_TEMPLATE=1`) seeded here.
    pub async fn seeded(seed: &template::Seed) -> Result<TestDb> {
        if !template::enabled() {
            let db = TestDb::create(seed.backend)?;
            template::seed_directly(seed, &db.url).await?;
            return Ok(db);
        }
        // Built before the copy, so that a half-made database is dropped.
        let db = TestDb::named(seed.backend)?;
        match &db.pg_name {
            Some(name) => template::create_pg(seed, name).await?,
            None => template::create_sqlite(seed, db._dir.path()).await?,
        }
        Ok(db)
    }

    /// A new name (PostgreSQL) or folder (SQLite) for a database, not created yet.
    fn named(backend: Backend) -> Result<TestDb> {
        let dir = tempfile::tempdir()?;
        match backend {
            Backend::Sqlite => Ok(TestDb {
                backend,
                url: format!("sqlite://{}/t.db?mode=rwc", dir.path().display()),
                pg_name: None,
                _dir: dir,
            }),
            Backend::Postgres => {
                let name = format!("daoshi_t_{}", uuid::Uuid::new_v4().simple());
                let mut url = url::Url::parse(&pg_admin_url())?;
                url.set_path(&name);
                Ok(TestDb {
                    backend,
                    url: url.to_string(),
                    pg_name: Some(name),
                    _dir: dir,
                })
            }
        }
    }

    /// The same database as the application role (PostgreSQL only).
    pub fn app_url(&self) -> Result<String> {
        let mut url = url::Url::parse(&self.url)?;
        url.set_username(APP_ROLE)
            .map_err(|()| anyhow!("cannot set user"))?;
        Ok(url.to_string())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            let _ = psql(
                &pg_admin_url(),
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

/// A running server with seeded demo districts: 示范区 (`s1.*`, `s2.*`,
/// `s3.*`, `district`) and 远方区 (`y.s1.*`, …, `y.district`).
pub struct TestServer {
    child: tokio::process::Child,
    base: String,
    /// Its database.
    pub db: TestDb,
    env: Vec<(String, String)>,
    client: reqwest::Client,
    alarms: Alarms,
    errors: Alarms,
}

/// Lines of a server's stderr that show a crash (a panic, an abort).
type Alarms = Arc<Mutex<Vec<String>>>;

/// Every server's log lines (stdout) of this test process, oldest first
/// (bounded); for tests of the log format.
pub static LOG_LINES: std::sync::LazyLock<Arc<Mutex<Vec<String>>>> =
    std::sync::LazyLock::new(Arc::default);

/// What in a server's stderr counts as a crash.
const ALARMS: &[&str] = &[
    "panicked",
    "memory allocation of",
    "fatal runtime error",
    "stack overflow",
];

impl TestServer {
    /// Starts a server on a fresh database with both demo districts.
    pub async fn start(opts: Options) -> Result<TestServer> {
        let started = std::time::Instant::now();
        let seed = template::Seed::demo(opts.backend, opts.class_size, &opts.env);
        let db = TestDb::seeded(&seed).await?;
        let seeded = started.elapsed();
        let mut env = vec![
            ("DATABASE_URL".to_string(), db.url.clone()),
            ("JWT_SECRET".into(), JWT_SECRET.into()),
            (
                "DAOSHI_DATA_DIR".into(),
                db._dir.path().display().to_string(),
            ),
            (
                "DAOSHI_SITE_DIR".into(),
                workspace_root().join("frontend/dist").display().to_string(),
            ),
            ("RUST_LOG".into(), "warn".into()),
            // Development mode (GraphiQL, introspection for everyone) unless
            // a test asks for production through `Options::env`.
            ("DAOSHI_ENV".into(), "development".into()),
            // Every test logs in from 127.0.0.1; the per-address limit has its own test.
            ("DAOSHI_LOGIN_LIMIT_IP".into(), "100000".into()),
            // Tests try wrong passwords on demo accounts they later log in
            // with; the per-username back-off has its own test.
            ("DAOSHI_LOGIN_SOFT_LIMIT_USER".into(), "100000".into()),
        ];
        if opts.redis {
            let url = std::env::var("DAOSHI_TEST_REDIS")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            env.push(("REDIS_URL".into(), url));
        }
        env.extend(opts.env.iter().cloned());
        let (child, base, alarms, errors) = spawn_serve(&env).await?;
        if std::env::var_os("DAOSHI_TEST_TIMING").is_some() {
            eprintln!(
                "TIMING {:?} class_size={} database={:?} serve={:?}",
                opts.backend,
                opts.class_size,
                seeded,
                started.elapsed() - seeded
            );
        }
        Ok(TestServer {
            child,
            base,
            db,
            env,
            client: reqwest::Client::new(),
            alarms,
            errors,
        })
    }

    /// The demo on SQLite with default options, serving the built app (used
    /// by the browser tests). `DAOSHI_SITE_DIR` may point at a copy of a
    /// build (the tree's `frontend/dist` is rebuilt by whoever builds next);
    /// a site without the app's wasm is an error, not a blank page.
    pub async fn spawn_sqlite_demo() -> Result<TestServer> {
        let site = std::env::var("DAOSHI_SITE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| workspace_root().join("frontend/dist"));
        let wasm = site.join("pkg/app_bg.wasm");
        if !wasm.exists() {
            bail!(
                "{} is missing: run scripts/build-frontend.sh first",
                wasm.display()
            );
        }
        TestServer::start(Options {
            class_size: 10,
            env: vec![("DAOSHI_SITE_DIR".into(), site.display().to_string())],
            ..Options::new(Backend::Sqlite)
        })
        .await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// Whether the server process is still running (not exited or killed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The lines of the server's stderr so far that show a crash: a panic
    /// (`panicked at`), an allocation abort, a stack overflow. The server's
    /// stderr is still passed through to the test's stderr.
    pub fn crash_lines(&self) -> Vec<String> {
        self.alarms.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The server's log lines (stdout) so far that report an internal error
    /// (the cause behind an `INTERNAL` answer).
    pub fn internal_error_lines(&self) -> Vec<String> {
        self.errors.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The environment the server runs with (for CLI calls against its database).
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Posts a GraphQL request; returns the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value> {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .with_context(|| format!("non-JSON response ({status})"))?;
        Ok(body)
    }

    /// Posts a GraphQL multipart request with one file at `variables.file`.
    pub async fn gql_upload(
        &self,
        token: &str,
        query: &str,
        variables: Value,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Value> {
        let operations = json!({ "query": query, "variables": variables });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
            );
        let resp = self
            .client
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await?;
        Ok(resp.json().await?)
    }

    /// Logs in and returns the full `login` payload.
    pub async fn login_payload(&self, username: &str, password: &str) -> Result<Value> {
        self.gql(
            None,
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken user { id displayName roles } } }",
            json!({ "u": username, "p": password }),
        )
        .await
    }

    /// Logs in a demo account and returns its access token.
    pub async fn login(&self, username: &str) -> Result<String> {
        let body = self.login_payload(username, PASSWORD).await?;
        body["data"]["login"]["accessToken"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| anyhow!("login of {username} failed: {body}"))
    }

    /// Posts as a demo account and returns `data`, failing on any error.
    pub async fn data_as(&self, username: &str, query: &str, variables: Value) -> Result<Value> {
        let token = self.login(username).await?;
        let body = self.gql(Some(&token), query, variables).await?;
        if body.get("errors").is_some_and(|e| !e.is_null()) {
            bail!("{username}: {query}: {body}");
        }
        Ok(body["data"].clone())
    }

    /// Runs SQL as the owner against this server's database (test fixtures
    /// only: `psql` for PostgreSQL, the `sqlite3` CLI for SQLite); returns the
    /// output rows, columns separated by `|`. UUID columns are `uuid` on
    /// PostgreSQL but 16-byte blobs on SQLite: write them with
    /// [`TestServer::uuid_lit`] and read them with [`TestServer::uuid_col`].
    pub fn sql(&self, sql: &str) -> Result<String> {
        match self.db.backend {
            Backend::Postgres => psql(&self.db.url, sql),
            Backend::Sqlite => {
                let path = self
                    .db
                    .url
                    .trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                // The server's job workers and escalation timer write too:
                // wait for their lock as the server itself does.
                let out = std::process::Command::new("sqlite3")
                    .args(["-cmd", ".timeout 10000", path.as_str(), sql])
                    .output()
                    .context("running sqlite3 (apt-get install sqlite3)")?;
                if !out.status.success() {
                    bail!("sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr));
                }
                Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
            }
        }
    }

    /// A UUID literal for [`TestServer::sql`].
    pub fn uuid_lit(&self, id: &str) -> String {
        match self.db.backend {
            Backend::Postgres => format!("'{id}'"),
            Backend::Sqlite => format!("X'{}'", id.replace('-', "")),
        }
    }

    /// An expression reading a UUID column as canonical text for [`TestServer::sql`].
    pub fn uuid_col(&self, col: &str) -> String {
        match self.db.backend {
            Backend::Postgres => format!("{col}::text"),
            Backend::Sqlite => format!(
                "lower(substr(hex({col}),1,8)||'-'||substr(hex({col}),9,4)||'-'||substr(hex({col}),13,4)||'-'||substr(hex({col}),17,4)||'-'||substr(hex({col}),21))"
            ),
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM and waits (at most `within`) for the process to exit.
    pub async fn terminate(&mut self, within: Duration) -> Result<std::process::ExitStatus> {
        signal_and_wait(&mut self.child, "TERM", within).await
    }

    /// Waits (at most `within`) for the process to exit by itself.
    pub async fn terminate_wait(&mut self, within: Duration) -> Result<std::process::ExitStatus> {
        tokio::time::timeout(within, self.child.wait())
            .await
            .context("the server did not exit")?
            .map_err(Into::into)
    }

    /// Starts a second `daoshi serve` process on the same database (same
    /// environment), e.g. to prove that invariants hold across replicas.
    pub async fn start_replica(&self) -> Result<Replica> {
        self.start_replica_with(&[]).await
    }

    /// A replica with some settings changed (appended to the environment;
    /// the last value of a name wins).
    pub async fn start_replica_with(&self, extra: &[(&str, &str)]) -> Result<Replica> {
        let mut env = self.env.clone();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (child, base, _alarms, _errors) = spawn_serve(&env).await?;
        Ok(Replica {
            child,
            base,
            client: reqwest::Client::new(),
        })
    }

    /// Runs a `daoshi` command with some settings changed (the last value
    /// of a name wins).
    pub async fn cli_with(
        &self,
        extra: &[(&str, &str)],
        args: &[&str],
    ) -> Result<std::process::Output> {
        let out = tokio::process::Command::new(daoshi_bin()?)
            .args(args)
            .envs(self.env.iter().cloned())
            .envs(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .output()
            .await?;
        Ok(out)
    }

    /// Runs a `daoshi` operator command against this server's database.
    pub async fn cli(&self, args: &[&str]) -> Result<std::process::Output> {
        let out = tokio::process::Command::new(daoshi_bin()?)
            .args(args)
            .envs(self.env.iter().cloned())
            .output()
            .await?;
        Ok(out)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// Starts `daoshi serve` on a free port and waits until it listens. Its
/// stderr is passed through to ours; lines showing a crash are also kept.
async fn spawn_serve(
    env: &[(String, String)],
) -> Result<(tokio::process::Child, String, Alarms, Alarms)> {
    let mut cmd = tokio::process::Command::new(daoshi_bin()?);
    // A fixed port when the test asks for one (a replica restarted behind a
    // load balancer comes back where the balancer expects it).
    let bind = env
        .iter()
        .rev()
        .find(|(k, _)| k == "DAOSHI_TEST_BIND")
        .map_or("127.0.0.1:0", |(_, v)| v.as_str());
    cmd.args(["serve", "--bind", bind])
        .envs(env.iter().cloned())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().context("starting daoshi serve")?;
    let alarms: Alarms = Arc::default();
    let stderr = child.stderr.take().context("no stderr")?;
    let seen = alarms.clone();
    tokio::spawn(async move {
        use std::io::Write;
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            // Written to the process's stderr directly, as `inherit` did (not
            // through the test harness's output capture).
            let _ = writeln!(std::io::stderr(), "{line}");
            if ALARMS.iter().any(|a| line.contains(a))
                && let Ok(mut l) = seen.lock()
            {
                l.push(line);
            }
        }
    });
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(addr) = line.strip_prefix("Daoshi listening on ") {
                return Ok::<_, anyhow::Error>(addr.trim().to_string());
            }
        }
        bail!("server exited before listening")
    })
    .await
    .context("server did not start within 60 s")??;
    // Keep draining stdout so the server never blocks on a full pipe.
    let errors: Alarms = Arc::default();
    let logged = errors.clone();
    let all = LOG_LINES.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(mut l) = all.lock()
                && l.len() < 20_000
            {
                l.push(line.clone());
            }
            if line.contains("internal error")
                && let Ok(mut l) = logged.lock()
                && l.len() < 1000
            {
                l.push(line);
            }
        }
    });
    Ok((child, base, alarms, errors))
}

/// A second server process on a [`TestServer`]'s database (stopped on drop;
/// the database belongs to the `TestServer`).
pub struct Replica {
    child: tokio::process::Child,
    base: String,
    client: reqwest::Client,
}

impl Replica {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// Posts a GraphQL request; returns the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value> {
        gql_at(&self.client, &self.base, token, query, variables).await
    }
}

impl Replica {
    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM (drain) or KILL (crash) and waits for the exit.
    pub async fn signal(
        &mut self,
        sig: &str,
        within: Duration,
    ) -> Result<std::process::ExitStatus> {
        signal_and_wait(&mut self.child, sig, within).await
    }
}

/// Sends a signal (`TERM`, `KILL`) to a server process and waits for its exit.
async fn signal_and_wait(
    child: &mut tokio::process::Child,
    sig: &str,
    within: Duration,
) -> Result<std::process::ExitStatus> {
    let pid = child.id().context("the process has exited already")?;
    let ok = std::process::Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .status()?
        .success();
    if !ok {
        bail!("kill -{sig} {pid} failed");
    }
    tokio::time::timeout(within, child.wait())
        .await
        .with_context(|| format!("process {pid} still running {within:?} after SIG{sig}"))?
        .map_err(Into::into)
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// Posts a GraphQL request to a server's base URL; returns the whole body.
pub async fn gql_at(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value> {
    let mut req = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let status = resp.status();
    resp.json()
        .await
        .with_context(|| format!("non-JSON response ({status})"))
}

/// Signs an access token with the test servers' secret (HS256), for test
/// users created by SQL fixtures. `claims` as the server issues them (copy
/// a real token's claims and change `sub`).
pub fn sign_token(claims: &Value) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let h = b64.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let p = b64.encode(claims.to_string());
    let msg = format!("{h}.{p}");
    let key = JWT_SECRET.as_bytes();
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), msg.as_bytes()].concat());
    let sig = Sha256::digest([opad.as_slice(), inner.as_slice()].concat());
    format!("{msg}.{}", b64.encode(sig))
}

/// The claims of an access token (unverified; tests only).
pub fn token_claims(token: &str) -> Result<Value> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let part = token.split('.').nth(1).context("malformed token")?;
    Ok(serde_json::from_slice(&b64.decode(part)?)?)
}

async fn run_cli(env: &[(String, String)], args: &[&str]) -> Result<()> {
    let out = tokio::process::Command::new(daoshi_bin()?)
        .args(args)
        .envs(env.iter().cloned())
        .output()
        .await?;
    if !out.status.success() {
        bail!(
            "daoshi {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<String> {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(String::from)
}

/// Runs an async test body once per backend: `both!(name);` defines
/// `name::sqlite` and `name::postgres` calling `name(Backend)`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> anyhow::Result<()> {
                super::$name($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                super::$name($crate::Backend::Postgres).await
            }
        }
    };
}
