//! Browser tests of mentoring work on a phone (360×640): the quick log, the
//! offline outbox (go offline, log two activities, reload, go online: both
//! recorded once), a parent reading a published growth message but not a
//! draft, and signing out with an entry that could not be sent (warned,
//! deleted only on confirm). The real app (`frontend/dist`) against a
//! `daoshi` server with the demo district, in headless Chromium over the
//! DevTools protocol; the helpers follow `browser.rs`. Screenshots go to `test-artifacts/`.

use anyhow::{Result, bail, ensure};
#[allow(deprecated)]
// deprecated in CDP, still honoured by Chromium (the DevTools offline switch)
use serde_json::{Value, json};
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable, scenario};

const ACTIVITIES: &str = "query($s: ID!) { activities(studentId: $s, first: 100) { totalCount edges { node { clientKey kind } } } }";

/// The client keys in the signed-in user's outbox (localStorage).
const OUTBOX_KEYS: &str = "Object.keys(localStorage).filter(k => k.startsWith('daoshi.outbox.')).flatMap(k => JSON.parse(localStorage.getItem(k)).map(e => e.client_key))";

/// The client keys of a student's activities, as the mentor reads them.
async fn recorded_keys(server: &tests::TestServer, student: &str) -> Result<Vec<String>> {
    let d = server
        .data_as("s2.mentor1", ACTIVITIES, json!({ "s": student }))
        .await?;
    Ok(d["activities"]["edges"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["node"]["clientKey"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

/// (a) The mentor logs a talk from the home in three taps and sees it on
/// the student's page.
async fn quick_log_a_talk(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelectorAll('#log-student option').length > 1",
        "the quick log's students",
    )
    .await?;
    check_phone_usable(ui, "mentor home with the quick log").await?;
    let student: String = ui
        .eval("document.querySelectorAll('#log-student option')[1].value")
        .await?;
    let before = recorded_keys(server, &student).await?;
    // Tap 1: the student; tap 2: the kind (谈心谈话 is preselected, tapped anyway); tap 3: save.
    ui.set_value("#log-student", &student).await?;
    ui.click("#log-kind input[value='TALK']").await?;
    ui.click("#log-save").await?;
    ui.wait(
        "document.querySelector('#log-note') && document.querySelector('#log-note').innerText.includes('已记录')",
        "the saved note",
    )
    .await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelectorAll('#activity-list li').length > 0",
        "the student's activities",
    )
    .await?;
    let after = recorded_keys(server, &student).await?;
    let new: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    if new.len() != 1 {
        bail!("expected one new activity, found {new:?}");
    }
    let listed = ui.keys("#activity-list li").await?;
    if !listed.contains(new[0]) {
        bail!("the new talk {} is not in the list {listed:?}", new[0]);
    }
    let first = ui.text("#activity-list li").await?;
    if !first.contains("谈心谈话") || !first.contains("面对面") {
        bail!("the newest record reads {first:?}");
    }
    ui.scroll_to("#activities").await?;
    ui.screenshot("mentoring-quick-log-360x640").await?;
    check_phone_usable(ui, "student page").await?;
    Ok(())
}

/// The status tag of the student page's 家访 row (`overdue`, `done`, …).
const HOME_VISIT_TAG: &str = "(() => { const li = [...document.querySelectorAll('#student-tasks li.req')].find(l => l.querySelector('.name').innerText.trim() === '家访'); return li ? li.querySelector('.req-head .tag').className : ''; })()";

/// (a2) 补记: the mentor's transfer student owes a home visit that closed
/// last week; the mentor held it then and logs it now, dated that day. The
/// 家访 channel defaults to 上门, and the overdue row turns done without a
/// reload.
async fn back_dated_home_visit(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    // Continues as s2.mentor1.
    let d = server
        .data_as(
            "s2.mentor1",
            "{ myStudentsTasks { students { studentId requirements { kind status window { from to } } } } }",
            json!({}),
        )
        .await?;
    // The transfer: a home visit overdue with a window reaching into term.
    let found = d["myStudentsTasks"]["students"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|s| {
            let hv = s["requirements"]
                .as_array()?
                .iter()
                .find(|r| r["kind"] == "HOME_VISIT" && r["status"] == "OVERDUE")?;
            let to = hv["window"]["to"].as_str()?;
            (to > "2026-09-01").then(|| (s["studentId"].as_str().map(String::from), to.to_string()))
        });
    let Some((Some(student), day)) = found else {
        bail!("no mentee with a home visit overdue since joining: {d}");
    };
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        &format!("{HOME_VISIT_TAG}.includes('overdue')"),
        "the overdue home visit",
    )
    .await?;
    ui.click("#log-kind input[value='HOME_VISIT']").await?;
    ui.wait(
        "document.querySelector('#log-channel').value === 'HOME'",
        "the channel to default to 上门",
    )
    .await?;
    ui.set_value("#log-day", &day).await?;
    ui.click("#log-save").await?;
    ui.wait(
        &format!("{HOME_VISIT_TAG}.includes('done')"),
        "the home visit done without a reload",
    )
    .await?;
    ui.scroll_to("#student-tasks").await?;
    ui.screenshot("mentoring-back-dated-home-visit-360x640")
        .await?;
    // Recorded on the day picked, not today.
    let acts = server
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { activities(studentId: $s, first: 100) { edges { node { kind occurredOn } } } }",
            json!({ "s": student }),
        )
        .await?;
    let on_day = acts["activities"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["node"]["kind"] == "HOME_VISIT" && e["node"]["occurredOn"] == day.as_str());
    if !on_day {
        bail!("no home visit recorded on {day}: {acts}");
    }
    Ok(())
}

