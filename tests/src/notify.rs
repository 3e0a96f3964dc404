//! Fixtures of the notification tests (`tests/tests/notify*.rs`): a server
//! whose workers poll quickly, the inbox of a user, notices of one kind,
//! and waiting for a job to deliver.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use serde_json::{Value, json};

use crate::{Backend, Options, TestServer};

/// The caller's inbox with every field.
pub const INBOX: &str =
    "{ inbox(first: 50) { unreadCount items { id kind title body link read } } }";

/// A user's inbox.
pub async fn inbox(s: &TestServer, user: &str) -> Result<Value> {
    Ok(s.data_as(user, INBOX, json!({})).await?["inbox"].clone())
}

/// The notices of one kind in an inbox.
pub fn kinds(inbox: &Value, kind: &str) -> Vec<Value> {
    inbox["items"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["kind"] == kind).cloned().collect())
        .unwrap_or_default()
}

/// A server whose workers poll every 100 ms and whose daily reminders are
/// due from midnight, with `extra` environment.
pub async fn server_with(backend: Backend, extra: &[(&str, &str)]) -> Result<TestServer> {
    let mut env = vec![
        ("DAOSHI_REMINDER_HOUR".to_string(), "0".to_string()),
        ("DAOSHI_JOB_POLL_MS".to_string(), "100".to_string()),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    TestServer::start(Options {
        env,
        ..Options::new(backend)
    })
    .await
}

/// [`server_with`] without extra environment.
pub async fn server(backend: Backend) -> Result<TestServer> {
    server_with(backend, &[]).await
}

/// Waits (up to 30 s) until `user` has a notice of `kind`; returns them.
pub async fn wait_for(s: &TestServer, user: &str, kind: &str) -> Result<Vec<Value>> {
    let start = Instant::now();
    loop {
        let i = inbox(s, user).await?;
        let got = kinds(&i, kind);
        if !got.is_empty() {
            return Ok(got);
        }
        ensure!(
            start.elapsed() < Duration::from_secs(30),
            "{user}: no {kind} notice: {i}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits (up to 30 s) until no job of `kind` is queued or running.
pub async fn drain(s: &TestServer, kind: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let n = s.sql(&format!(
            "SELECT count(*) FROM jobs WHERE kind = '{kind}' AND state IN ('queued', 'running')"
        ))?;
        if n.trim() == "0" {
            return Ok(());
        }
        ensure!(
            start.elapsed() < Duration::from_secs(30),
            "{kind} jobs still pending"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
