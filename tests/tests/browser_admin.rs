//! Browser tests of the school admin's work on a desktop (1280×800): logins
//! in bulk for the staff and a class's guardians with one-time passwords
//! printed as slips (a page per class), and granting and revoking a role.
//! The real app (`frontend/dist`) against a `daoshi` server with the demo
//! district, in headless Chromium; screenshots go to `test-artifacts/`.

use anyhow::{Context, Result, bail};
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetDeviceMetricsOverrideParams, SetEmulatedMediaParams,
};
use serde_json::json;
use tests::browser::{Ui, scenario};
use tests::mentoring::{LOG, student_of, talk};
use tests::{PASSWORD, error_code};

async fn desktop(ui: &Ui) -> Result<()> {
    ui.page
        .execute(SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false))
        .await?;
    Ok(())
}

async fn no_overflow(ui: &Ui) -> Result<()> {
    let overflow: i64 = ui
        .eval("document.documentElement.scrollWidth - window.innerWidth")
        .await?;
    if overflow > 0 {
        bail!("desktop page is {overflow}px wider than the window");
    }
    Ok(())
}

/// Bulk logins: staff, then one class's guardians; the slips print a page
/// per class with nothing else on it; a slip's password signs in.
async fn admin_makes_logins_in_bulk(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s1.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.tap_link("a[href='/school/accounts']", "/school/accounts", "账号")
        .await?;
    ui.wait("document.querySelector('#bulk-staff')", "the bulk form")
        .await?;
    ui.click("#bulk-staff").await?;
    ui.wait(
        "document.querySelectorAll('#account-slips .slip-group[data-group=\"教职工\"] .slip').length > 0",
        "the staff slips",
    )
    .await?;
    let class = server
        .sql("SELECT name FROM classes WHERE school_id = (SELECT school_id FROM users WHERE username = 's1.admin') ORDER BY name LIMIT 1")?
        .trim()
        .to_string();
    let class_id = server
        .sql(&format!(
            "SELECT {} FROM classes WHERE name = '{class}' AND school_id = (SELECT school_id FROM users WHERE username = 's1.admin')",
            server.uuid_col("id")
        ))?
        .trim()
        .to_string();
    ui.wait(
        "document.querySelector('#bulk-class option')",
        "the classes",
    )
    .await?;
    ui.set_value("#bulk-class", &class_id).await?;
    ui.click("#bulk-guardians").await?;
    let group = format!("#account-slips .slip-group[data-group=\"{class}\"] .slip");
    ui.wait(
        &format!(
            "document.querySelectorAll({}).length > 0",
            serde_json::to_string(&group)?
        ),
        "the class's slips",
    )
    .await?;
    let (user, password): (String, String) = ui
        .eval(&format!(
            "(() => {{ const s = document.querySelector({}); return [s.querySelector('.slip-username').innerText, s.querySelector('.slip-password').innerText]; }})()",
            serde_json::to_string(&group)?
        ))
        .await?;
    no_overflow(ui).await?;
    ui.screenshot("admin-account-slips-1280x800").await?;
    // Printed: only the slips, a page per class.
    ui.page
        .execute(SetEmulatedMediaParams::builder().media("print").build())
        .await?;
    let (form, breaks): (String, String) = ui
        .eval("[getComputedStyle(document.querySelector('#bulk-accounts')).display, getComputedStyle(document.querySelector('.slip-group')).breakAfter]")
        .await?;
    ui.page
        .execute(SetEmulatedMediaParams::builder().media("").build())
        .await?;
    if form != "none" || breaks != "page" {
        bail!("printed: the form shows as {form}, groups break {breaks}");
    }
    let b = server
        .gql(
            None,
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { mustChangePassword user { roles } } }",
            json!({ "u": user.trim(), "p": password.trim() }),
        )
        .await?;
    if b["data"]["login"]["mustChangePassword"] != json!(true)
        || b["data"]["login"]["user"]["roles"] != json!(["PARENT"])
    {
        bail!("the slip does not sign in as a parent with a one-time password: {b}");
    }
    Ok(())
}

/// The admin grants a counsellor role to a teacher's account and revokes it.
async fn admin_grants_and_revokes(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.open("/school/accounts").await?;
    ui.wait("document.querySelector('#role-list li')", "the accounts")
        .await?;
    ui.fill("#roles-filter", "s1.mentor1").await?;
    let row = "#role-list li[data-username='s1.mentor1']";
    ui.set_value(&format!("{row} .grant-role"), "counsellor")
        .await?;
    ui.click(&format!("{row} .grant-add")).await?;
    let chip = format!("{row} .grant[data-role='counsellor']");
    ui.wait(
        &format!("document.querySelector(\"{chip}\")"),
        "the granted role",
    )
    .await?;
    let n = server.sql(
        "SELECT count(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 's1.mentor1' AND g.role = 'counsellor'",
    )?;
    if n.trim() != "1" {
        bail!("the grant was not stored ({n})");
    }
    ui.screenshot("admin-roles-1280x800").await?;
    ui.click(&format!("{chip} .revoke-grant")).await?;
    ui.wait(
        &format!("!document.querySelector(\"{chip}\") && document.querySelector(\"{row}\")"),
        "the role revoked",
    )
    .await?;
    let n = server.sql(
        "SELECT count(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 's1.mentor1' AND g.role = 'counsellor'",
    )?;
    if n.trim() != "0" {
        bail!("the grant was not removed ({n})");
    }
    Ok(())
}

