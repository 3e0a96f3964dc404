//! `daoshi backup --to DIR`: a consistent copy of the database while the
//! server keeps serving. PostgreSQL: `pg_dump --format=custom` (schema, RLS
//! policies, grants and data; restore with `pg_restore`, see docs/DEPLOY.md).
//! SQLite: `VACUUM INTO`, an online, transactionally consistent copy.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sea_orm::ConnectionTrait;
use secrecy::ExposeSecret;

use crate::config::Config;

/// Writes a backup into `dir` (created if missing); returns the file's path.
pub async fn backup(config: &Config, dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    if config.is_postgres() {
        let path = dir.join(format!("daoshi-{stamp}.pgdump"));
        let mut url = url::Url::parse(config.database_url.expose_secret())
            .context("DATABASE_URL is not a valid URL")?;
        // The password goes to pg_dump through its environment, never its
        // command line (which every local user can read).
        let password = url.password().map(str::to_string);
        let _ = url.set_password(None);
        let mut cmd = tokio::process::Command::new("pg_dump");
        cmd.arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(&path)
            .arg("--dbname")
            .arg(url.as_str());
        if let Some(p) = password {
            let decoded = url::form_urlencoded::parse(format!("p={p}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or(p);
            cmd.env("PGPASSWORD", decoded);
        }
        let out = cmd
            .output()
            .await
            .context("running pg_dump (install the PostgreSQL client)")?;
        if !out.status.success() {
            bail!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(path)
    } else {
        let path = dir.join(format!("daoshi-{stamp}.sqlite"));
        if path.exists() {
            bail!("{} exists already", path.display());
        }
        let owner = crate::db::connect_owner(config).await?;
        let target = path.to_string_lossy().replace('\'', "''");
        owner
            .execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await
            .context("VACUUM INTO")?;
        Ok(path)
    }
}
