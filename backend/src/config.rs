//! Configuration from the environment, with defaults that serve one machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// Everything the server needs to know at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where runtime files live (SQLite database, dev JWT secret): `DAOSHI_DATA_DIR`, default `./data`.
    pub data_dir: PathBuf,
    /// The owner connection used for migrations: `DATABASE_URL`, default a SQLite file in `data_dir`.
    pub database_url: SecretString,
    /// The application connection (PostgreSQL: the non-owner `daoshi_app` role):
    /// `DATABASE_APP_URL`, default derived from `DATABASE_URL` with the user replaced.
    pub app_database_url: SecretString,
    /// `REDIS_URL`: unset means in-process stores (one process only).
    pub redis_url: Option<SecretString>,
    /// HS256 key for access tokens: `JWT_SECRET` (generated into the data
    /// directory in development). Only `serve` needs it: `None` in
    /// production without one, and `serve` refuses to start.
    pub jwt_secret: Option<SecretString>,
    /// Listen address: `BIND`, default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// Production unless `DAOSHI_ENV=development` (unset or `production`:
    /// no generated secret, no GraphiQL, introspection for admins only, no
    /// demo seeding; any other value is refused at start-up).
    pub production: bool,
    /// The built frontend: `DAOSHI_SITE_DIR`, default `frontend/dist` of the source tree.
    pub site_dir: PathBuf,
    /// Failed logins allowed per username from one client address per
    /// window (a lock-out of that address only): `DAOSHI_LOGIN_LIMIT_USER`, default 5.
    pub login_limit_user: u32,
    /// Failed logins per username from anywhere after which attempts on it
    /// are slowed (one per back-off delay, doubling up to 32 s), never
    /// locked: `DAOSHI_LOGIN_SOFT_LIMIT_USER`, default 10.
    pub login_soft_limit_user: u32,
    /// Failed logins allowed per client address per window: `DAOSHI_LOGIN_LIMIT_IP`, default 50.
    pub login_limit_ip: u32,
    /// Trust `X-Forwarded-For` for the client address (behind a load balancer): `DAOSHI_TRUST_PROXY=1`.
    pub trust_proxy: bool,
    /// Longest a request may take before it is answered `UNAVAILABLE`:
    /// `DAOSHI_REQUEST_TIMEOUT_SECS`, default 30.
    pub request_timeout_secs: u32,
    /// Password checks (argon2) running at once; further logins wait briefly,
    /// then get `UNAVAILABLE`: `DAOSHI_LOGIN_CONCURRENCY`, default 4.
    pub login_concurrency: u32,
    /// Send `Strict-Transport-Security` on every response (the server sits
    /// behind TLS): `DAOSHI_HSTS=1`. Without it HSTS is sent only when a
    /// trusted proxy says `X-Forwarded-Proto: https`.
    pub hsts: bool,
    /// Where Prometheus scrapes `/metrics`: `DAOSHI_METRICS_BIND` (e.g.
    /// `0.0.0.0:9090`); unset, no metrics listener. A separate port so the
    /// public load balancer never exposes it.
    pub metrics_bind: Option<SocketAddr>,
    /// Longest wait for in-flight requests after SIGTERM before the process
    /// exits anyway: `DAOSHI_SHUTDOWN_GRACE_SECS`, default 25 (inside
    /// Kubernetes' default 30 s termination grace period).
    pub shutdown_grace_secs: u32,
    /// Whether `serve` applies migrations at start: `DAOSHI_MIGRATE_ON_START`,
    /// default on (one machine). Off (`0`) where a separate `daoshi migrate`
    /// step runs before rollout and the replicas hold only the application
    /// role's credentials.
    pub migrate_on_start: bool,
    /// How often the emergency plan's escalation timer looks for cases
    /// nobody acknowledged in time: `DAOSHI_ESCALATION_MS`, default 30,000.
    pub escalation_interval_ms: u32,
    /// Development and tests only: a file holding a number of seconds the
    /// server's clock runs ahead (`DAOSHI_CLOCK_FILE`), so that timers can be
    /// tested by moving the clock. Refused in production.
    pub clock_file: Option<PathBuf>,
    /// The VAPID private key of Web Push (P-256, PKCS#8 DER, base64url):
    /// `VAPID_PRIVATE_KEY` or `VAPID_PRIVATE_KEY_FILE` (made by
    /// `infra/make-secrets.sh` or `daoshi vapid-key`); generated into the
    /// data directory in development. `None` in production without one:
    /// phones get no pushes (the inbox works).
    pub vapid_private_key: Option<SecretString>,
    /// The contact sent to push services with each push: `VAPID_SUBJECT`
    /// (`mailto:` or `https:`), default `mailto:ops@daoshi.invalid`.
    pub vapid_subject: String,
    /// Outbound pushes and robot posts may go to `http://127.0.0.1`
    /// (the test suite's local receivers): `DAOSHI_OUTBOUND_ALLOW_LOCAL=1`,
    /// refused in production.
    pub outbound_allow_local: bool,
    /// The address users open the app at (`DAOSHI_PUBLIC_URL`, e.g.
    /// `https://daoshi.example.cn`): robot posts link to it; unset, they
    /// carry the in-app path only.
    pub public_url: Option<String>,
}

