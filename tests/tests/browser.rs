//! Browser tests: the real app (the wasm build in `frontend/dist`) served by
//! a `daoshi` server with the demo district, driven in headless Chromium at
//! phone size (360×640) over the DevTools protocol.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`) and a built frontend
//! (`scripts/build-frontend.sh`). Screenshots go to `test-artifacts/`: one of
//! the mentor home always, and one of the page at the moment any step fails.

use anyhow::{Context, Result, bail};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use tests::PASSWORD;
use tests::browser::{HEIGHT, Ui, WIDTH, check_phone_usable, scenario};

async fn wrong_password(ui: &Ui) -> Result<()> {
    ui.login("s2.mentor1", "not-the-password").await?;
    ui.wait("document.querySelector('#login-error')", "the login error")
        .await?;
    let msg = ui.text("#login-error").await?;
    if !msg.contains("用户名或密码错误") {
        bail!("unexpected login error: {msg}");
    }
    let path: String = ui.eval("location.pathname").await?;
    if path != "/login" {
        bail!("left the login page after a wrong password: {path}");
    }
    Ok(())
}

async fn mentor_home(ui: &Ui) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelectorAll('#student-list li').length > 0",
        "the mentor's students",
    )
    .await?;
    let lang: String = ui.eval("document.documentElement.lang").await?;
    if lang != "zh-CN" {
        bail!("page language is {lang}, expected zh-CN");
    }
    let count = ui.text("#student-count").await?;
    if !count.contains("名学生") {
        bail!("student count line reads {count:?}");
    }
    let first = ui.text("#student-list li").await?;
    if first.trim().is_empty() {
        bail!("first student row is empty");
    }
    ui.screenshot("mentor-home-360x640").await?;
    // Usable at 360 px: nothing scrolls sideways, every control is a 44 px target
    // and has an accessible name.
    let overflow: i64 = ui
        .eval("document.documentElement.scrollWidth - window.innerWidth")
        .await?;
    if overflow > 0 {
        bail!("page is {overflow}px wider than the 360px viewport");
    }
    let small: Vec<String> = ui
        .eval(
            "[...document.querySelectorAll('button, a, input, select')]
               .filter(e => e.offsetParent !== null)
               .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44; })
               .map(e => e.outerHTML.slice(0, 80))",
        )
        .await?;
    if !small.is_empty() {
        bail!("tap targets under 44px: {small:?}");
    }
    let unnamed: Vec<String> = ui
        .eval(
            "[...document.querySelectorAll('button, a, input, select')]
               .filter(e => e.offsetParent !== null)
               .filter(e => !(e.innerText || '').trim() && !e.getAttribute('aria-label')
                            && !(e.id && document.querySelector(`label[for='${e.id}']`))
                            && !e.closest('label'))
               .map(e => e.outerHTML.slice(0, 80))",
        )
        .await?;
    if !unnamed.is_empty() {
        bail!("controls without an accessible name: {unnamed:?}");
    }
    // Opening a student shows their page.
    ui.click("#student-list li a").await?;
    ui.wait_home_prefix("/students/", "学生信息").await?;
    // The parents' numbers come on request (an audited read), ready to call.
    ui.click("#show-guardians").await?;
    ui.wait(
        "document.querySelector('#guardians a[href^=\"tel:\"]')",
        "the guardians' phone numbers",
    )
    .await?;
    Ok(())
}

async fn mentor_sees_tasks(ui: &Ui) -> Result<()> {
    // Continues signed in as s2.mentor1: every student on the home shows
    // what is overdue and what is due next this term.
    ui.open("/mentor").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelectorAll('#student-list li').length > 0",
        "the mentor's students with tasks",
    )
    .await?;
    let rows: Vec<String> = ui
        .eval("[...document.querySelectorAll('#student-list li')].map(li => li.innerText)")
        .await?;
    let without: Vec<&String> = rows
        .iter()
        .filter(|r| !(r.contains("下一项") || r.contains("临近截止") || r.contains("逾期")))
        .collect();
    if !without.is_empty() {
        bail!("students without their due or overdue tasks: {without:?}");
    }
    let term: String = ui.text(".tasks-term").await?;
    if !term.contains("截至") {
        bail!("the term line reads {term:?}");
    }
    ui.screenshot("mentor-tasks-360x640").await?;
    check_phone_usable(ui, "mentor home with tasks").await?;
    // The task list across students.
    ui.click("nav.tabs a[href='/tasks']").await?;
    ui.wait_home("/tasks", "本学期任务").await?;
    ui.wait(
        "document.querySelectorAll('#due-list li, #overdue-list li, #later-list li').length > 0",
        "the term's task list",
    )
    .await?;
    // A student's page lists every requirement with its status.
    ui.open("/mentor").await?;
    ui.wait(
        "document.querySelectorAll('#student-list li a').length > 0",
        "the students",
    )
    .await?;
    ui.click("#student-list li a").await?;
    ui.wait_home_prefix("/students/", "学生信息").await?;
    ui.wait(
        "document.querySelectorAll('#student-tasks .req').length > 0",
        "the student's requirements",
    )
    .await?;
    Ok(())
}

