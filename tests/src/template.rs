//! Seeded template databases. Migrating and seeding the demo districts is
//! most of a test server's start-up, and every test seeds the same thing; so
//! the first test that needs a seed runs the `daoshi` operator commands once
//! into a template, and every test gets a copy: `CREATE DATABASE …
//! TEMPLATE …` on PostgreSQL, a file copy on SQLite.
//!
//! A template is keyed by everything its contents depend on: the `daoshi`
//! binary (path, size, modification time), the backend, the seed commands
//! with their arguments, the environment that can reach the seed (every
//! variable not known to be read only by `serve`), and the hour it is made
//! in — so seeded rows are never more than an hour old, as if seeded by
//! the test itself as far as time windows (such as the 7-day amendment
//! grace) go. Templates are shared across test processes: on PostgreSQL a
//! database `daoshi_tpl_<key>`, on SQLite a folder
//! `$TMPDIR/daoshi-test-templates/<key>/`. Each is built under a unique
//! name and published by an atomic rename, so concurrent processes never
//! see half a seed (the loser of a race drops its copy). Templates of other
//! keys older than two hours, and test databases older than a day (left by
//! killed runs), are dropped once per process; a test whose template
//! vanished under it builds it again.
//!
//! `DAOSHI_TEST_NO_TEMPLATE=1` seeds every test's database directly (the
//! old way), e.g. to check that a failure is not the template's doing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};

use crate::{APP_ROLE, Backend, JWT_SECRET, daoshi_bin, pg_admin_url, psql, run_cli};

/// Variables only `daoshi serve` reads (the seed commands ignore them), so
/// they do not key a template. Any other variable does.
const SERVE_ONLY_ENV: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_APP_URL",
    "DATABASE_APP_PASSWORD",
    "JWT_SECRET",
    "DAOSHI_DATA_DIR",
    "DAOSHI_SITE_DIR",
    "RUST_LOG",
    "REDIS_URL",
    "BIND",
    "DAOSHI_LOGIN_LIMIT_USER",
    "DAOSHI_LOGIN_LIMIT_IP",
    "DAOSHI_TRUST_PROXY",
    "DAOSHI_LOGIN_SOFT_LIMIT_USER",
    // The seed always runs in development (demo seeding is refused in
    // production); the server's mode is the test's.
    "DAOSHI_ENV",
];

/// How long one key lives (its hour), and after how long templates of other
/// keys and leftover test databases are dropped.
const KEY_PERIOD: u64 = 3600;
const TEMPLATE_TTL: u64 = 2 * 3600;
const TEST_DB_TTL: u64 = 24 * 3600;

/// What a test database is seeded with: `daoshi` commands run in order
/// against it with some extra environment.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The database kind.
    pub backend: Backend,
    /// Operator commands (arguments to `daoshi`), in order.
    pub commands: Vec<Vec<String>>,
    /// Extra environment of the test that may reach the seed.
    pub env: Vec<(String, String)>,
}

impl Seed {
    /// The two demo districts: 示范区 with `class_size` students per class
    /// and 远方区 (`y.` accounts) with 3.
    pub fn demo(backend: Backend, class_size: usize, env: &[(String, String)]) -> Seed {
        let size = class_size.to_string();
        let cmd = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut env: Vec<(String, String)> = env
            .iter()
            .filter(|(k, _)| !SERVE_ONLY_ENV.contains(&k.as_str()))
            .cloned()
            .collect();
        env.sort();
        Seed {
            backend,
            commands: vec![
                cmd(&["demo", "--class-size", &size]),
                cmd(&[
                    "demo",
                    "--code",
                    "y",
                    "--name",
                    "远方区",
                    "--prefix",
                    "y.",
                    "--class-size",
                    "3",
                ]),
            ],
            env,
        }
    }

