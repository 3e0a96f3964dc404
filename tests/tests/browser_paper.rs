//! Browser tests of exports and printable letters (issue 13): the school
//! admin downloads the task-completion export from the page that shows it
//! (desktop), and a parent downloads their child's growth letter on a phone
//! (360×640). Each file is fetched through the link the page shows and read
//! back (xlsx reader, PDF text), so the test proves the whole path: request,
//! background job with progress, short-lived link, file.

use anyhow::{Result, bail, ensure};
use base64::Engine;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use tests::PASSWORD;
use tests::browser::{HEIGHT, Ui, WIDTH, check_phone_usable, scenario};
use tests::paper::{pdf_pages, sheet};

/// Fetches what the link `selector` points at, from inside the page.
async fn fetch_link(ui: &Ui, selector: &str) -> Result<Vec<u8>> {
    let sel = serde_json::to_string(selector)?;
    ui.eval::<bool>(&format!(
        "(() => {{ window.__file = null; fetch(document.querySelector({sel}).href).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => {{ let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); window.__file = btoa(s); }}).catch(e => {{ window.__file = 'ERR' + e; }}); return true; }})()"
    ))
    .await?;
    ui.wait("window.__file", "the file fetched through its link")
        .await?;
    let b64: String = ui.eval("window.__file").await?;
    if let Some(e) = b64.strip_prefix("ERR") {
        bail!("the link answered {e}");
    }
    Ok(base64::engine::general_purpose::STANDARD.decode(b64)?)
}

async fn admin_downloads_task_completion(ui: &Ui) -> Result<()> {
    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.tap_link("a[href='/school/tasks']", "/school/tasks", "任务完成情况")
        .await?;
    ui.wait(
        "document.querySelectorAll('#completion-classes tbody tr').length > 0",
        "the per-class table",
    )
    .await?;
    let page_rows: Vec<Vec<String>> = ui
        .eval("[...document.querySelectorAll('#completion-classes tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))")
        .await?;
    ui.click("#export-tasks").await?;
    ui.wait(
        "document.querySelector('#export-tasks-link')",
        "the download link",
    )
    .await?;
    let name: String = ui
        .eval("document.querySelector('#export-tasks-link').getAttribute('download')")
        .await?;
    ensure!(name.ends_with(".xlsx"), "{name}");
    ui.screenshot("admin-task-export-1280x800").await?;
    let bytes = fetch_link(ui, "#export-tasks-link").await?;
    let (rows, formulas) = sheet(&bytes, "按班级")?;
    ensure!(!formulas, "a formula in the export");
    ensure!(
        rows.len() == 6 + page_rows.len(),
        "{} rows, the page shows {}",
        rows.len() - 6,
        page_rows.len()
    );
    for (x, p) in rows[6..].iter().zip(&page_rows) {
        // Page: name, students, done, open, overdue, rate; sheet: grade, name, students, done, open, overdue.
        ensure!(
            x[1] == p[0] && x[2..6] == p[1..5],
            "sheet {x:?} vs page {p:?}"
        );
    }
    Ok(())
}

async fn parent_downloads_a_growth_letter(ui: &Ui) -> Result<()> {
    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait_home("/parent", "我的孩子").await?;
    ui.wait(
        "document.querySelector('#growth-letters button')",
        "the letter button",
    )
    .await?;
    ui.click("#growth-letters button").await?;
    ui.wait(
        "document.querySelector('#growth-letters a[download]')",
        "the letter's link",
    )
    .await?;
    check_phone_usable(ui, "the parent's letters").await?;
    ui.screenshot("parent-growth-letter-360x640").await?;
    let bytes = fetch_link(ui, "#growth-letters a[download]").await?;
    let text = pdf_pages(&bytes)?.join("\n");
    ensure!(
        text.contains("成长寄语") && text.contains("第 1 页"),
        "{text}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_in_the_browser() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "parent-letter", &mut failures, async |ui: &Ui| {
        parent_downloads_a_growth_letter(ui).await
    })
    .await;
    scenario(&ui, "admin-task-export", &mut failures, async |ui: &Ui| {
        ui.page
            .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
            .await?;
        let r = admin_downloads_task_completion(ui).await;
        ui.page
            .execute(SetDeviceMetricsOverrideParams::new(
                WIDTH as i64,
                HEIGHT as i64,
                2.0,
                true,
            ))
            .await?;
        r
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
