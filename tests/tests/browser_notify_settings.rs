//! Browser test of the notification settings and the integration page
//! (issue 14) on a phone (360×640), in headless Chromium against the real
//! app: a parent opens 通知设置 from the inbox, sees the school's quiet
//! hours, turns pushes of surveys off (kept on the server), and cannot
//! turn off care alerts' inbox; the header keeps its buttons whole with
//! the 消息 badge. The school admin adds a WeCom group robot on the
//! integration page (a bad address is refused in Chinese), sends a test
//! message that a local receiver checks, and sees it succeed.

use std::path::PathBuf;

use anyhow::{Result, bail, ensure};
use serde_json::json;
use tests::browser::{Ui, check_phone_usable, scenario};
use tests::receivers::{Received, Receivers};
use tests::{Backend, Options, PASSWORD, TestServer, workspace_root};

/// Every header control and the app's name on one line, inside the 360 px
/// viewport (the unread badge must not squeeze them).
async fn header_whole(ui: &Ui) -> Result<()> {
    let name_lines: f64 = ui
        .eval(
            "(() => { const e = document.querySelector('header .app-name');
               return e.getBoundingClientRect().height / (parseFloat(getComputedStyle(e).lineHeight) || 24); })()",
        )
        .await?;
    if name_lines > 1.5 {
        bail!("the app's name wraps onto {name_lines:.1} lines");
    }
    let bad: Vec<String> = ui
        .eval(
            "[...document.querySelectorAll('header a, header button')]
               .filter(e => e.offsetParent !== null)
               .filter(e => { const r = e.getBoundingClientRect();
                 const line = parseFloat(getComputedStyle(e).lineHeight) || 24;
                 return r.right > window.innerWidth + 0.5 || r.left < -0.5
                   || e.scrollWidth > e.clientWidth + 1 || r.height > Math.max(48, line * 1.9); })
               .map(e => e.outerHTML.slice(0, 80))",
        )
        .await?;
    if !bad.is_empty() {
        bail!("squeezed header controls: {bad:?}");
    }
    Ok(())
}

async fn parent_sets_preferences(ui: &Ui, server: &TestServer) -> Result<()> {
    // An unread notice, so that the badge is there.
    let d = server
        .data_as("s2.admin", "{ terms { id } }", json!({}))
        .await?;
    server
        .data_as(
            "s2.admin",
            "mutation($t: ID!) { createSurvey(termId: $t, title: \"家长问卷\", audience: PARENTS, anonymous: true, questions: [{ kind: SCALE, prompt: \"满意度\" }]) { id } }",
            json!({ "t": d["terms"][0]["id"] }),
        )
        .await?;
    tests::notify::wait_for(server, "s2.parent1", "survey_opened").await?;
    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait_home("/parent", "我的孩子").await?;
    ui.wait("document.querySelector('#inbox-badge')", "the unread badge")
        .await?;
    header_whole(ui).await?;
    ui.tap_link("#inbox-link", "/inbox", "消息").await?;
    ui.tap_link(
        "#notify-settings-link",
        "/settings/notifications",
        "通知设置",
    )
    .await?;
    ui.wait(
        "document.querySelector(\"#notify-prefs li[data-kind='survey_opened'] .pref-push\")",
        "the survey row",
    )
    .await?;
    let quiet = ui.text("#quiet-hours").await?;
    ensure!(quiet.contains("21:00–07:00"), "quiet hours read {quiet:?}");
    let locked: bool = ui
        .eval("document.querySelector(\"#notify-prefs li[data-kind='care_alert'] .pref-inbox\").disabled")
        .await?;
    ensure!(locked, "care alerts' inbox can be turned off");
    check_phone_usable(ui, "notification settings").await?;
    header_whole(ui).await?;
    ui.screenshot("notify-settings-360x640").await?;
    ui.click("#notify-prefs li[data-kind='survey_opened'] .pref-push")
        .await?;
    let start = std::time::Instant::now();
    loop {
        let p = server
            .data_as(
                "s2.parent1",
                "{ notifyPreferences { kind push } }",
                json!({}),
            )
            .await?;
        let off = p["notifyPreferences"].as_array().is_some_and(|a| {
            a.iter()
                .any(|k| k["kind"] == "survey_opened" && k["push"] == false)
        });
        if off {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            bail!("the switch was not saved: {p}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Still off after a reload.
    ui.open("/settings/notifications").await?;
    ui.wait(
        "document.querySelector(\"#notify-prefs li[data-kind='survey_opened'] .pref-push\") && !document.querySelector(\"#notify-prefs li[data-kind='survey_opened'] .pref-push\").checked",
        "the switch off after a reload",
    )
    .await?;
    Ok(())
}

async fn admin_adds_a_robot(ui: &Ui, r: &Receivers) -> Result<()> {
    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.tap_link(
        "a[href='/school/integrations']",
        "/school/integrations",
        "群机器人与失败任务",
    )
    .await?;
    ui.wait("document.querySelector('#robots-empty')", "no robots yet")
        .await?;
    ui.fill("#robot-name", "全校教师群").await?;
    ui.fill("#robot-url", "https://evil.example/hook?key=x")
        .await?;
    ui.click("#robot-add").await?;
    ui.wait(
        "document.querySelector('#robot-error') && document.querySelector('#robot-error').innerText.includes('不允许的地址')",
        "the refusal in Chinese",
    )
    .await?;
    ui.set_value(
        "#robot-url",
        &format!("{}/cgi-bin/webhook/send?key=k-1", r.origin),
    )
    .await?;
    ui.click("#robot-add").await?;
    ui.wait(
        "document.querySelector('#robot-list .robot')",
        "the robot listed",
    )
    .await?;
    check_phone_usable(ui, "integrations").await?;
    ui.click("#robot-list .robot .robot-test").await?;
    ui.wait(
        "document.querySelector('#robot-list .robot .robot-ok') && document.querySelector('#robot-list .robot .robot-ok').innerText.includes('最近成功')",
        "the test post succeeded",
    )
    .await?;
    let got = r.received();
    ensure!(
        got.iter().any(|x| matches!(x, Received::Robot("wecom", _))),
        "the receiver got {got:?}"
    );
    ui.screenshot("notify-integrations-360x640").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_and_integrations_on_a_phone() -> Result<()> {
    let site = std::env::var("DAOSHI_SITE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("frontend/dist"));
    if !site.join("pkg/app_bg.wasm").exists() {
        bail!(
            "{} has no app: run scripts/build-frontend.sh first",
            site.display()
        );
    }
    let r = Receivers::start().await?;
    let server = TestServer::start(Options {
        class_size: 10,
        env: vec![
            ("DAOSHI_SITE_DIR".into(), site.display().to_string()),
            ("DAOSHI_JOB_POLL_MS".into(), "100".into()),
            ("DAOSHI_OUTBOUND_ALLOW_LOCAL".into(), "1".into()),
        ],
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(
        &ui,
        "parent-sets-preferences",
        &mut failures,
        async |ui: &Ui| parent_sets_preferences(ui, &server).await,
    )
    .await;
    scenario(&ui, "admin-adds-robot", &mut failures, async |ui: &Ui| {
        admin_adds_a_robot(ui, &r).await
    })
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