/// (b) Offline: two activities wait in the outbox, survive a reload, and are
/// each recorded once when the network returns.
async fn offline_outbox(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    // Continues as s2.mentor1; the second mentee this time.
    ui.open("/mentor").await?;
    ui.wait(
        "document.querySelectorAll('#log-student option').length > 2",
        "the quick log's students",
    )
    .await?;
    let student: String = ui
        .eval("document.querySelectorAll('#log-student option')[2].value")
        .await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait("document.querySelector('#quick-log')", "the quick log")
        .await?;
    // The service worker keeps the app shell so a reload works offline.
    ui.wait(
        "navigator.serviceWorker && navigator.serviceWorker.controller",
        "the service worker to control the page",
    )
    .await?;
    let before = recorded_keys(server, &student).await?;

    ui.set_offline(true).await?;
    ui.wait("!navigator.onLine", "the browser to be offline")
        .await?;
    ui.click("#log-save").await?;
    ui.wait(
        "document.querySelectorAll('#pending-list li.pending').length === 1",
        "the first pending entry",
    )
    .await?;
    ui.click("#log-kind input[value='PARENT_CONTACT']").await?;
    ui.set_value("#log-channel", "PHONE").await?;
    ui.click("#log-save").await?;
    ui.wait(
        "document.querySelectorAll('#pending-list li.pending').length === 2",
        "two pending entries",
    )
    .await?;
    let text = ui.text("#pending-list").await?;
    if !text.contains("待发送") {
        bail!("the pending entries read {text:?}");
    }
    let keys = ui.keys("#pending-list li.pending").await?;
    ui.scroll_to("#activities").await?;
    ui.screenshot("mentoring-offline-pending-360x640").await?;

    // Reload while still offline: nothing is lost.
    ui.page.reload().await?;
    ui.wait(
        "document.body && document.body.dataset.app === 'ready'",
        "the app to start offline",
    )
    .await?;
    ui.wait(
        "document.querySelectorAll('#pending-list li.pending').length === 2",
        "two pending entries after the reload",
    )
    .await?;
    let again = ui.keys("#pending-list li.pending").await?;
    if again.len() != 2 || !keys.iter().all(|k| again.contains(k)) {
        bail!("after the reload the outbox holds {again:?}, before {keys:?}");
    }
    if recorded_keys(server, &student)
        .await?
        .iter()
        .any(|k| keys.contains(k))
    {
        bail!("an entry reached the server while offline");
    }

    // Back online: the `online` event sends both.
    ui.set_offline(false).await?;
    ui.wait(
        "document.querySelectorAll('#pending-list li').length === 0",
        "the outbox to empty",
    )
    .await?;
    ui.wait(
        &format!(
            "{}.every(k => document.querySelector(`#activity-list li[data-key='${{k}}']`))",
            serde_json::to_string(&keys)?
        ),
        "both entries in the recorded list",
    )
    .await?;
    ui.scroll_to("#activities").await?;
    ui.screenshot("mentoring-offline-recorded-360x640").await?;

    // On the server: exactly these two are new, each recorded once.
    let after = recorded_keys(server, &student).await?;
    let new: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    if new.len() != 2 {
        bail!("expected two new activities, found {new:?}");
    }
    for k in &keys {
        let n = after.iter().filter(|x| *x == k).count();
        if n != 1 {
            bail!("{k} recorded {n} times");
        }
    }
    let stored: String = ui
        .eval("Object.keys(localStorage).filter(k => k.startsWith('daoshi.outbox.')).map(k => localStorage.getItem(k)).join('')")
        .await?;
    if !stored.is_empty() && stored != "[]" {
        bail!("the outbox still holds {stored}");
    }
    Ok(())
}

