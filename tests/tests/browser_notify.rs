//! Browser test of the inbox (消息, issue 14) on a phone (360×640): the
//! daily reminder job has left the mentor a digest of their open tasks;
//! the header shows the unread badge, the mentor opens the inbox, sees the
//! reminder (counts, no names) and marks it read; the badge goes down.
//! The real app (`frontend/dist`) against a `daoshi` server with the demo
//! district, in headless Chromium.

use std::path::PathBuf;

use anyhow::{Result, bail};
use tests::browser::{Ui, check_phone_usable, scenario};
use tests::{Backend, Options, PASSWORD, TestServer, workspace_root};

async fn mentor_reads_a_reminder(ui: &Ui, server: &TestServer) -> Result<()> {
    // The daily job has run (it is due at start-up with hour 0).
    let start = std::time::Instant::now();
    while server.sql(
        "SELECT count(*) FROM inbox_items i JOIN users u ON u.id = i.user_id WHERE u.username = 's1.mentor1' AND i.kind = 'task_digest'",
    )? != "1"
    {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            bail!("the daily reminder job left no digest");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    ui.login("s1.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelector('#inbox-badge') && Number(document.querySelector('#inbox-badge').innerText) >= 1",
        "the unread badge",
    )
    .await?;
    let before: i64 = ui
        .eval("Number(document.querySelector('#inbox-badge').innerText)")
        .await?;
    ui.tap_link("#inbox-link", "/inbox", "消息").await?;
    ui.wait(
        "document.querySelector(\"#inbox-list li[data-kind='task_digest'].unread\")",
        "the task reminder, unread",
    )
    .await?;
    check_phone_usable(ui, "inbox").await?;
    let text = ui.text("#inbox-list li[data-kind='task_digest']").await?;
    if !text.contains("导师任务提醒") || !text.contains("项") {
        bail!("the reminder reads {text:?}");
    }
    ui.screenshot("notify-inbox-360x640").await?;
    ui.scroll_to("#inbox-list li[data-kind='task_digest'] .mark-read")
        .await?;
    ui.click("#inbox-list li[data-kind='task_digest'] .mark-read")
        .await?;
    ui.wait(
        "document.querySelector(\"#inbox-list li[data-kind='task_digest'].read\")",
        "the reminder marked read",
    )
    .await?;
    let after = format!(
        "{} === (document.querySelector('#inbox-badge') ? Number(document.querySelector('#inbox-badge').innerText) : 0)",
        before - 1
    );
    ui.wait(&after, "the badge down by one").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_on_a_phone() -> Result<()> {
    let site = std::env::var("DAOSHI_SITE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("frontend/dist"));
    if !site.join("pkg/app_bg.wasm").exists() {
        bail!(
            "{} has no app: run scripts/build-frontend.sh first",
            site.display()
        );
    }
    let server = TestServer::start(Options {
        class_size: 10,
        env: vec![
            ("DAOSHI_SITE_DIR".into(), site.display().to_string()),
            // Today's reminders are due whatever the hour of the test.
            ("DAOSHI_REMINDER_HOUR".into(), "0".into()),
            ("DAOSHI_JOB_POLL_MS".into(), "100".into()),
        ],
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(
        &ui,
        "mentor-reads-reminder",
        &mut failures,
        async |ui: &Ui| mentor_reads_a_reminder(ui, &server).await,
    )
    .await;
    ui.close().await;
    if !failures.is_empty() {
        bail!(
            "{} scenario(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    Ok(())
}
