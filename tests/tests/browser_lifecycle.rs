//! Browser tests of the mentor lifecycle and surveys (issue 12): a parent
//! answers a survey on a phone (360×640) from their home; the school admin
//! runs a term's assessment on a desktop (1280×800), adjusts one rating with
//! a reason, publishes and exports it; the mentor then reads their result
//! with its explanation on the phone (导师成长轨迹). The real app
//! (`frontend/dist`) against a `daoshi` server with the demo district, in
//! headless Chromium; screenshots go to `test-artifacts/`.

use anyhow::{Context, Result, bail};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use serde_json::json;
use tests::PASSWORD;
use tests::browser::{HEIGHT, Ui, WIDTH, check_phone_usable, scenario};

const CREATE: &str = "mutation($t: ID!) { createSurvey(termId: $t, title: \"期末家长满意度调查\", audience: PARENTS, anonymous: true, questions: [{ kind: SINGLE_CHOICE, prompt: \"孩子愿意与导师交流吗？\", options: [\"愿意\", \"一般\", \"不愿意\"] }, { kind: SCALE, prompt: \"您对孩子导师的满意度\", aboutMentor: true }, { kind: TEXT, prompt: \"您的建议\" }]) { id } }";

async fn parent_answers_a_survey(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let d = server
        .data_as("s2.admin", "{ terms { id startsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let term = terms.first().context("a term")?["id"].clone();
    let d = server
        .data_as("s2.admin", CREATE, json!({ "t": term }))
        .await?;
    let id = d["createSurvey"]["id"]
        .as_str()
        .context("survey")?
        .to_string();

    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait_home("/parent", "我的孩子").await?;
    ui.tap_link("#surveys-link", "/surveys", "问卷调查").await?;
    let form = format!("#survey-{id}");
    ui.wait(
        &format!("document.querySelector('{form}')"),
        "the survey form",
    )
    .await?;
    check_phone_usable(ui, "the survey page").await?;
    ui.click(&format!("{form} input[name='s{id}-q0'][value='0']"))
        .await?;
    ui.click(&format!("{form} input[name='s{id}-q1'][value='5']"))
        .await?;
    ui.fill(&format!("#s{id}-q2"), "导师每周都和孩子谈心，很用心")
        .await?;
    ui.screenshot("parent-survey-360x640").await?;
    ui.click(&format!("#submit-{id}")).await?;
    ui.wait(
        "document.body.innerText.includes('已提交，谢谢您的反馈')",
        "the thank-you note",
    )
    .await?;
    let n = server.sql(&format!(
        "SELECT count(*) FROM survey_answers WHERE survey_id = {} AND respondent_id IS NULL",
        server.uuid_lit(&id)
    ))?;
    if n.trim() != "1" {
        bail!("{n} anonymous answers stored");
    }
    // Reloaded, the survey stays answered.
    ui.open("/surveys").await?;
    ui.wait(
        "document.body.innerText.includes('已提交，谢谢您的反馈')",
        "the answered survey",
    )
    .await?;
    Ok(())
}

async fn admin_runs_and_publishes(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let mentor_name = server
        .sql("SELECT staff.name FROM staff JOIN users ON staff.user_id = users.id WHERE users.username = 's2.mentor1'")?
        .trim()
        .to_string();
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
        .await?;
    let result = async {
        ui.login("s2.admin", PASSWORD).await?;
        ui.wait_home("/school", "学校设置").await?;
        ui.tap_link("a[href='/school/assessment']", "/school/assessment", "导师考核").await?;
        ui.wait("document.querySelector('#assessment-run') || document.querySelector('#assessment-counts')", "the run button").await?;
        if ui.eval::<bool>("!!document.querySelector('#assessment-run')").await? {
            ui.click("#assessment-run").await?;
        }
        ui.wait("document.querySelector('#assessment-counts')", "the results").await?;
        let row = format!("#assessment-results tr.result[data-name='{mentor_name}']");
        ui.wait(&format!("document.querySelector(\"{row}\")"), "the mentor's row").await?;
        ui.click(&format!("{row} button.adjust")).await?;
        ui.wait("document.querySelector('.adjust-form')", "the adjust form").await?;
        ui.set_value(".adjust-form .adjust-rating", "NEEDS_IMPROVEMENT").await?;
        ui.fill(".adjust-form .adjust-reason", "本学期家访记录不完整").await?;
        ui.click(".adjust-form .adjust-save").await?;
        ui.wait(
            "document.querySelector('#assessment-results').innerText.includes('学校调整：本学期家访记录不完整')",
            "the adjusted row",
        )
        .await?;
        ui.click("#assessment-publish").await?;
        ui.wait("document.querySelector('#assessment-published')", "published").await?;
        ui.click("#assessment-export").await?;
        ui.wait(
            "document.querySelector('#assessment-export-link') && document.querySelector('#assessment-export-link').getAttribute('download').endsWith('.xlsx') && document.querySelector('#assessment-export-link').href.includes('/files/')",
            "the xlsx link",
        )
        .await?;
        let overflow: i64 = ui
            .eval("document.documentElement.scrollWidth - window.innerWidth")
            .await?;
        if overflow > 0 {
            bail!("desktop page is {overflow}px wider than the window");
        }
        ui.screenshot("admin-assessment-1280x800").await?;
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

    // The mentor reads their own result and why, on the phone.
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.tap_link("#my-record-link", "/mentor/record", "导师成长轨迹")
        .await?;
    ui.wait(
        "document.querySelector('#my-record') && document.querySelector('#my-record').innerText.includes('待改善') && document.querySelector('#my-record').innerText.includes('学校调整：本学期家访记录不完整') && document.querySelector('#my-record').innerText.includes('任务完成')",
        "the mentor's result with explanations",
    )
    .await?;
    check_phone_usable(ui, "the mentor's record").await?;
    ui.screenshot("mentor-record-360x640").await?;
    Ok(())
}

async fn admin_builds_a_survey(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
        .await?;
    let result: Result<()> = async {
        ui.login("s2.admin", PASSWORD).await?;
        ui.wait_home("/school", "学校设置").await?;
        ui.tap_link("a[href='/school/surveys']", "/school/surveys", "问卷调查")
            .await?;
        ui.fill("#survey-title", "学生心声（十二月）").await?;
        ui.set_value("#survey-audience", "STUDENTS").await?;
        ui.fill("#draft-0 .draft-prompt", "你喜欢和导师谈心吗？").await?;
        ui.click("#draft-0 .draft-about").await?;
        ui.click("#add-question").await?;
        ui.wait("document.querySelector('#draft-1')", "a second question").await?;
        ui.set_value("#draft-1 .draft-kind", "SINGLE_CHOICE").await?;
        ui.wait("document.querySelector('#draft-1 .draft-options')", "the options field").await?;
        ui.fill("#draft-1 .draft-prompt", "每月谈心几次？").await?;
        ui.fill("#draft-1 .draft-options", "一次，两次、三次以上").await?;
        ui.click("#create-survey").await?;
        ui.wait(
            "document.querySelector('#admin-surveys') && document.querySelector('#admin-surveys').innerText.includes('学生心声（十二月）')",
            "the new survey in the list",
        )
        .await?;
        ui.click("#admin-surveys .admin-survey .show-results").await?;
        ui.wait("document.querySelector('.survey-suppressed')", "results suppressed for a small group").await?;
        ui.screenshot("admin-surveys-1280x800").await?;
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
    let stored = server.sql(
        "SELECT questions FROM surveys WHERE title = '学生心声（十二月）' AND audience = 'STUDENTS' AND anonymous",
    )?;
    if !stored.contains("\"about_mentor\":true") || !stored.contains("三次以上") {
        bail!("the survey was not stored as built: {stored}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_in_the_browser() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "parent-survey", &mut failures, async |ui: &Ui| {
        parent_answers_a_survey(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "admin-survey-builder",
        &mut failures,
        async |ui: &Ui| admin_builds_a_survey(ui, &server).await,
    )
    .await;
    scenario(&ui, "admin-assessment", &mut failures, async |ui: &Ui| {
        admin_runs_and_publishes(ui, &server).await
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
