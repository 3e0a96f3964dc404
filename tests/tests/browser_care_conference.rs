//! Browser test of a case conference on phones (360×640): the counsellor
//! schedules a conference on a case, records the discussion and an action
//! for the mentor (picked by name); the mentor finds the action on their
//! task page and marks it done; the case's timeline shows it done. The real
//! app (`frontend/dist`) against a `daoshi` server with the demo district,
//! in headless Chromium. Screenshots go to `test-artifacts/`.

use anyhow::{Result, bail};
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable};
use tests::care::sql_staff_of;

/// Taps an element scrolled to the middle of the screen (clear of the
/// bottom tabs).
async fn tap(ui: &Ui, selector: &str) -> Result<()> {
    ui.scroll_to(selector).await?;
    ui.click(selector).await
}

const ACTION: &str = "周五前与家长面谈并记录";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conference_action_reaches_the_mentors_tasks() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let mentor_staff = sql_staff_of(&server, "s2.mentor1")?;
    let mentor_name = server
        .sql(&format!(
            "SELECT name FROM staff WHERE {} = '{mentor_staff}'",
            server.uuid_col("id")
        ))?
        .trim()
        .to_string();

    // The counsellor schedules a conference on one of the open cases.
    let counsellor = Ui::launch(&server.base_url()).await?;
    counsellor.login("s2.counsellor", PASSWORD).await?;
    counsellor
        .wait_home("/counsellor", "心理辅导工作台")
        .await?;
    counsellor
        .wait(
            "document.querySelector('#care-conferences .conference-list')",
            "the demo's conferences on the workspace",
        )
        .await?;
    tap(&counsellor, "#conferences-link").await?;
    counsellor
        .wait(
            "document.querySelector('#schedule-form')",
            "the conference page",
        )
        .await?;
    tap(&counsellor, "#schedule-form summary").await?;
    counsellor
        .wait(
            "document.querySelector(\"#schedule-form input[name='case']\")",
            "the open cases",
        )
        .await?;
    let case: String = counsellor
        .eval("document.querySelector(\"#schedule-form input[name='case']\").value")
        .await?;
    tap(&counsellor, "#schedule-form input[name='case']").await?;
    let at = (chrono::Local::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT15:30")
        .to_string();
    counsellor
        .set_value("#schedule-form input[name='at']", &at)
        .await?;
    counsellor
        .set_value(
            "#schedule-form textarea[name='agenda']",
            "个案会诊：风险评估与分工",
        )
        .await?;
    check_phone_usable(&counsellor, "scheduling a conference").await?;
    counsellor
        .screenshot("care-conference-schedule-360x640")
        .await?;
    tap(&counsellor, "#schedule-form button[type='submit']").await?;
    counsellor
        .wait(
            "document.querySelector('#record-form')",
            "the new conference",
        )
        .await?;

    // It records the discussion and an action for the mentor, found by name.
    counsellor
        .set_value(
            "#record-form textarea[name='summary']",
            "学生情绪仍不稳定，需家校配合",
        )
        .await?;
    counsellor
        .set_value("#record-form textarea[name='action']", ACTION)
        .await?;
    counsellor
        .set_value("#record-form input[name='owner-filter']", &mentor_name)
        .await?;
    // (A name two people share leaves the choice to the list.)
    counsellor
        .set_value("#record-form select[name='owner']", &mentor_staff)
        .await?;
    counsellor
        .wait(
            &format!(
                "document.querySelector(\"#record-form select[name='owner']\").value === '{mentor_staff}'"
            ),
            "the mentor picked by name",
        )
        .await?;
    let due = (chrono::Local::now() + chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    counsellor
        .set_value("#record-form input[name='due']", &due)
        .await?;
    counsellor
        .screenshot("care-conference-record-360x640")
        .await?;
    tap(&counsellor, "#record-form button[type='submit']").await?;
    counsellor
        .wait(
            &format!(
                "document.querySelector('#conference-actions') && document.querySelector('#conference-actions').innerText.includes({})",
                serde_json::to_string(ACTION)?
            ),
            "the recorded action",
        )
        .await?;
    counsellor
        .screenshot("care-conference-recorded-360x640")
        .await?;

    // The mentor finds it among their tasks and marks it done.
    let mentor = Ui::launch(&server.base_url()).await?;
    mentor.login("s2.mentor1", PASSWORD).await?;
    mentor.wait_home("/mentor", "我的学生").await?;
    mentor.open("/tasks").await?;
    let item = format!(
        "[...document.querySelectorAll('#my-care-actions li')].find(l => l.innerText.includes({}))",
        serde_json::to_string(ACTION)?
    );
    mentor
        .wait(&format!("!!{item}"), "the action in the mentor's tasks")
        .await?;
    check_phone_usable(&mentor, "the mentor's care actions").await?;
    mentor.screenshot("care-action-in-tasks-360x640").await?;
    let clicked: bool = mentor
        .eval(&format!(
            "(() => {{ const l = {item}; const b = l && l.querySelector('.mark-done'); if (!b) return false; b.scrollIntoView({{ block: 'center' }}); b.click(); return true; }})()"
        ))
        .await?;
    if !clicked {
        bail!("no mark-done button on the action");
    }
    mentor
        .wait(
            &format!("(() => {{ const l = {item}; return !!l && l.classList.contains('done') && !l.querySelector('.mark-done'); }})()"),
            "the action marked done",
        )
        .await?;
    mentor.screenshot("care-action-done-360x640").await?;

    // The case's timeline shows it done.
    counsellor.open(&format!("/care/{case}")).await?;
    counsellor
        .wait(
            "document.querySelector(\"#case-timeline li[data-kind='action_done']\") && document.querySelector(\"#case-timeline li[data-kind='conference']\")",
            "the completion on the case's timeline",
        )
        .await?;
    mentor.close().await;
    counsellor.close().await;
    Ok(())
}
