//! Browser tests of mentor training and reviewers' views (issue 12): the
//! school admin adds a required course, schedules its sessions and records
//! who attended on a desktop (1280×800); a grade leader gives their view of
//! a mentor on a phone (360×640) within the review window (the server's
//! clock moved into it). The real app (`frontend/dist`) against a `daoshi`
//! server with the demo district, in headless Chromium.

use anyhow::{Context, Result, bail};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::json;
use tests::browser::{HEIGHT, Ui, WIDTH, check_phone_usable, scenario};
use tests::{Backend, Options, PASSWORD, TestServer, workspace_root};

fn china_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

async fn admin_records_attendance(ui: &Ui, server: &TestServer) -> Result<()> {
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
        .await?;
    let result: Result<()> = async {
        ui.login("s2.admin", PASSWORD).await?;
        ui.wait_home("/school", "学校设置").await?;
        ui.tap_link("a[href='/school/training']", "/school/training", "导师培训")
            .await?;
        ui.wait(
            "document.querySelector('#courses') && document.querySelector('#courses').innerText.includes('单周一研')",
            "the demo's courses",
        )
        .await?;
        ui.fill("#course-name", "新任导师培训").await?;
        ui.set_value("#course-cadence", "WEEKLY").await?;
        ui.click("#course-required").await?;
        ui.set_value("#course-sessions", "2").await?;
        ui.click("#course-add").await?;
        let card = ".course[data-name='新任导师培训']";
        ui.wait(&format!("document.querySelector(\"{card}\")"), "the new course")
            .await?;
        let from = (china_today() - Duration::days(7)).to_string();
        let until = china_today().to_string();
        ui.set_value(&format!("{card} .schedule-from"), &from).await?;
        ui.set_value(&format!("{card} .schedule-until"), &until).await?;
        ui.click(&format!("{card} .schedule-save")).await?;
        ui.wait(
            &format!("document.querySelectorAll(\"{card} .session\").length === 2"),
            "two weekly sessions",
        )
        .await?;
        ui.click(&format!("{card} .session[data-date='{from}'] .attendance-open"))
            .await?;
        ui.wait(
            &format!("document.querySelector(\"{card} form.attendance\")"),
            "the attendance form",
        )
        .await?;
        ui.click(&format!("{card} form.attendance .chip:nth-child(1) input")).await?;
        ui.click(&format!("{card} form.attendance .chip:nth-child(2) input")).await?;
        ui.click(&format!("{card} form.attendance .attendance-save")).await?;
        ui.wait(
            &format!("document.querySelector(\"{card} .attendance-saved\")"),
            "saved",
        )
        .await?;
        ui.screenshot("admin-training-1280x800").await?;
        Ok(())
    }
    .await;
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(
            WIDTH as i64,
            HEIGHT as i64,
            2.0,
            true,
        ))
        .await?;
    result?;
    let n = server.sql(
        "SELECT count(*) FROM training_attendance a JOIN training_courses c ON c.id = a.course_id WHERE c.name = '新任导师培训'",
    )?;
    if n.trim() != "2" {
        bail!("{n} attendances stored, expected 2");
    }
    Ok(())
}

async fn grade_leader_adds_a_view(
    ui: &Ui,
    server: &TestServer,
    clock: &std::path::Path,
) -> Result<()> {
    let d = server
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let ends = NaiveDate::parse_from_str(terms[0]["endsOn"].as_str().context("end")?, "%Y-%m-%d")?;
    // Into the review window: ten days before the term ends.
    let skew = (ends - Duration::days(10) - china_today())
        .num_days()
        .max(0)
        * 86_400;
    std::fs::write(clock, skew.to_string())?;
    ui.login("s2.grade7", PASSWORD).await?;
    ui.wait_home("/grade", "年级概览").await?;
    ui.wait("document.querySelector('#review-link')", "the review link")
        .await?;
    ui.open("/review").await?;
    ui.wait_home("/review", "导师评价").await?;
    ui.wait(
        "document.querySelector('#review-targets form.review')",
        "the mentors to review",
    )
    .await?;
    check_phone_usable(ui, "the review page").await?;
    let first = "#review-targets form.review:first-of-type";
    ui.click(&format!("{first} input[value='4']")).await?;
    ui.fill(
        &format!("{first} .review-comment"),
        "谈心记录及时，家校沟通主动",
    )
    .await?;
    ui.screenshot("grade-leader-review-360x640").await?;
    ui.click(&format!("{first} .review-save")).await?;
    ui.wait(
        &format!("document.querySelector('{first} .review-saved')"),
        "the saved view",
    )
    .await?;
    let stored = server.sql("SELECT score || '|' || role || '|' || comment FROM mentor_reviews")?;
    if stored.trim() != "4|GRADE_LEADER|谈心记录及时，家校沟通主动" {
        bail!("stored: {stored}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn training_and_reviews_in_the_browser() -> Result<()> {
    let site = workspace_root().join("frontend/dist");
    if !site.join("pkg/app_bg.wasm").exists() {
        bail!("frontend/dist is missing: run scripts/build-frontend.sh first");
    }
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    std::fs::write(&clock, "0")?;
    let server = TestServer::start(Options {
        class_size: 10,
        env: vec![
            ("DAOSHI_SITE_DIR".into(), site.display().to_string()),
            ("DAOSHI_CLOCK_FILE".into(), clock.display().to_string()),
        ],
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "admin-attendance", &mut failures, async |ui: &Ui| {
        admin_records_attendance(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "grade-leader-review",
        &mut failures,
        async |ui: &Ui| grade_leader_adds_a_view(ui, &server, &clock).await,
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