/// A head teacher's application (filed through the API) is approved in the
/// UI with the counsellor as lead; the counsellor then holds a mentor's
/// rights for the student (logs a talk).
async fn admin_approves_a_mentor_team(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let student = student_of(server, "s2.student1").await?;
    let name = server
        .data_as(
            "s2.admin",
            "query($id: ID!) { student(id: $id) { name } }",
            json!({ "id": student }),
        )
        .await?["student"]["name"]
        .as_str()
        .context("student name")?
        .to_string();
    let counsellor = server
        .data_as("s2.counsellor", "{ me { staffId } }", json!({}))
        .await?["me"]["staffId"]
        .as_str()
        .context("counsellor")?
        .to_string();
    let token = server.login("s2.counsellor").await?;
    let before = server
        .gql(
            Some(&token),
            LOG,
            talk("ui-team-before", &student, "团队谈话"),
        )
        .await?;
    if error_code(&before).as_deref() != Some("FORBIDDEN") {
        bail!("the counsellor logs for the student before any team: {before}");
    }
    server
        .data_as(
            "s2.head1",
            "mutation($s: ID!, $m: [ID!]!) { applyForMentorTeam(studentId: $s, reason: \"需要多位老师共同关心\", proposedMemberIds: $m) { id } }",
            json!({ "s": student, "m": [counsellor] }),
        )
        .await?;
    ui.login("s2.admin", PASSWORD).await?;
    ui.wait_home("/school", "学校设置").await?;
    ui.open("/school/matching").await?;
    let row = format!("#team-applications li[data-student='{name}']");
    ui.wait(
        &format!("document.querySelector(\"{row}\")"),
        "the pending application",
    )
    .await?;
    ui.set_value(&format!("{row} .team-lead"), &counsellor)
        .await?;
    ui.fill(&format!("{row} .team-note"), "同意组建").await?;
    ui.click(&format!("{row} .team-approve")).await?;
    ui.wait(
        &format!("!document.querySelector(\"{row}\") && document.querySelector(\"#mentor-teams li[data-student='{name}']\")"),
        "the team formed",
    )
    .await?;
    no_overflow(ui).await?;
    ui.screenshot("admin-team-approved-1280x800").await?;
    let after = server
        .gql(
            Some(&token),
            LOG,
            talk("ui-team-after", &student, "团队谈话"),
        )
        .await?;
    if !after["errors"].is_null() {
        bail!("the team's lead cannot log for the student: {after}");
    }
    Ok(())
}

/// The admin changes a student's mentor mid-year with a reason (refused
/// without one, in the browser), sees the new mentor and the change on the
/// student's audit trail, and ticks a family-situation flag.
async fn admin_changes_a_mentor(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let student = student_of(server, "s2.student1").await?;
    let school = "(SELECT school_id FROM users WHERE username = 's2.admin')";
    let me = "(SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = 's2.student1')";
    let pick = server.sql(&format!(
        "SELECT {}, st.name FROM staff st WHERE st.school_id = {school} \
         AND st.qualification IN ('probation', 'appointed') \
         AND EXISTS (SELECT 1 FROM teaching t JOIN classes c ON c.id = t.class_id WHERE t.staff_id = st.id \
             AND c.grade = (SELECT c2.grade FROM students s2 JOIN classes c2 ON c2.id = s2.class_id WHERE s2.id = {me})) \
         AND st.id NOT IN (SELECT staff_id FROM mentor_assignments WHERE student_id = {me} AND ends_on IS NULL) \
         ORDER BY (SELECT count(*) FROM mentor_assignments m WHERE m.staff_id = st.id AND m.ends_on IS NULL), st.staff_no LIMIT 1",
        server.uuid_col("st.id")
    ))?;
    let (mentor_id, mentor_name) = pick
        .trim()
        .split_once('|')
        .with_context(|| format!("no other mentor: {pick}"))?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelector('#change-mentor-staff option')",
        "the mentor picker",
    )
    .await?;
    ui.set_value("#change-mentor-staff", mentor_id).await?;
    ui.click("#change-mentor-save").await?;
    ui.wait(
        "document.querySelector('#change-mentor [role=alert]')",
        "the reason asked for",
    )
    .await?;
    ui.fill("#change-mentor-reason", "原导师调任，学期中调整")
        .await?;
    ui.click("#change-mentor-save").await?;
    ui.wait(
        "document.querySelector('#change-mentor-done')",
        "the change",
    )
    .await?;
    ui.wait(
        &format!("document.querySelector('#student-card').innerText.includes('{mentor_name}')"),
        "the new mentor on the student",
    )
    .await?;
    ui.wait(
        "document.querySelector(\"#trail-list li[data-action='matching.change_mentor']\") && document.querySelector('#trail-list').innerText.includes('原导师调任')",
        "the change on the trail",
    )
    .await?;
    ui.click("#family-flags input[value='LEFT_BEHIND']").await?;
    ui.click("#sensitive-save").await?;
    ui.wait("document.querySelector('#sensitive-saved')", "saved")
        .await?;
    let flags = server.sql(&format!(
        "SELECT family_flags FROM students WHERE id = {me}"
    ))?;
    if !flags.contains("left_behind") && !flags.contains("LEFT_BEHIND") {
        bail!("the flag was not stored: {flags}");
    }
    no_overflow(ui).await?;
    ui.screenshot("admin-student-1280x800").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_on_a_desktop() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    desktop(&ui).await.context("desktop size")?;
    let mut failures = Vec::new();
    scenario(
        &ui,
        "admin-bulk-accounts",
        &mut failures,
        async |ui: &Ui| admin_makes_logins_in_bulk(ui, &server).await,
    )
    .await;
    scenario(&ui, "admin-roles", &mut failures, async |ui: &Ui| {
        admin_grants_and_revokes(ui, &server).await
    })
    .await;
    scenario(&ui, "admin-team", &mut failures, async |ui: &Ui| {
        admin_approves_a_mentor_team(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "admin-mentor-change",
        &mut failures,
        async |ui: &Ui| admin_changes_a_mentor(ui, &server).await,
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
