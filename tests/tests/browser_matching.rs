//! Browser test of mentor matching (导师匹配), end to end on the demo data at
//! phone size (360×640): `s2.student1` sees the open two-way round with their
//! choices, reorders and submits them; `s2.admin` opens the seeded grade-7
//! round, runs the preview (statistics, charts, explanations, filters),
//! reassigns one student placed by the fill with a required reason (mentors
//! at the cap cannot be chosen), publishes after a confirmation; then
//! `s2.student1` sees their mentor and the explanation.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`) and a built frontend
//! (`scripts/build-frontend.sh`). The helpers are those of `browser.rs`.
//! Screenshots go to `test-artifacts/` (`matching-*.png`, and
//! `failure-matching-*.png` of the page where a step fails).

use anyhow::{Result, bail};
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable};

/// Text of every element matching a selector.
async fn texts(ui: &Ui, selector: &str) -> Result<Vec<String>> {
    ui.eval(&format!(
        "[...document.querySelectorAll({})].map(e => e.innerText)",
        serde_json::to_string(selector)?
    ))
    .await
}

/// The student reads the open round: the eligible mentors with subjects and
/// specialties (never their load), their seeded choices in order; adds one,
/// moves it up, submits.
async fn student_ranks_mentors(ui: &Ui) -> Result<()> {
    ui.login("s2.student1", PASSWORD).await?;
    ui.wait_home("/student", "我的导师").await?;
    ui.wait(
        "document.querySelectorAll('#eligible-mentors li').length > 0 && document.querySelectorAll('#my-choices li').length > 0",
        "the open round's mentors and the seeded choices",
    )
    .await?;
    let mentors = texts(ui, "#eligible-mentors li").await?;
    if mentors.len() != 9 {
        bail!("expected the 9 grade-7 mentors, got {}", mentors.len());
    }
    if !mentors.iter().any(|m| m.contains("任教")) {
        bail!("mentors without their subjects: {mentors:?}");
    }
    if mentors
        .iter()
        .any(|m| m.contains("名额") || m.contains('/'))
    {
        bail!("a mentor's load is shown to students: {mentors:?}");
    }
    let before = texts(ui, "#my-choices li .name").await?;
    // Tap to add the first mentor not yet chosen (when there is room), then
    // move them up one place.
    if before.len() < 5 {
        ui.click("#eligible-mentors li button.add-choice:not([disabled])")
            .await?;
        ui.wait(
            &format!(
                "document.querySelectorAll('#my-choices li').length === {}",
                before.len() + 1
            ),
            "the added choice",
        )
        .await?;
        let added = texts(ui, "#my-choices li .name").await?;
        let last = added.last().cloned().unwrap_or_default();
        ui.click("#my-choices li:last-child button.move-up").await?;
        ui.wait(
            &format!(
                "(() => {{ const l = [...document.querySelectorAll('#my-choices li .name')]; return l.length > 1 && l[l.length - 2].innerText === {}; }})()",
                serde_json::to_string(&last)?
            ),
            "the choice moved up",
        )
        .await?;
    }
    let first = ui.text("#my-choices li .choice-no").await?;
    if !first.contains("第1志愿") {
        bail!("the first choice reads {first:?}");
    }
    ui.scroll_to("#my-choices").await?;
    ui.screenshot("matching-student-choices-360x640").await?;
    check_phone_usable(ui, "student choices").await?;
    ui.click("#submit-choices").await?;
    ui.wait("document.querySelector('#choices-saved')", "choices saved")
        .await?;
    Ok(())
}