/// (c) A parent reads the published growth message of one child and not the
/// draft the mentor saved for the other.
async fn parent_reads_growth_message(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.set_offline(false).await?;
    // The mentor saves a draft for s2.student1 (s2.parent1's first child).
    let me = server
        .data_as(
            "s2.student1",
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student = me["students"]["edges"][0]["node"]["id"].clone();
    let terms = server
        .data_as("s2.mentor1", "{ terms { id } }", json!({}))
        .await?;
    let draft: Value = server
        .data_as(
            "s2.mentor1",
            "mutation($s: ID!, $t: ID!) { saveGrowthMessage(studentId: $s, termId: $t, body: \"草稿寄语：不应给家长看\") { status } }",
            json!({ "s": student, "t": terms["terms"][0]["id"] }),
        )
        .await?;
    if draft["saveGrowthMessage"]["status"] != json!("DRAFT") {
        bail!("the draft was not saved: {draft}");
    }
    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait(
        "location.pathname === '/parent' && document.querySelectorAll('#growth-messages article.growth-message').length > 0",
        "the published growth message",
    )
    .await?;
    let text = ui.text("#growth-messages").await?;
    if text.contains("草稿寄语") {
        bail!("the parent sees the draft: {text:?}");
    }
    let shown: Vec<String> = ui
        .eval("[...document.querySelectorAll('#growth-messages article')].map(a => a.dataset.student)")
        .await?;
    if shown.iter().any(|s| Some(s.as_str()) == student.as_str()) {
        bail!("a message of the child with only a draft is shown");
    }
    ui.wait(
        "document.querySelector('#print-growth')",
        "the print button",
    )
    .await?;
    check_phone_usable(ui, "parent home").await?;
    ui.scroll_to("#growth-messages").await?;
    ui.screenshot("mentoring-parent-growth-360x640").await?;
    Ok(())
}

/// (d) The mentor writes a growth message on the student's page and
/// publishes it (saved, submitted, published); the parent then reads it.
async fn mentor_publishes_growth_message(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let me = server
        .data_as(
            "s2.student1",
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student = me["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelector('#growth-body')",
        "the growth message editor",
    )
    .await?;
    ui.set_value("#growth-body", "本学期你进步很大，继续加油！")
        .await?;
    ui.click("#growth-save").await?;
    ui.wait(
        "document.querySelector('#growth-status') && document.querySelector('#growth-status').innerText.includes('草稿')",
        "the saved draft",
    )
    .await?;
    // Publishing asks first, says what it does, and locks the text.
    let label = ui.text("#growth-publish").await?;
    ensure!(
        label.trim() == "发布给家长和学生",
        "publish button reads {label:?}"
    );
    ui.click("#growth-publish").await?;
    ui.wait(
        "document.querySelector('#growth-confirm')",
        "the confirmation",
    )
    .await?;
    ui.click("#growth-publish-confirm").await?;
    ui.wait(
        "document.querySelector('#growth-status') && document.querySelector('#growth-status').innerText.includes('已发布')
         && document.querySelector('#growth-locked') && document.querySelector('#growth-body').readOnly
         && !document.querySelector('#growth-publish') && !document.querySelector('#growth-save')",
        "the published message, locked",
    )
    .await?;
    ui.scroll_to("#growth-editor").await?;
    ui.screenshot("mentoring-growth-editor-360x640").await?;
    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait(
        "location.pathname === '/parent' && document.querySelector('#growth-messages') && document.querySelector('#growth-messages').innerText.includes('本学期你进步很大')",
        "the parent to read the new message",
    )
    .await?;
    Ok(())
}

/// The quick log in English (then back to Chinese).
async fn quick_log_in_english(ui: &Ui) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.click("#lang-switch").await?;
    ui.wait(
        "document.querySelector('#quick-log h2') && document.querySelector('#quick-log h2').innerText === 'Quick log'",
        "the quick log in English",
    )
    .await?;
    let kinds = ui.text("#log-kind").await?;
    let save = ui.text("#log-save").await?;
    ui.click("#lang-switch").await?;
    if !kinds.contains("Talk") || !kinds.contains("Home visit") || save != "Save" {
        bail!("the English quick log reads {kinds:?} / {save:?}");
    }
    Ok(())
}

/// (f) Signing out with an entry that could not be sent (offline): the app
/// names it and asks; "stay" keeps it, "sign out and delete" removes it
/// from the device and signs out — nothing reaches the server.
async fn sign_out_with_unsent_entries(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.set_offline(false).await?;
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelectorAll('#log-student option').length > 1",
        "the quick log's students",
    )
    .await?;
    let student: String = ui
        .eval("document.querySelectorAll('#log-student option')[1].value")
        .await?;
    ui.set_value("#log-student", &student).await?;
    ui.set_offline(true).await?;
    ui.wait("!navigator.onLine", "the browser to be offline")
        .await?;
    ui.click("#log-save").await?;
    // The home shows the outbox as a count; the entry itself is in localStorage.
    ui.wait(
        "document.querySelector('#outbox-status') && document.querySelector('#outbox-status').innerText.includes('1 条待发送')",
        "the pending entry",
    )
    .await?;
    let keys: Vec<String> = ui.eval(OUTBOX_KEYS).await?;
    if keys.len() != 1 {
        bail!("expected one entry in the outbox, found {keys:?}");
    }

    // Sign out: the app cannot send it, so it asks.
    ui.click("#logout").await?;
    ui.wait(
        "document.querySelector('#logout-confirm')",
        "the sign-out warning",
    )
    .await?;
    let warning = ui.text("#logout-confirm").await?;
    if !warning.contains("1 条记录未发送") || !warning.contains("删除") {
        bail!("the sign-out warning reads {warning:?}");
    }
    ui.screenshot("mentoring-sign-out-unsent-360x640").await?;
    // Stay signed in: the entry is still there.
    ui.click("#logout-cancel").await?;
    ui.wait(
        "!document.querySelector('#logout-confirm') && document.querySelector('#outbox-status') && location.pathname === '/mentor'",
        "the entry kept after staying signed in",
    )
    .await?;

    if ui.eval::<Vec<String>>(OUTBOX_KEYS).await? != keys {
        bail!("staying signed in changed the outbox");
    }

    // Sign out and delete: gone from the device, signed out.
    ui.click("#logout").await?;
    ui.wait(
        "document.querySelector('#logout-delete')",
        "the sign-out warning again",
    )
    .await?;
    ui.click("#logout-delete").await?;
    ui.wait(
        "location.pathname === '/login' && document.querySelector('#login-notice')",
        "the login page after signing out",
    )
    .await?;
    let stored: String = ui
        .eval("Object.keys(localStorage).filter(k => k.startsWith('daoshi.outbox.')).map(k => localStorage.getItem(k)).join('')")
        .await?;
    if !stored.is_empty() {
        bail!("the outbox still holds {stored}");
    }
    ui.set_offline(false).await?;
    if recorded_keys(server, &student)
        .await?
        .iter()
        .any(|k| keys.contains(k))
    {
        bail!("the deleted entry reached the server");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentoring_works_on_a_phone() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch_for_service_worker(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "quick-log", &mut failures, async |ui: &Ui| {
        quick_log_a_talk(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "back-dated-home-visit",
        &mut failures,
        async |ui: &Ui| back_dated_home_visit(ui, &server).await,
    )
    .await;
    scenario(&ui, "offline-outbox", &mut failures, async |ui: &Ui| {
        offline_outbox(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "parent-growth-message",
        &mut failures,
        async |ui: &Ui| parent_reads_growth_message(ui, &server).await,
    )
    .await;
    scenario(
        &ui,
        "mentor-publishes-growth-message",
        &mut failures,
        async |ui: &Ui| mentor_publishes_growth_message(ui, &server).await,
    )
    .await;
    scenario(
        &ui,
        "quick-log-in-english",
        &mut failures,
        quick_log_in_english,
    )
    .await;
    scenario(
        &ui,
        "sign-out-with-unsent-entries",
        &mut failures,
        async |ui: &Ui| sign_out_with_unsent_entries(ui, &server).await,
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
