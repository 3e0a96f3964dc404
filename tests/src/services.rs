//! Private PostgreSQL and Redis servers a test may stop and start (the
//! shared ones serve other test processes and are never touched).
//!
//! PostgreSQL: a throw-away cluster made with `initdb` (trust auth) and run
//! with `pg_ctl` on a free port, its socket in its own directory. As root
//! the cluster belongs to the `postgres` OS user (`runuser`). Redis: a
//! `redis-server` process without persistence on a free port.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A free TCP port on 127.0.0.1 (free when asked; good enough for tests).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Waits until something accepts TCP connections on the port.
fn wait_for_port(port: u16, within: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < within {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("nothing listens on port {port} after {within:?}")
}

/// A private PostgreSQL cluster; stopped (immediately) and removed on drop.
pub struct PrivatePg {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PrivatePg {
    /// Creates and starts a cluster.
    pub fn start() -> Result<PrivatePg> {
        let bin = pg_bin()?;
        let dir = tempfile::tempdir()?;
        let as_postgres = is_root();
        if as_postgres {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()?;
            if !st.success() {
                bail!("chown of the cluster directory failed");
            }
        }
        let pg = PrivatePg {
            bin,
            dir,
            port: free_port()?,
            as_postgres,
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )?;
        pg.start_again()?;
        Ok(pg)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<()> {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {tool}"))?;
        if !out.status.success() {
            bail!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// Starts the (stopped) cluster and waits until it accepts connections.
    pub fn start_again(&self) -> Result<()> {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("pg.log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"],
        )?;
        wait_for_port(self.port, Duration::from_secs(30))
    }

    /// Stops the cluster (`fast`: open sessions are ended, as in a restart).
    pub fn stop(&self) -> Result<()> {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"])
    }

    /// Admin URL (superuser `postgres`, database `postgres`).
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }
}

/// The newest installed PostgreSQL's `bin` directory (`DAOSHI_PG_BIN` overrides).
fn pg_bin() -> Result<PathBuf> {
    if let Ok(p) = std::env::var("DAOSHI_PG_BIN") {
        return Ok(PathBuf::from(p));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("no /usr/lib/postgresql (set DAOSHI_PG_BIN)")?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .context("no PostgreSQL with initdb under /usr/lib/postgresql")
}

/// A private Redis without persistence; killed on drop.
pub struct PrivateRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    /// Starts one on a free port.
    pub fn start() -> Result<PrivateRedis> {
        let mut r = PrivateRedis {
            port: free_port()?,
            child: None,
        };
        r.start_again()?;
        Ok(r)
    }

    /// Starts it again on the same port (after [`PrivateRedis::stop`]).
    pub fn start_again(&mut self) -> Result<()> {
        if self.child.is_some() {
            bail!("redis is already running");
        }
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting redis-server")?;
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(10))
    }

    /// Kills it (as a crash or an abrupt stop would).
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut c) = self.child.take() {
            c.kill()?;
            c.wait()?;
        }
        Ok(())
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// A `daoshi serve` on a database of a private PostgreSQL cluster (the
/// harness's [`crate::TestServer`] creates its databases on the shared
/// server): the demo districts seeded with `daoshi demo`, the server
/// started with the test secrets. Killed on drop.
pub struct PrivateServer {
    child: tokio::process::Child,
    base: String,
    /// The owner URL of its database (for checks with [`crate::psql`]).
    pub db_url: String,
    client: reqwest::Client,
}

impl PrivateServer {
    /// Creates database `daoshi_faults` on the cluster, seeds the demo
    /// (class size 6) and starts the server.
    pub async fn start(pg: &PrivatePg) -> Result<PrivateServer> {
        crate::psql(&pg.admin_url(), "CREATE DATABASE daoshi_faults")?;
        let mut url = url::Url::parse(&pg.admin_url())?;
        url.set_path("daoshi_faults");
        let db_url = url.to_string();
        let data = tempfile::tempdir()?;
        let env: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), db_url.clone()),
            ("JWT_SECRET".into(), crate::JWT_SECRET.into()),
            ("DAOSHI_DATA_DIR".into(), data.path().display().to_string()),
            ("RUST_LOG".into(), "warn".into()),
            ("DAOSHI_LOGIN_LIMIT_IP".into(), "100000".into()),
            ("DAOSHI_LOGIN_SOFT_LIMIT_USER".into(), "100000".into()),
            // The demo district is refused in production (the default).
            ("DAOSHI_ENV".into(), "development".into()),
        ];
        let bin = crate::daoshi_bin()?;
        let out = tokio::process::Command::new(&bin)
            .args(["demo", "--class-size", "6"])
            .envs(env.iter().cloned())
            .output()
            .await?;
        if !out.status.success() {
            bail!(
                "daoshi demo failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut child = tokio::process::Command::new(&bin)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(env.iter().cloned())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("starting daoshi serve")?;
        use tokio::io::AsyncBufReadExt;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
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
        tokio::spawn(async move {
            let _data = data;
            while let Ok(Some(_)) = lines.next_line().await {}
        });
        Ok(PrivateServer {
            child,
            base,
            db_url,
            client: reqwest::Client::new(),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// Posts a GraphQL request; returns the whole response body.
    pub async fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<serde_json::Value> {
        crate::gql_at(&self.client, &self.base, token, query, variables).await
    }

    /// Logs a demo account in; its access token.
    pub async fn login(&self, username: &str) -> Result<String> {
        let body = self
            .gql(
                None,
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }",
                serde_json::json!({ "u": username, "p": crate::PASSWORD }),
            )
            .await?;
        body["data"]["login"]["accessToken"]
            .as_str()
            .map(String::from)
            .with_context(|| format!("login of {username} failed: {body}"))
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