async fn admin_edits_policy(ui: &Ui) -> Result<()> {
    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.click("nav.tabs a[href='/school/policy']").await?;
    ui.wait_home("/school/policy", "学校方案").await?;
    ui.wait(
        "document.querySelector('#policy-current-version')",
        "the current version",
    )
    .await?;
    let before = ui.text("#policy-current-version").await?;
    let n: i64 = before
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .with_context(|| format!("version line {before:?}"))?;
    ui.click("#policy-edit").await?;
    ui.wait(
        "document.querySelector('#ratio-grade-7')",
        "the policy form",
    )
    .await?;
    // Grade 7 at 1:16 is above the district's 1:15: said at once, in Chinese,
    // under the field, and the form cannot be saved.
    ui.set_value("#ratio-grade-7", "16").await?;
    ui.wait(
        "document.querySelector('#ratio-grade-7-error .field-error')",
        "the grade 7 ratio error",
    )
    .await?;
    let err = ui.text("#ratio-grade-7-error").await?;
    if !(err.contains("1:16") && err.contains("1:15") && err.contains("区基线")) {
        bail!("unexpected ratio error: {err:?}");
    }
    let invalid: String = ui
        .eval("document.querySelector('#ratio-grade-7').getAttribute('aria-invalid')")
        .await?;
    if invalid != "true" {
        bail!("the field is not marked invalid: {invalid}");
    }
    let disabled: bool = ui
        .eval("document.querySelector('#policy-save').disabled")
        .await?;
    if !disabled {
        bail!("an invalid policy can be saved");
    }
    ui.scroll_to("#ratio-grade-7").await?;
    ui.screenshot("policy-validation-error-360x640").await?;
    check_phone_usable(ui, "policy form").await?;
    // The "due soon" horizon is checked by the same rules: 200 days is
    // refused under the field; 10 is fine.
    ui.set_value("#due-soon-days", "200").await?;
    ui.wait(
        "document.querySelector('#due-soon-days-error .field-error')",
        "the due-soon horizon error",
    )
    .await?;
    let err = ui.text("#due-soon-days-error").await?;
    if !err.contains("1–120") {
        bail!("unexpected due-soon error: {err:?}");
    }
    ui.set_value("#due-soon-days", "10").await?;
    // A valid change: grade 7 at 1:14, and one more talk a term.
    ui.set_value("#ratio-grade-7", "14").await?;
    let talks: String = ui.eval("document.querySelector('#talks').value").await?;
    let talks: u32 = talks.trim().parse().unwrap_or(0) + 1;
    ui.set_value("#talks", &talks.to_string()).await?;
    ui.wait(
        "document.querySelector('#policy-valid')",
        "the policy to validate",
    )
    .await?;
    // The server's validateSchoolPolicy agrees, as the draft is edited.
    ui.wait(
        "document.querySelector('#policy-server-ok')",
        "the server's check of the draft",
    )
    .await?;
    let diff = ui.text("#policy-diff").await?;
    if !(diff.contains("7年级") && diff.contains("14")) {
        bail!("the diff does not show the grade 7 change: {diff:?}");
    }
    ui.scroll_to("#policy-diff").await?;
    ui.screenshot("policy-diff-360x640").await?;
    ui.screenshot_full("policy-form-full-360").await?;
    ui.click("#policy-save").await?;
    let expected = format!("第 {} 版", n + 1);
    ui.wait(
        &format!(
            "document.querySelector('#policy-saved') && document.querySelector('#policy-current-version') && document.querySelector('#policy-current-version').innerText.trim() === {}",
            serde_json::to_string(&expected)?
        ),
        "the saved version as the current one",
    )
    .await?;
    let history: i64 = ui
        .eval("document.querySelectorAll('#policy-history li.version').length")
        .await?;
    if history < n + 1 {
        bail!("history lists {history} versions, expected {}", n + 1);
    }
    ui.screenshot("policy-saved-360x640").await?;
    // The same page in English.
    ui.click("#lang-switch").await?;
    ui.wait_home("/school/policy", "School policy").await?;
    let en = ui.text("#policy-current-version").await?;
    if en.trim() != format!("Version {}", n + 1) {
        bail!("English version line reads {en:?}");
    }
    ui.click("#lang-switch").await?;
    ui.wait_home("/school/policy", "学校方案").await?;
    // The calendar lists the term's key exams; a new one can be added.
    ui.wait(
        "document.querySelectorAll('#event-list li').length > 0",
        "the key exams",
    )
    .await?;
    let exams: i64 = ui
        .eval("document.querySelectorAll('#event-list li').length")
        .await?;
    ui.fill("#event-name", "月考").await?;
    let day: String = ui
        .eval(
            "(() => { const d = new Date(); d.setDate(d.getDate() + 7); return d.toISOString().slice(0, 10); })()",
        )
        .await?;
    ui.set_value("#event-date", &day).await?;
    ui.set_value("#event-grades", "7").await?;
    ui.click("#event-add").await?;
    ui.wait(
        &format!(
            "document.querySelectorAll('#event-list li').length === {}",
            exams + 1
        ),
        "the new exam in the calendar",
    )
    .await?;
    Ok(())
}

