//! Browser test of care and crisis on phones (360×640): a mentor raises a
//! crisis from the student's page in two taps; the counsellor, signed in
//! in another browser, sees the alert arrive without reloading (the live
//! subscription), opens the case, acknowledges it and records an
//! assessment. The real app (`frontend/dist`) against a `daoshi` server with
//! the demo district, in headless Chromium. Screenshots go to `test-artifacts/`.

use anyhow::{Result, bail};
use serde_json::json;
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable};

const OUTBOX: &str = "Object.keys(localStorage).filter(k => k.startsWith('daoshi.outbox.')).flatMap(k => JSON.parse(localStorage.getItem(k)))";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crisis_reaches_the_counsellor_live() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let student = tests::care::named_student(&server, "s2").await?;
    let name = server
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { student(id: $s) { name } }",
            json!({ "s": student }),
        )
        .await?["student"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // The counsellor's workspace, live.
    let counsellor = Ui::launch(&server.base_url()).await?;
    counsellor.login("s2.counsellor", PASSWORD).await?;
    counsellor
        .wait_home("/counsellor", "心理辅导工作台")
        .await?;
    counsellor
        .wait(
            "document.querySelector('#live-status.on')",
            "the live connection",
        )
        .await?;
    counsellor
        .wait(
            "document.querySelectorAll('.case-card').length >= 3",
            "the open demo cases",
        )
        .await?;
    check_phone_usable(&counsellor, "the counsellor's workspace").await?;
    counsellor.screenshot("care-workspace-360x640").await?;
    let before: usize = counsellor
        .eval("document.querySelectorAll('#care-alerts .alert-row').length")
        .await?;
    counsellor
        .eval::<bool>("(window.__noReload = true)")
        .await?;

    // The mentor: two taps on the student's page.
    let mentor = Ui::launch(&server.base_url()).await?;
    mentor.login("s2.mentor1", PASSWORD).await?;
    mentor.wait_home("/mentor", "我的学生").await?;
    mentor.open(&format!("/students/{student}")).await?;
    mentor
        .wait(
            "document.querySelector('#crisis-button')",
            "the crisis button",
        )
        .await?;
    mentor.scroll_to("#crisis-button").await?;
    mentor.click("#crisis-button").await?;
    mentor
        .wait("document.querySelector('#crisis-pick')", "the categories")
        .await?;
    mentor.screenshot("care-crisis-two-taps-360x640").await?;
    mentor
        .click("#crisis-pick button[data-category='SELF_HARM']")
        .await?;
    mentor
        .wait(
            "document.querySelector('#crisis-queued')",
            "the confirmation",
        )
        .await?;
    mentor
        .wait(&format!("{OUTBOX}.length === 0"), "the outbox to be sent")
        .await?;

    // The counsellor sees it arrive without a reload.
    counsellor
        .wait(
            &format!(
                "document.querySelectorAll('#care-alerts .alert-row').length > {before} && document.querySelector('#care-alerts .alert-row').innerText.includes({})",
                serde_json::to_string(&name)?
            ),
            "the new alert",
        )
        .await?;
    let same_page: bool = counsellor.eval("window.__noReload === true").await?;
    if !same_page {
        bail!("the workspace reloaded");
    }
    counsellor.screenshot("care-alert-arrived-360x640").await?;
    counsellor.click("#care-alerts .alert-row a").await?;
    counsellor
        .wait("document.querySelector('#acknowledge')", "the case page")
        .await?;
    counsellor.click("#acknowledge").await?;
    counsellor
        .wait(
            "document.querySelector('#case-stage') && document.querySelector('#case-stage').innerText.includes('已响应')",
            "the acknowledgement",
        )
        .await?;
    counsellor.click("#assessment-form summary").await?;
    counsellor
        .fill("#assessment-form textarea[name='factors']", "自伤念头")
        .await?;
    counsellor
        .fill(
            "#assessment-form textarea[name='plan']",
            "今日联系家长，转介区心理中心",
        )
        .await?;
    counsellor
        .click("#assessment-form button[type='submit']")
        .await?;
    counsellor
        .wait(
            "document.querySelector('#case-stage') && document.querySelector('#case-stage').innerText.includes('已评估') && document.querySelector(\"#case-timeline li[data-kind='assessment']\")",
            "the assessment",
        )
        .await?;
    counsellor.screenshot("care-case-assessed-360x640").await?;
    let text = counsellor.text("#case-timeline").await?;
    if !text.contains("今日联系家长") {
        bail!("the timeline reads {text:?}");
    }
    mentor.close().await;
    counsellor.close().await;
    Ok(())
}
