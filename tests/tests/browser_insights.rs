//! Browser test of the dashboards (issue 13) at 360×640: the district
//! officer sees the per-school chart with the district's reference line,
//! opens a school's summary, then reviews a school plan (备案) — returns it
//! with a comment, which the school admin sees on the policy page, then
//! accepts it, which the school admin sees too. The school admin's home
//! shows the completion rates and the term's chart. The real app
//! (`frontend/dist`) against a `daoshi` server with the demo district, in
//! headless Chromium.

use std::path::PathBuf;

use anyhow::{Result, bail};
use tests::browser::{Ui, check_phone_usable, scenario};
use tests::{Backend, Options, PASSWORD, TestServer, workspace_root};

async fn open_tab(ui: &Ui, path: &str) -> Result<()> {
    ui.click(&format!("nav.tabs a[href='{path}']")).await?;
    ui.wait(
        &format!("location.pathname === {}", serde_json::to_string(path)?),
        path,
    )
    .await
}

async fn district_sees_the_chart(ui: &Ui) -> Result<()> {
    ui.login("district", PASSWORD).await?;
    ui.wait("location.pathname === '/district'", "the district home")
        .await?;
    open_tab(ui, "/district/dashboard").await?;
    ui.wait(
        "document.querySelectorAll('#chart-schools .chart-row').length === 3 && document.querySelector('#chart-schools .chart-ref')",
        "the per-school chart with the reference line",
    )
    .await?;
    let title = ui.text("#district-dashboard-title").await?;
    if !title.contains("示范区") {
        bail!("the dashboard is titled {title:?}");
    }
    let values: Vec<Option<String>> = ui
        .eval("[...document.querySelectorAll('#chart-schools .chart-row')].map(g => g.dataset.value || null)")
        .await?;
    if values.iter().all(Option::is_none) {
        bail!("no school has a rate: {values:?}");
    }
    check_phone_usable(ui, "district dashboard").await?;
    ui.screenshot_full("insights-district-360x640").await?;
    // A school's summary: per grade, figures only.
    ui.click("#dashboard-schools a.school-summary-link").await?;
    ui.wait(
        "location.pathname.startsWith('/district/schools/') && document.querySelectorAll('#chart-summary-grades .chart-row').length > 0",
        "the school's summary",
    )
    .await?;
    check_phone_usable(ui, "school summary").await?;
    Ok(())
}

const FIRST: &str = "#plan-filings .plan-filing:first-child";

async fn review(ui: &Ui, returned: bool) -> Result<()> {
    ui.login("district", PASSWORD).await?;
    ui.wait("location.pathname === '/district'", "the district home")
        .await?;
    open_tab(ui, "/district/plans").await?;
    ui.wait(
        &format!("document.querySelector('{FIRST} .plan-accept')"),
        "a filed plan",
    )
    .await?;
    check_phone_usable(ui, "plan filings").await?;
    let status = if returned {
        // Returning without a comment is refused on the page.
        ui.click(&format!("{FIRST} .plan-return")).await?;
        ui.wait(
            &format!("document.querySelector('{FIRST} [role=alert]')"),
            "the missing-comment message",
        )
        .await?;
        ui.fill(&format!("{FIRST} textarea"), "请补充家访频次说明")
            .await?;
        ui.click(&format!("{FIRST} .plan-return")).await?;
        "RETURNED"
    } else {
        ui.click(&format!("{FIRST} .plan-accept")).await?;
        "REVIEWED"
    };
    ui.wait(
        &format!("document.querySelector(\"{FIRST} .plan-status[data-status='{status}']\")"),
        status,
    )
    .await?;
    ui.screenshot(&format!("insights-plan-{}", status.to_lowercase()))
        .await?;
    Ok(())
}

async fn school_sees(ui: &Ui, status: &str, comment: Option<&str>) -> Result<()> {
    ui.login("s1.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    // The admin's home: completion rates and the term's chart.
    ui.wait(
        "document.querySelector('#home-dashboard #tile-on-track .tile-figure') && document.querySelector('#home-chart-trend .chart-dot')",
        "the home's rates and chart",
    )
    .await?;
    open_tab(ui, "/school/policy").await?;
    ui.wait(
        &format!(
            "document.querySelector(\"#plan-filing-status .plan-status[data-status='{status}']\")"
        ),
        &format!("the filing {status} on the policy page"),
    )
    .await?;
    if let Some(c) = comment {
        let text = ui.text("#plan-filing-status").await?;
        if !text.contains(c) {
            bail!("the school reads {text:?}, not the comment");
        }
    }
    Ok(())
}

async fn the_school_admin_reads_their_dashboard(ui: &Ui) -> Result<()> {
    ui.login("s1.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    open_tab(ui, "/school/dashboard").await?;
    ui.wait(
        "document.querySelectorAll('#chart-classes .chart-row').length > 0 && document.querySelector('#chart-kinds') && document.querySelector('#chart-mentors')",
        "the school dashboard's charts",
    )
    .await?;
    check_phone_usable(ui, "school dashboard").await?;
    ui.screenshot_full("insights-school-360x640").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn district_reviews_a_plan_and_the_school_sees_it() -> Result<()> {
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
        env: vec![("DAOSHI_SITE_DIR".into(), site.display().to_string())],
        ..Options::new(Backend::Sqlite)
    })
    .await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(
        &ui,
        "insights-district-chart",
        &mut failures,
        async |ui: &Ui| district_sees_the_chart(ui).await,
    )
    .await;
    scenario(
        &ui,
        "insights-school-dashboard",
        &mut failures,
        async |ui: &Ui| the_school_admin_reads_their_dashboard(ui).await,
    )
    .await;
    scenario(
        &ui,
        "insights-plan-review",
        &mut failures,
        async |ui: &Ui| {
            review(ui, true).await?;
            school_sees(ui, "RETURNED", Some("请补充家访频次说明")).await?;
            review(ui, false).await?;
            school_sees(ui, "REVIEWED", None).await
        },
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