async fn district_baseline_and_counts(ui: &Ui) -> Result<()> {
    ui.login("district", PASSWORD).await?;
    ui.wait_home("/district", "全区学校概览").await?;
    ui.click("nav.tabs a[href='/district/baseline']").await?;
    ui.wait_home("/district/baseline", "区基线").await?;
    ui.wait(
        "document.querySelector('#baseline-current-version')",
        "the baseline's version",
    )
    .await?;
    ui.click("#baseline-edit").await?;
    ui.wait(
        "document.querySelector('#ratio-default')",
        "the baseline form",
    )
    .await?;
    ui.wait(
        "document.querySelector('#policy-valid')",
        "the baseline to validate",
    )
    .await?;
    ui.click("nav.tabs a[href='/district/supervision']").await?;
    ui.wait_home("/district/supervision", "督导").await?;
    ui.wait(
        "document.querySelectorAll('#school-task-counts .school-counts').length === 3",
        "each school's task counts",
    )
    .await?;
    let names: String = ui.text("#school-task-counts").await?;
    if names.contains("学号") {
        bail!("the district sees student-level data: {names}");
    }
    ui.screenshot("district-task-counts-360x640").await?;
    Ok(())
}

async fn desktop_layout(ui: &Ui) -> Result<()> {
    // Continues signed in as s2.mentor1; the same page on a 1280×800 desktop.
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
        .await?;
    let result = async {
        ui.open("/mentor").await?;
        ui.wait_home("/mentor", "我的学生").await?;
        ui.wait(
            "document.querySelectorAll('#student-list li').length > 0",
            "the students",
        )
        .await?;
        let overflow: i64 = ui
            .eval("document.documentElement.scrollWidth - window.innerWidth")
            .await?;
        if overflow > 0 {
            bail!("desktop page is {overflow}px wider than the window");
        }
        ui.screenshot("mentor-home-1280x800").await?;
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
    result
}

async fn switch_language(ui: &Ui) -> Result<()> {
    // Continues signed in as s2.mentor1.
    ui.open("/mentor").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.click("#lang-switch").await?;
    ui.wait_home("/mentor", "My students").await?;
    ui.wait("document.documentElement.lang === 'en'", "<html lang=en>")
        .await?;
    ui.wait(
        "document.querySelectorAll('#student-list li').length > 0",
        "the students",
    )
    .await?;
    ui.screenshot("mentor-home-en-360x640").await?;
    // Remembered across a reload.
    ui.open("/mentor").await?;
    ui.wait_home("/mentor", "My students").await?;
    ui.click("#lang-switch").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    Ok(())
}

const BAD_ROSTER: &str = "姓名,学号,班级,性别\n\
张三,12,初一(1)班,男\n\
李四,2024@01,初一(1)班,女\n\
王五,20249001,不存在的班级,男\n\
赵六,20249002,初一(1)班,未知\n\
赵六,20249002,初一(1)班,未知\n";

async fn admin_bad_roster(ui: &Ui) -> Result<()> {
    // Sign out through the UI first.
    ui.open("/").await?;
    ui.wait("document.querySelector('#logout')", "the logout button")
        .await?;
    ui.click("#logout").await?;
    ui.wait(
        "document.querySelector('#login-notice')",
        "the signed-out notice",
    )
    .await?;

    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    // Import is one of the setup steps (the tabs hold the policy instead);
    // tapped once the terms above it have loaded and the list stays put.
    ui.wait(
        "document.querySelector('#terms .term') && !document.querySelector('.content [role=status]')",
        "the setup page to load",
    )
    .await?;
    ui.click("ul.steps a[href='/school/import']").await?;
    ui.wait_home("/school/import", "导入名册").await?;
    // Put a file in the input as a user picking one would.
    ui.eval::<bool>(&format!(
        "(() => {{
            const dt = new DataTransfer();
            dt.items.add(new File([{}], 'bad-roster.csv', {{ type: 'text/csv' }}));
            const input = document.querySelector('#import-file');
            input.files = dt.files;
            input.dispatchEvent(new Event('change', {{ bubbles: true }}));
            return true;
        }})()",
        serde_json::to_string(BAD_ROSTER)?
    ))
    .await?;
    ui.click("#import-submit").await?;
    ui.wait(
        "document.querySelectorAll('#import-errors tbody tr').length > 0",
        "the rejected rows",
    )
    .await?;
    let rows: Vec<Vec<String>> = ui
        .eval(
            "[...document.querySelectorAll('#import-errors tbody tr')]
               .map(tr => [...tr.cells].map(td => td.innerText.trim()))",
        )
        .await?;
    if rows.len() < 3 {
        bail!("expected every bad row listed, got {rows:?}");
    }
    if !rows
        .iter()
        .all(|r| r.len() == 3 && !r[0].is_empty() && !r[2].is_empty())
    {
        bail!("rows without a row number or reason: {rows:?}");
    }
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if !rows.iter().all(|r| chinese(&r[2])) {
        bail!("reasons not in Chinese: {rows:?}");
    }
    ui.screenshot("admin-import-errors-360x640").await?;
    Ok(())
}