/// Settings that may come from a mounted file instead of the environment:
/// `NAME_FILE=/run/secrets/name` (Kubernetes and Docker secrets). The file's
/// content, without surrounding whitespace, is the value.
pub const FILE_SETTINGS: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_APP_URL",
    "DATABASE_APP_PASSWORD",
    "REDIS_URL",
    "JWT_SECRET",
    "VAPID_PRIVATE_KEY",
];

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            // Read errors were reported by `check_files` before any lookup.
            let path = std::env::var(format!("{name}_FILE")).ok()?;
            let v = std::fs::read_to_string(path).ok()?;
            Some(v.trim().to_string()).filter(|v| !v.is_empty())
        })
}

/// Every `NAME_FILE` that is set must name a readable, non-empty file, and
/// `NAME` and `NAME_FILE` must not both be set (which one wins would be a guess).
fn check_files() -> anyhow::Result<()> {
    for name in FILE_SETTINGS {
        let Ok(path) = std::env::var(format!("{name}_FILE")) else {
            continue;
        };
        if std::env::var(name).is_ok_and(|v| !v.trim().is_empty()) {
            bail!("both {name} and {name}_FILE are set: set only one");
        }
        let v = std::fs::read_to_string(&path)
            .with_context(|| format!("{name}_FILE: reading {path}"))?;
        if v.trim().is_empty() {
            bail!("{name}_FILE: {path} is empty");
        }
    }
    Ok(())
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Config> {
        check_files()?;
        let production = production_mode(env("DAOSHI_ENV").as_deref())?;
        let data_dir = PathBuf::from(env("DAOSHI_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match env("DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir)
                    .with_context(|| format!("creating data directory {}", data_dir.display()))?;
                format!("sqlite://{}/daoshi.db?mode=rwc", data_dir.display())
            }
        };
        let app_database_url = match env("DATABASE_APP_URL") {
            Some(url) => url,
            None => derive_app_url(&database_url, env("DATABASE_APP_PASSWORD").as_deref())?,
        };
        let jwt_secret = match env("JWT_SECRET") {
            Some(s) if s.len() >= 32 => Some(s),
            Some(_) => bail!("JWT_SECRET must be at least 32 characters"),
            None if production => None,
            None => Some(dev_secret(&data_dir)?),
        };
        let bind = env("BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .context("BIND must be an address like 127.0.0.1:8080")?;
        let site_dir = env("DAOSHI_SITE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist"));
        let num = |name: &str, default: u32| -> anyhow::Result<u32> {
            env(name).map_or(Ok(default), |v| {
                v.parse()
                    .with_context(|| format!("{name} must be a number"))
            })
        };
        let positive = |name: &str, default: u32| -> anyhow::Result<u32> {
            match num(name, default)? {
                0 => bail!("{name} must be at least 1"),
                n => Ok(n),
            }
        };
        let flag = |name: &str| env(name).is_some_and(|v| v == "1" || v == "true");
        let vapid_private_key = match env("VAPID_PRIVATE_KEY") {
            Some(k) => Some(k),
            None if production => None,
            None => Some(dev_vapid_key(&data_dir)?),
        };
        Ok(Config {
            data_dir,
            database_url: database_url.into(),
            app_database_url: app_database_url.into(),
            redis_url: env("REDIS_URL").map(Into::into),
            jwt_secret: jwt_secret.map(Into::into),
            bind,
            production,
            site_dir,
            login_limit_user: positive("DAOSHI_LOGIN_LIMIT_USER", 5)?,
            login_soft_limit_user: positive("DAOSHI_LOGIN_SOFT_LIMIT_USER", 10)?,
            login_limit_ip: num("DAOSHI_LOGIN_LIMIT_IP", 50)?,
            trust_proxy: flag("DAOSHI_TRUST_PROXY"),
            request_timeout_secs: positive("DAOSHI_REQUEST_TIMEOUT_SECS", 30)?,
            login_concurrency: positive("DAOSHI_LOGIN_CONCURRENCY", 4)?,
            hsts: flag("DAOSHI_HSTS"),
            metrics_bind: env("DAOSHI_METRICS_BIND")
                .map(|v| v.parse())
                .transpose()
                .context("DAOSHI_METRICS_BIND must be an address like 0.0.0.0:9090")?,
            shutdown_grace_secs: num("DAOSHI_SHUTDOWN_GRACE_SECS", 25)?,
            migrate_on_start: !env("DAOSHI_MIGRATE_ON_START")
                .is_some_and(|v| v == "0" || v == "false"),
            escalation_interval_ms: positive("DAOSHI_ESCALATION_MS", 30_000)?,
            clock_file: match env("DAOSHI_CLOCK_FILE") {
                Some(_) if production => {
                    bail!(
                        "DAOSHI_CLOCK_FILE moves the clock for tests and is refused in production"
                    )
                }
                f => f.map(PathBuf::from),
            },
            vapid_private_key: vapid_private_key.map(Into::into),
            vapid_subject: env("VAPID_SUBJECT")
                .unwrap_or_else(|| "mailto:ops@daoshi.invalid".into()),
            public_url: match env("DAOSHI_PUBLIC_URL") {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => Some(u),
                Some(_) => bail!("DAOSHI_PUBLIC_URL must start with https:// (or http://)"),
                None => None,
            },
            outbound_allow_local: match flag("DAOSHI_OUTBOUND_ALLOW_LOCAL") {
                true if production => bail!(
                    "DAOSHI_OUTBOUND_ALLOW_LOCAL lets pushes and robot posts go to 127.0.0.1 for tests and is refused in production"
                ),
                f => f,
            },
        })
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.database_url.expose_secret().starts_with("postgres")
    }
}