/// The admin runs the seeded round: preview, statistics and charts,
/// filters, one reassignment with a reason, publication after confirming.
/// Returns the name of the mentor the preview gives `student1`.
async fn admin_runs_round(ui: &Ui, student1: &str) -> Result<String> {
    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.tap_link("a[href='/school/matching']", "/school/matching", "导师匹配")
        .await?;
    let round = ".round-card[data-grade='7'][data-status='OPEN']";
    ui.wait(
        &format!("document.querySelector(\"{round}\")"),
        "the seeded open grade-7 round",
    )
    .await?;
    let line = ui.text(round).await?;
    if !line.contains("双向选择") {
        bail!("the seeded round reads {line:?}");
    }
    ui.click(&format!("{round} button.view-round")).await?;
    ui.wait(
        "document.querySelector('#run-preview')",
        "the round's detail",
    )
    .await?;
    ui.click("#run-preview").await?;
    ui.wait(
        "document.querySelector('#round-status[data-status=PREVIEWED]') && document.querySelectorAll('#assignments li.assign').length > 0",
        "the preview",
    )
    .await?;
    // Statistics, the two charts, explanations on every line.
    for id in ["#stat-first", "#stat-top3", "#stat-fill", "#stat-unplaced"] {
        let t = ui.text(id).await?;
        if !t.contains('%') {
            bail!("{id} reads {t:?}");
        }
    }
    let load = ui.text("#stat-load").await?;
    if !(load.contains("最少") && load.contains("中位") && load.contains("最多")) {
        bail!("load line reads {load:?}");
    }
    let loads = texts(ui, "#load-chart li").await?;
    if loads.len() != 9 {
        bail!("load chart has {} mentors: {loads:?}", loads.len());
    }
    let hist = texts(ui, "#choice-chart li").await?;
    if !hist.first().is_some_and(|h| h.contains("第1志愿")) {
        bail!("choice chart reads {hist:?}");
    }
    let rows = texts(ui, "#assignments li.assign").await?;
    if rows.len() != 30 {
        bail!("expected 30 grade-7 students, got {}", rows.len());
    }
    let whys = texts(ui, "#assignments li.assign .why").await?;
    if whys.iter().any(|w| w.trim().is_empty()) {
        bail!("an assignment without its explanation");
    }
    let fills: i64 = ui
        .eval("document.querySelectorAll('#assignments li.assign[data-stage=FILL]').length")
        .await?;
    if fills == 0 {
        bail!("no student placed by the fill: the demo choices are not skewed enough");
    }
    let mentor_of_student1 = ui
        .text(&format!(
            "#assignments li.assign[data-student='{student1}'] .mentor-name"
        ))
        .await?;
    if mentor_of_student1.trim().is_empty() {
        bail!("s2.student1 has no mentor in the preview");
    }
    ui.scroll_to("#match-stats").await?;
    ui.screenshot("matching-preview-360x640").await?;
    ui.scroll_to("#load-chart").await?;
    ui.screenshot("matching-preview-charts-360x640").await?;
    ui.screenshot_full("matching-preview-full-360").await?;
    check_phone_usable(ui, "matching preview").await?;

    // Filters: placed by the fill only, unplaced only, all.
    ui.click("#filter-fill").await?;
    ui.wait(
        &format!(
            "document.querySelectorAll('#assignments li.assign').length === {fills} && [...document.querySelectorAll('#assignments li.assign')].every(l => l.dataset.stage === 'FILL')"
        ),
        "the fill filter",
    )
    .await?;
    ui.click("#filter-unplaced").await?;
    ui.wait(
        "[...document.querySelectorAll('#assignments li.assign')].every(l => l.classList.contains('unplaced'))",
        "the unplaced filter",
    )
    .await?;
    ui.click("#filter-all").await?;
    ui.wait(
        "document.querySelectorAll('#assignments li.assign').length === 30",
        "all assignments again",
    )
    .await?;

    // Reassign one student placed by the fill (not s2.student1).
    let target =
        format!("#assignments li.assign[data-stage=FILL]:not([data-student='{student1}'])");
    let moved: String = ui
        .eval(&format!(
            "document.querySelector(\"{target}\").dataset.student"
        ))
        .await?;
    ui.click(&format!("{target} button.reassign")).await?;
    ui.wait(
        "document.querySelector('#reassign-form')",
        "the reassign form",
    )
    .await?;
    // The cap, live: mentors at the cap are listed but cannot be chosen.
    let full_enabled: i64 = ui
        .eval("[...document.querySelectorAll('#reassign-mentor option[data-full=true]')].filter(o => !o.disabled).length")
        .await?;
    if full_enabled > 0 {
        bail!("{full_enabled} mentors at the cap can be chosen");
    }
    let full: i64 = ui
        .eval("document.querySelectorAll('#reassign-mentor option[data-full=true]').length")
        .await?;
    eprintln!("matching: {full} mentors at the cap are disabled in the reassign list");
    let pick: String = ui
        .eval("[...document.querySelectorAll('#reassign-mentor option')].find(o => o.value && !o.disabled).value")
        .await?;
    ui.set_value("#reassign-mentor", &pick).await?;
    // No reason: refused in the form.
    ui.click("#reassign-save").await?;
    ui.wait(
        "document.querySelector('#reassign-form .field-error')",
        "the missing-reason error",
    )
    .await?;
    let err = ui.text("#reassign-form .field-error").await?;
    if !err.contains("理由") {
        bail!("missing-reason error reads {err:?}");
    }
    ui.fill("#reassign-reason", "家校距离近，便于家访").await?;
    ui.scroll_to("#reassign-form").await?;
    ui.screenshot("matching-reassign-360x640").await?;
    ui.click("#reassign-save").await?;
    ui.wait(
        &format!(
            "document.querySelector('#match-notice') && document.querySelector(\"#assignments li.assign[data-student='{moved}']\") && document.querySelector(\"#assignments li.assign[data-student='{moved}']\").dataset.stage === 'MANUAL'"
        ),
        "the reassignment saved as a manual change",
    )
    .await?;

    // English labels on the same screen, then back.
    ui.click("#lang-switch").await?;
    ui.wait(
        "document.querySelector('#stats-title') && document.querySelector('#stats-title').innerText === 'Statistics'",
        "the preview in English",
    )
    .await?;
    ui.click("#lang-switch").await?;
    ui.wait(
        "document.querySelector('#stats-title') && document.querySelector('#stats-title').innerText === '统计'",
        "the preview in Chinese",
    )
    .await?;

    // Publish, after confirming.
    ui.click("#publish").await?;
    ui.wait(
        "document.querySelector('#publish-confirm')",
        "the confirmation",
    )
    .await?;
    ui.click("#publish-yes").await?;
    ui.wait(
        "document.querySelector('#round-status[data-status=PUBLISHED]') && document.querySelector('#match-notice')",
        "the round published",
    )
    .await?;
    if ui
        .eval::<bool>("!!document.querySelector('#run-preview, button.reassign')")
        .await?
    {
        bail!("a published round can still be previewed or adjusted");
    }
    Ok(mentor_of_student1)
}