async fn head_teacher_switches_role(ui: &Ui) -> Result<()> {
    ui.login("s2.head1", PASSWORD).await?;
    ui.wait_home("/class", "我的班级").await?;
    // The class's task status: each student with what is due or overdue.
    ui.wait(
        "document.querySelectorAll('#class-task-list li').length > 0 && document.querySelector('#class-tasks table')",
        "the class's task status",
    )
    .await?;
    ui.wait(
        "document.querySelector('#role-switch')",
        "the role switcher",
    )
    .await?;
    ui.eval::<bool>(
        "(() => { const s = document.querySelector('#role-switch'); s.value = 'mentor';
                  s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()",
    )
    .await?;
    ui.wait_home("/mentor", "我的学生").await?;
    // The choice survives a reload, without signing in again.
    ui.open("/").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    Ok(())
}

async fn admin_edits_classes(ui: &Ui) -> Result<()> {
    // Continues signed in as s2.admin.
    ui.open("/school/classes").await?;
    ui.wait_home("/school/classes", "班级").await?;
    ui.wait(
        "document.querySelector('#add-class')",
        "the add-class button",
    )
    .await?;
    ui.click("#add-class").await?;
    ui.fill("#class-name", "七年级(9)班").await?;
    ui.fill("#class-grade", "7").await?;
    ui.click("#class-form button[type=submit]").await?;
    ui.wait(
        "[...document.querySelectorAll('#class-list .name')].some(e => e.innerText === '七年级(9)班')",
        "the new class in the list",
    )
    .await?;
    // A duplicate name is refused with the server's reason.
    ui.click("#add-class").await?;
    ui.fill("#class-name", "七年级(9)班").await?;
    ui.fill("#class-grade", "7").await?;
    ui.click("#class-form button[type=submit]").await?;
    ui.wait(
        "document.querySelector('#class-form .error')",
        "the duplicate-class error",
    )
    .await?;
    Ok(())
}