/// The mode from `DAOSHI_ENV`: production unless development is asked for
/// by name; a misspelling is an error, never a silent development mode.
pub fn production_mode(value: Option<&str>) -> anyhow::Result<bool> {
    match value.map(str::trim) {
        None | Some("production") => Ok(true),
        Some("development") => Ok(false),
        Some(other) => bail!(
            "DAOSHI_ENV={other:?} is not a mode: use `production` (the default when unset) or `development`"
        ),
    }
}

/// On PostgreSQL the server logs in as the non-owner application role.
fn derive_app_url(owner_url: &str, password: Option<&str>) -> anyhow::Result<String> {
    if !owner_url.starts_with("postgres") {
        return Ok(owner_url.to_string());
    }
    let mut url = url::Url::parse(owner_url).context("DATABASE_URL is not a valid URL")?;
    url.set_username(migrations::APP_ROLE)
        .map_err(|()| anyhow::anyhow!("DATABASE_URL cannot carry a user name"))?;
    url.set_password(password)
        .map_err(|()| anyhow::anyhow!("DATABASE_URL cannot carry a password"))?;
    Ok(url.to_string())
}

/// A development secret, generated once and kept in the data directory.
fn dev_secret(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("jwt_secret");
    if let Ok(s) = std::fs::read_to_string(&path)
        && s.trim().len() >= 32
    {
        return Ok(s.trim().to_string());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret)
}

/// A development VAPID key, generated once and kept in the data directory.
fn dev_vapid_key(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("vapid_private_key");
    if let Ok(s) = std::fs::read_to_string(&path)
        && !s.trim().is_empty()
    {
        return Ok(s.trim().to_string());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let key = crate::notify::webpush::generate_key()?;
    write_private(&path, &key).with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

/// Writes a file only its owner can read (mode 0600 on Unix, set when the
/// file is created, so the secret is never readable by others).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        // An existing file keeps its mode on open: tighten it first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    opts.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_development_by_name_is_development() {
        assert!(production_mode(None).unwrap());
        assert!(production_mode(Some("production")).unwrap());
        assert!(!production_mode(Some("development")).unwrap());
        assert!(production_mode(Some("dev")).is_err());
        assert!(production_mode(Some("Production")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_generated_secret_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("daoshi-cfg-{}", uuid::Uuid::new_v4()));
        let s = dev_secret(&dir).unwrap();
        let path = dir.join("jwt_secret");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(dev_secret(&dir).unwrap(), s);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn app_url_swaps_the_user_on_postgres_only() {
        let url = derive_app_url("postgres://postgres@127.0.0.1:5432/test", None).unwrap();
        assert_eq!(url, "postgres://daoshi_app@127.0.0.1:5432/test");
        let sqlite = "sqlite://data/daoshi.db?mode=rwc";
        assert_eq!(derive_app_url(sqlite, None).unwrap(), sqlite);
    }
}