    /// The template key: 16 hex digits of a hash over everything the
    /// seeded contents depend on.
    pub fn key(&self) -> Result<String> {
        let bin = daoshi_bin()?;
        let meta = std::fs::metadata(&bin).with_context(|| format!("{}", bin.display()))?;
        let mtime = meta.modified()?.duration_since(UNIX_EPOCH)?.as_nanos();
        let mut h = Sha256::new();
        h.update(format!(
            "daoshi-test-template v1\n{}\n{}\n{mtime}\n{:?}\n{}\n",
            bin.display(),
            meta.len(),
            self.backend,
            unix_now() / KEY_PERIOD
        ));
        for c in &self.commands {
            h.update(format!("cmd {c:?}\n"));
        }
        for (k, v) in &self.env {
            h.update(format!("env {k:?}={v:?}\n"));
        }
        Ok(h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// Runs the seed commands against a database (a fresh data directory).
    async fn run(&self, database_url: &str) -> Result<()> {
        let data = tempfile::tempdir()?;
        let mut env = vec![
            ("DATABASE_URL".to_string(), database_url.to_string()),
            ("JWT_SECRET".into(), JWT_SECRET.into()),
            ("DAOSHI_DATA_DIR".into(), data.path().display().to_string()),
            ("RUST_LOG".into(), "warn".into()),
            ("DAOSHI_ENV".into(), "development".into()),
        ];
        env.extend(self.env.iter().cloned());
        for c in &self.commands {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            run_cli(&env, &args).await?;
        }
        Ok(())
    }
}

/// Whether tests copy a template (the default) or seed their own database.
pub fn enabled() -> bool {
    std::env::var_os("DAOSHI_TEST_NO_TEMPLATE").is_none_or(|v| v.is_empty() || v == "0")
}

/// Seeds a test's own database directly (no template).
pub async fn seed_directly(seed: &Seed, database_url: &str) -> Result<()> {
    seed.run(database_url).await
}

/// Templates this process has made or found (by name or folder).
static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// One template build at a time in this process (the others wait and reuse it).
static BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
/// Whether this process has dropped stale templates yet.
static SWEPT: AtomicBool = AtomicBool::new(false);

fn known(name: &str) -> bool {
    KNOWN
        .lock()
        .map(|k| k.iter().any(|n| n == name))
        .unwrap_or(false)
}

fn remember(name: &str) {
    if let Ok(mut k) = KNOWN.lock() {
        k.push(name.to_string());
    }
}

fn forget(name: &str) {
    if let Ok(mut k) = KNOWN.lock() {
        k.retain(|n| n != name);
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Runs several statements through one `psql`, each on its own (so that
/// `CREATE DATABASE` is outside a transaction); stops at the first error.
fn psql_each(url: &str, statements: &[String]) -> Result<String> {
    let mut cmd = std::process::Command::new("psql");
    cmd.args([url, "-v", "ON_ERROR_STOP=1", "-qtA"]);
    for s in statements {
        cmd.args(["-c", s]);
    }
    let out = cmd.output().context("running psql")?;
    if !out.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Stamps a database with its creation time (the server's clock), which
/// is how stale ones are recognised later.
fn stamp(name: &str) -> String {
    format!(
        "DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', '{name}', \
         'daoshi-test ' || extract(epoch FROM now())::bigint); END $$"
    )
}

/// Creates the PostgreSQL database `name` as a copy of the seeded template.
pub async fn create_pg(seed: &Seed, name: &str) -> Result<()> {
    let tpl = format!("daoshi_tpl_{}", seed.key()?);
    let statements = [
        format!("CREATE DATABASE {name} TEMPLATE {tpl}"),
        // Database privileges are not copied with a template; the
        // migrations grant this one on the database they run in.
        format!("GRANT CONNECT ON DATABASE {name} TO {APP_ROLE}"),
        stamp(name),
    ];
    ensure_pg(seed, &tpl).await?;
    match psql_each(&pg_admin_url(), &statements) {
        Ok(_) => Ok(()),
        // Dropped by another process's sweep: build it again, once.
        Err(e) if e.to_string().contains("template database") => {
            forget(&tpl);
            ensure_pg(seed, &tpl).await?;
            psql_each(&pg_admin_url(), &statements).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

async fn ensure_pg(seed: &Seed, tpl: &str) -> Result<()> {
    if known(tpl) {
        return Ok(());
    }
    let _one = BUILD.lock().await;
    if known(tpl) {
        return Ok(());
    }
    let admin = pg_admin_url();
    if !SWEPT.swap(true, Ordering::SeqCst) {
        sweep_pg(&admin, tpl);
    }
    let exists = |admin: &str| -> Result<bool> {
        Ok(psql(
            admin,
            &format!("SELECT count(*) FROM pg_database WHERE datname = '{tpl}'"),
        )? == "1")
    };
    if exists(&admin)? {
        remember(tpl);
        return Ok(());
    }
    let building = format!("daoshi_tplb_{}", uuid::Uuid::new_v4().simple());
    psql_each(
        &admin,
        &[format!("CREATE DATABASE {building}"), stamp(&building)],
    )?;
    let mut url = url::Url::parse(&admin)?;
    url.set_path(&building);
    let built = async {
        seed.run(url.as_str()).await?;
        // Nobody may connect to a template while it is copied.
        psql_each(
            &admin,
            &[
                format!("ALTER DATABASE {building} WITH ALLOW_CONNECTIONS false"),
                format!("ALTER DATABASE {building} RENAME TO {tpl}"),
            ],
        )
    }
    .await;
    if let Err(e) = built {
        let _ = psql(
            &admin,
            &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
        );
        // Another process published the same template first: use theirs.
        if !exists(&admin)? {
            return Err(e.context(format!("seeding the template {tpl}")));
        }
    }
    remember(tpl);
    Ok(())
}

/// Drops templates of other keys (and half-built ones) older than two
/// hours, and test databases older than a day; only databases stamped by
/// this harness. Best effort: a failure here fails no test.
fn sweep_pg(admin: &str, keep: &str) {
    let sql = format!(
        "SELECT datname FROM (SELECT datname, \
           (regexp_match(coalesce(shobj_description(oid, 'pg_database'), ''), '^daoshi-test ([0-9]+)$'))[1]::bigint AS born \
           FROM pg_database WHERE datname ~ '^daoshi_(t|tpl|tplb)_') d \
         WHERE born IS NOT NULL AND datname <> '{keep}' \
           AND born < extract(epoch FROM now())::bigint - \
               CASE WHEN datname ~ '^daoshi_t_' THEN {TEST_DB_TTL} ELSE {TEMPLATE_TTL} END"
    );
    let Ok(names) = psql(admin, &sql) else { return };
    for name in names.lines().map(str::trim).filter(|n| !n.is_empty()) {
        let _ = psql(
            admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
    }
}

/// The folder holding SQLite templates.
fn sqlite_root() -> PathBuf {
    std::env::temp_dir().join("daoshi-test-templates")
}

/// Copies the seeded SQLite template to `dir/t.db` (its write-ahead log too,
/// if it kept one).
pub async fn create_sqlite(seed: &Seed, dir: &Path) -> Result<()> {
    let tpl = sqlite_root().join(seed.key()?);
    ensure_sqlite(seed, &tpl).await?;
    match copy_sqlite(&tpl, dir) {
        Ok(()) => Ok(()),
        // Removed by another process's sweep: build it again, once.
        Err(e)
            if e.downcast_ref::<std::io::Error>().map(std::io::Error::kind)
                == Some(std::io::ErrorKind::NotFound) =>
        {
            forget(&tpl.display().to_string());
            ensure_sqlite(seed, &tpl).await?;
            copy_sqlite(&tpl, dir)
        }
        Err(e) => Err(e),
    }
}

fn copy_sqlite(tpl: &Path, dir: &Path) -> Result<()> {
    std::fs::copy(tpl.join("t.db"), dir.join("t.db"))?;
    let wal = tpl.join("t.db-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.join("t.db-wal"))?;
    }
    Ok(())
}

async fn ensure_sqlite(seed: &Seed, tpl: &Path) -> Result<()> {
    let id = tpl.display().to_string();
    if known(&id) {
        return Ok(());
    }
    let _one = BUILD.lock().await;
    if known(&id) {
        return Ok(());
    }
    let root = sqlite_root();
    std::fs::create_dir_all(&root).with_context(|| format!("{}", root.display()))?;
    if !SWEPT.swap(true, Ordering::SeqCst) {
        sweep_sqlite(&root, tpl);
    }
    if tpl.join("t.db").exists() {
        remember(&id);
        return Ok(());
    }
    let building = root.join(format!(".building-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir(&building)?;
    let db = building.join("t.db");
    let built = async {
        seed.run(&format!("sqlite://{}?mode=rwc", db.display()))
            .await?;
        // Fold the write-ahead log into the file where the sqlite3 CLI is
        // there to do it; otherwise the log is copied along with the file.
        let _ = std::process::Command::new("sqlite3")
            .arg(&db)
            .arg("PRAGMA wal_checkpoint(TRUNCATE);")
            .output();
        let _ = std::fs::remove_file(building.join("t.db-shm"));
        if std::fs::metadata(building.join("t.db-wal")).is_ok_and(|m| m.len() == 0) {
            std::fs::remove_file(building.join("t.db-wal"))?;
        }
        std::fs::rename(&building, tpl).map_err(|e| anyhow!(e))
    }
    .await;
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&building);
        // Another process published the same template first: use theirs.
        if !tpl.join("t.db").exists() {
            return Err(e.context(format!("seeding the template {}", tpl.display())));
        }
    }
    remember(&id);
    Ok(())
}

/// Removes template folders of other keys (and half-built ones) not
/// modified for two hours. Best effort.
fn sweep_sqlite(root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(TEMPLATE_TTL));
        if old && path != keep {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