async fn session_renewal(ui: &Ui) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    // A stale access token is renewed once with the refresh token, unnoticed.
    ui.eval::<bool>("(localStorage.setItem('daoshi.access', 'stale.access.token'), true)")
        .await?;
    ui.open("/mentor").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.wait(
        "document.querySelectorAll('#student-list li').length > 0",
        "the students after renewal",
    )
    .await?;
    let access: String = ui
        .eval("localStorage.getItem('daoshi.access') || ''")
        .await?;
    if access == "stale.access.token" || access.is_empty() {
        bail!("the access token was not renewed");
    }
    // When renewal fails the user is back at the login page, told why.
    ui.eval::<bool>(
        "(localStorage.setItem('daoshi.access', 'stale'), localStorage.setItem('daoshi.refresh', 'revoked'), true)",
    )
    .await?;
    ui.open("/mentor").await?;
    ui.wait(
        "location.pathname === '/login' && document.querySelector('#login-notice')",
        "the login page after the session ended",
    )
    .await?;
    let notice = ui.text("#login-notice").await?;
    if !notice.contains("登录已过期") {
        bail!("unexpected notice: {notice}");
    }
    Ok(())
}

async fn every_account_lands_home(ui: &Ui) -> Result<()> {
    // (account, home path, heading, what the home must show)
    let mut accounts = vec![(
        "district".to_string(),
        "/district",
        "全区学校概览",
        "document.querySelectorAll('#school-list li').length === 3",
    )];
    for k in 1..=3 {
        let homes = [
            (
                "admin",
                "/school",
                "学校设置",
                "document.querySelector('#terms')",
            ),
            (
                "head1",
                "/class",
                "我的班级",
                "document.querySelectorAll('#class-list li').length === 1 && document.querySelectorAll('#class-task-list li').length > 0",
            ),
            (
                "mentor1",
                "/mentor",
                "我的学生",
                "document.querySelectorAll('#student-list li').length > 0",
            ),
            (
                "counsellor",
                "/counsellor",
                "心理辅导工作台",
                "document.querySelector('#care-alerts') && document.querySelectorAll('.case-card').length > 0",
            ),
            (
                "parent1",
                "/parent",
                "我的孩子",
                "document.querySelectorAll('.student-card').length > 0",
            ),
            (
                "student1",
                "/student",
                "我的导师",
                "document.querySelectorAll('.student-card').length === 1",
            ),
        ];
        for (who, path, title, shows) in homes {
            accounts.push((format!("s{k}.{who}"), path, title, shows));
        }
    }
    for (user, path, title, shows) in accounts {
        ui.login(&user, PASSWORD).await?;
        ui.wait_home(path, title)
            .await
            .with_context(|| format!("{user}'s home"))?;
        ui.wait(shows, &format!("{user}'s home content")).await?;
        // Nothing on the home failed to load.
        ui.wait(
            "!document.querySelector('.content [role=status]')",
            &format!("{user}'s home to finish loading"),
        )
        .await?;
        let errors = ui.text(".content .error").await?;
        if !errors.is_empty() {
            bail!("{user}'s home shows an error: {errors}");
        }
        if user == "district" || user.starts_with("s2.") {
            ui.screenshot(&format!("home-{user}-360x640")).await?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_works_on_a_phone() -> Result<()> {
    let dist = tests::workspace_root().join("frontend/dist/pkg/app_bg.wasm");
    if !dist.exists() {
        bail!(
            "{} is missing: run scripts/build-frontend.sh first",
            dist.display()
        );
    }
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "wrong-password", &mut failures, wrong_password).await;
    scenario(&ui, "mentor-home", &mut failures, mentor_home).await;
    scenario(&ui, "mentor-sees-tasks", &mut failures, mentor_sees_tasks).await;
    scenario(&ui, "desktop-layout", &mut failures, desktop_layout).await;
    scenario(&ui, "switch-language", &mut failures, switch_language).await;
    scenario(&ui, "admin-bad-roster", &mut failures, admin_bad_roster).await;
    scenario(
        &ui,
        "admin-edits-classes",
        &mut failures,
        admin_edits_classes,
    )
    .await;
    scenario(&ui, "admin-edits-policy", &mut failures, admin_edits_policy).await;
    scenario(
        &ui,
        "district-baseline-and-counts",
        &mut failures,
        district_baseline_and_counts,
    )
    .await;
    scenario(&ui, "session-renewal", &mut failures, session_renewal).await;
    scenario(
        &ui,
        "head-teacher-switches-role",
        &mut failures,
        head_teacher_switches_role,
    )
    .await;
    scenario(
        &ui,
        "every-account-lands-home",
        &mut failures,
        every_account_lands_home,
    )
    .await;
    ui.close().await;
    drop(server);
    if !failures.is_empty() {
        bail!("browser scenarios failed:\n{}", failures.join("\n"));
    }
    Ok(())
}