/// After publication the student sees their mentor and why.
async fn student_sees_result(ui: &Ui, mentor: &str) -> Result<()> {
    ui.login("s2.student1", PASSWORD).await?;
    ui.wait_home("/student", "我的导师").await?;
    ui.wait(
        "document.querySelector('#my-mentor-name') && document.querySelector('#my-match-why')",
        "the published mentor",
    )
    .await?;
    let name = ui.text("#my-mentor-name").await?;
    if name.trim() != mentor.trim() {
        bail!("the student sees {name:?}, the preview said {mentor:?}");
    }
    let why = ui.text("#my-match-why").await?;
    if why.trim().is_empty() {
        bail!("no explanation");
    }
    eprintln!("matching: s2.student1 sees {name}: {why}");
    if ui
        .eval::<bool>("!!document.querySelector('#choose-mentors')")
        .await?
    {
        bail!("the choice form is still shown after publication");
    }
    ui.scroll_to("#my-match").await?;
    ui.screenshot("matching-student-result-360x640").await?;
    check_phone_usable(ui, "student result").await?;
    // In English, an English line comes before the school's Chinese one.
    ui.click("#lang-switch").await?;
    ui.wait(
        "document.querySelector('#my-match-why .why-en') && document.querySelector('#my-match-why .why-en').innerText.trim().length > 0",
        "the explanation in English",
    )
    .await?;
    ui.screenshot("matching-student-result-en-360x640").await?;
    ui.click("#lang-switch").await?;
    ui.wait(
        "!document.querySelector('#my-match-why .why-en')",
        "back in Chinese",
    )
    .await?;
    Ok(())
}

/// Runs a step; on failure saves a screenshot named after it.
async fn step<T>(ui: &Ui, name: &str, r: Result<T>) -> Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(e) => {
            let shot = ui
                .screenshot(&format!("failure-matching-{name}"))
                .await
                .map(|p| p.display().to_string())
                .unwrap_or_else(|e| format!("(no screenshot: {e})"));
            bail!("{name}: {e:#} [screenshot: {shot}]")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_way_round_end_to_end_on_a_phone() -> Result<()> {
    let dist = tests::workspace_root().join("frontend/dist/pkg/app_bg.wasm");
    if !dist.exists() {
        bail!(
            "{} is missing: run scripts/build-frontend.sh first",
            dist.display()
        );
    }
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let me = server
        .data_as(
            "s2.student1",
            "{ students { edges { node { id } } } }",
            serde_json::json!({}),
        )
        .await?;
    let student1 = me["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ui = Ui::launch(&server.base_url()).await?;
    let result = async {
        let r = student_ranks_mentors(&ui).await;
        step(&ui, "student-ranks", r).await?;
        let r = admin_runs_round(&ui, &student1).await;
        let mentor = step(&ui, "admin-runs-round", r).await?;
        let r = student_sees_result(&ui, &mentor).await;
        step(&ui, "student-sees-result", r).await
    }
    .await;
    ui.close().await;
    drop(server);
    result
}
