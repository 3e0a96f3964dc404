//! The screens of issue 15 on a phone (360×640): the mentor records a
//! school optional action (自选动作) as a group activity, a joint home visit
//! with the head teacher, amends an entry (its history shown), keeps the
//! growth file (a monthly observation, an exam result seen only as the
//! school's band) and sees the home–school contacts; the grade leader
//! returns a growth message with a comment and approves it once revised.

use anyhow::{Result, bail};
use serde_json::json;
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable, scenario};

/// The mentor's students in the quick log's list: (id, name).
async fn log_students(ui: &Ui) -> Result<Vec<String>> {
    ui.wait(
        "document.querySelectorAll('#log-student option').length > 2",
        "the quick log's students",
    )
    .await?;
    ui.eval(
        "[...document.querySelectorAll('#log-student option')].map(o => o.value).filter(v => v)",
    )
    .await
}

async fn mentor_logs_group_and_joint_work(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    let ids = log_students(ui).await?;
    let (first, second) = (ids[0].clone(), ids[1].clone());

    // 自选动作 from the school's menu, with two students at once.
    ui.set_value("#log-student", &first).await?;
    ui.wait(
        "document.querySelector(\"input[name=log-kind][value=OPTIONAL_ACTION]\")",
        "the optional-action kind (the school has a menu)",
    )
    .await?;
    ui.tap("input[name=log-kind][value=OPTIONAL_ACTION]")
        .await?;
    ui.wait("document.querySelector('#log-action')", "the school's menu")
        .await?;
    let menu: Vec<String> = ui
        .eval("[...document.querySelectorAll('#log-action option')].map(o => o.innerText)")
        .await?;
    if !menu.iter().any(|m| m.contains("共进一次午餐")) {
        bail!("the menu is not the school's: {menu:?}");
    }
    // Saving without an item says so and records nothing.
    ui.tap("#log-save").await?;
    ui.wait(
        "document.querySelector('#quick-log .error') && document.querySelector('#quick-log .error').innerText.includes('自选动作')",
        "the missing menu item",
    )
    .await?;
    ui.set_value("#log-action", "lunch").await?;
    ui.tap("#log-group summary").await?;
    ui.tap(&format!("#log-group input[data-student='{second}']"))
        .await?;
    ui.scroll_to("#quick-log").await?;
    ui.screenshot("screens-optional-action-group-360x640")
        .await?;
    check_phone_usable(ui, "quick log with a group").await?;
    ui.tap("#log-save").await?;
    ui.wait(
        "document.querySelector('#log-note') && document.querySelector('#log-note').innerText.includes('已记录')",
        "the group activity recorded",
    )
    .await?;

    // A joint home visit with the head teacher.
    ui.set_value("#log-student", &first).await?;
    ui.tap("input[name=log-kind][value=HOME_VISIT]").await?;
    ui.set_value("#log-channel", "HOME").await?;
    ui.tap("#log-with-head").await?;
    ui.tap("#log-save").await?;
    ui.wait(
        "document.querySelector('#log-note') && document.querySelector('#log-note').innerText.includes('已记录')",
        "the joint home visit recorded",
    )
    .await?;

    let d = server
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { activities(studentId: $s, first: 10) { edges { node { kind optionalAction withHeadTeacher students { id } } } } }",
            json!({ "s": first }),
        )
        .await?;
    let nodes = d["activities"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let group = nodes
        .iter()
        .find(|n| n["node"]["optionalAction"] == json!("lunch"));
    match group {
        Some(g) if g["node"]["students"].as_array().map(Vec::len) == Some(2) => {}
        _ => bail!("no group optional action for two students: {d}"),
    }
    if !nodes.iter().any(|n| {
        n["node"]["kind"] == json!("HOME_VISIT") && n["node"]["withHeadTeacher"] == json!(true)
    }) {
        bail!("no joint home visit: {d}");
    }
    // The optional-action task of the first student counts the lunch.
    let t = server
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { studentTasks(studentId: $s) { students { requirements { kind counted } } } }",
            json!({ "s": first }),
        )
        .await?;
    let counted = t["studentTasks"]["students"][0]["requirements"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["kind"] == json!("OPTIONAL_ACTIONS")))
        .and_then(|r| r["counted"].as_i64());
    if counted.unwrap_or(0) < 1 {
        bail!("the optional-action task does not count the lunch: {t}");
    }

    // On the student's page: the entry with its menu label and students;
    // amended within the grace period, the history shown.
    ui.open(&format!("/students/{first}")).await?;
    ui.wait(
        "[...document.querySelectorAll('#activity-list .activity')].some(li => li.innerText.includes('共进一次午餐'))",
        "the optional action with its menu label",
    )
    .await?;
    ui.tap("#activity-list .amend-open").await?;
    ui.wait("document.querySelector('.amend-form')", "the amend form")
        .await?;
    ui.set_value(".amend-summary", "与家长商量了寒假作息安排")
        .await?;
    ui.tap(".amend-save").await?;
    ui.wait(
        "document.querySelector('.amend-form .error')",
        "the missing reason",
    )
    .await?;
    ui.set_value(".amend-reason", "补充谈话内容").await?;
    ui.tap(".amend-save").await?;
    ui.wait(
        "document.querySelector('#activity-list .amendments') && document.querySelector('#activity-list .amendments').innerText.includes('修改记录')",
        "the amendment history",
    )
    .await?;
    ui.tap("#activity-list .amendments summary").await?;
    let history = ui.text("#activity-list .amendments").await?;
    if !history.contains("补充谈话内容") {
        bail!("the history does not show the reason: {history:?}");
    }
    ui.scroll_to("#activity-list .amendments").await?;
    ui.screenshot("screens-amend-history-360x640").await?;
    check_phone_usable(ui, "amended activity").await?;

    // Home–school contacts: the joint home visit counts.
    ui.wait(
        "document.querySelector('#contact-total')",
        "the home–school contacts",
    )
    .await?;
    Ok(())
}

async fn mentor_keeps_the_growth_file(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    let ids = log_students(ui).await?;
    let student = ids[0].clone();
    ui.open(&format!("/students/{student}")).await?;
    ui.wait("document.querySelector('#student-card')", "the student")
        .await?;
    let placeholder: bool = ui
        .eval("document.body.innerText.includes('即将上线')")
        .await?;
    if placeholder {
        bail!("the student page still shows a coming-soon card");
    }
    ui.tap("#show-growth-file").await?;
    ui.wait(
        "document.querySelector('#band-scale') && document.querySelector('#note-form')",
        "the growth file",
    )
    .await?;
    let scale = ui.text("#band-scale").await?;
    if !(scale.contains("百分比区间") && scale.contains("80%–89%")) {
        bail!("the school's scale is not shown: {scale:?}");
    }
    // A monthly observation.
    ui.set_value("#note-body", "本月主动在课上发言三次").await?;
    ui.tap("#note-save").await?;
    ui.wait(
        "document.querySelector('[data-section=MONTHLY]') && document.querySelector('[data-section=MONTHLY]').innerText.includes('本月主动在课上发言三次')",
        "the monthly observation in the file",
    )
    .await?;
    // An exam result: answered and listed only as the band.
    ui.set_value("#exam-subject", "数学").await?;
    ui.set_value("#exam-name", "期中考试").await?;
    ui.set_value("#exam-date", "2026-11-10").await?;
    ui.set_value("#exam-score", "86.5").await?;
    ui.set_value("#exam-full", "100").await?;
    ui.tap("#exam-save").await?;
    ui.wait(
        "document.querySelector('#exam-saved') && document.querySelector('#exam-saved').innerText.includes('80%–89%')",
        "the band of the recorded result",
    )
    .await?;
    ui.wait(
        "[...document.querySelectorAll('#exam-results .exam')].some(e => e.innerText.includes('期中考试') && e.innerText.includes('80%–89%'))",
        "the result in the file as a band",
    )
    .await?;
    let shown = ui.text("#growth-file").await?;
    if shown.contains("86.5") || shown.contains("名次") || shown.contains("排名第") {
        bail!("the file shows a score or a rank: {shown:?}");
    }
    let score: String = ui
        .eval("document.querySelector('#exam-score').value")
        .await?;
    if !score.is_empty() {
        bail!("the score stays on the screen: {score:?}");
    }
    ui.scroll_to("#exam-results").await?;
    ui.screenshot("screens-growth-file-bands-360x640").await?;
    check_phone_usable(ui, "growth file").await?;
    // Every read of the file is on the student's audit trail.
    let d = server
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action } }",
            json!({ "id": student }),
        )
        .await?;
    if !d.to_string().contains("growth_file.read") {
        bail!("the read is not audited: {d}");
    }
    Ok(())
}

async fn grade_leader_reviews(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    // The mentor writes and submits a growth message with bright spots.
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    // s2.student1: a mentee of s2.mentor1 in grade 7, s2.grade7's grade.
    let student = tests::mentoring::student_of(server, "s2.student1").await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelector('#growth-body')",
        "the growth message editor",
    )
    .await?;
    ui.set_value("#growth-body", "这学期你在小组合作中很有担当。")
        .await?;
    ui.set_value("#growth-spots", "有担当\n乐于助人").await?;
    ui.tap("#growth-save").await?;
    ui.wait(
        "document.querySelector('#growth-status') && document.querySelector('#growth-status').innerText.includes('草稿')",
        "the draft",
    )
    .await?;
    ui.tap("#growth-submit").await?;
    ui.wait(
        "document.querySelector('#growth-status') && document.querySelector('#growth-status').innerText.includes('已提交')",
        "the submitted message",
    )
    .await?;

    // The grade leader returns it with a comment.
    ui.login("s2.grade7", PASSWORD).await?;
    ui.wait_home("/grade", "年级概览").await?;
    let item = "#growth-review .review-item";
    ui.wait(
        &format!("[...document.querySelectorAll('{item}')].some(li => li.innerText.includes('很有担当') && li.innerText.includes('乐于助人'))"),
        "the message waiting for review",
    )
    .await?;
    ui.wait(
        "document.querySelector('#grade-mentors li')",
        "the grade's mentors",
    )
    .await?;
    ui.tap(&format!("{item} .review-return")).await?;
    ui.wait(
        &format!("document.querySelector('{item} .error')"),
        "the missing comment",
    )
    .await?;
    ui.set_value(&format!("{item} .review-comment"), "请具体写一件事例")
        .await?;
    ui.scroll_to(item).await?;
    ui.screenshot("screens-grade-review-360x640").await?;
    check_phone_usable(ui, "grade leader's review").await?;
    ui.tap(&format!("{item} .review-return")).await?;
    ui.wait(
        &format!("document.querySelector('{item}').innerText.includes('已退回')"),
        "the returned message",
    )
    .await?;

    // The mentor sees the comment, revises and submits again.
    ui.login("s2.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelector('#review-comment') && document.querySelector('#review-comment').innerText.includes('请具体写一件事例')",
        "the reviewer's comment",
    )
    .await?;
    ui.set_value("#growth-body", "运动会上你主动照顾受伤的同学，很有担当。")
        .await?;
    ui.tap("#growth-submit").await?;
    ui.wait(
        "document.querySelector('#growth-status') && document.querySelector('#growth-status').innerText.includes('已提交')",
        "the resubmitted message",
    )
    .await?;

    // The grade leader approves it.
    ui.login("s2.grade7", PASSWORD).await?;
    ui.wait_home("/grade", "年级概览").await?;
    ui.wait(
        &format!(
            "[...document.querySelectorAll('{item}')].some(li => li.innerText.includes('运动会'))"
        ),
        "the revised message",
    )
    .await?;
    ui.tap(&format!("{item} .review-approve")).await?;
    ui.wait(
        &format!("document.querySelector('{item}').innerText.includes('已审阅通过')"),
        "the approved message",
    )
    .await?;
    Ok(())
}

async fn head_teacher_applies_for_a_team(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let student = tests::mentoring::student_of(server, "s2.student1").await?;
    ui.login("s2.head1", PASSWORD).await?;
    ui.wait_home("/class", "我的班级").await?;
    ui.open(&format!("/students/{student}")).await?;
    ui.wait(
        "document.querySelector('#team-form')",
        "the team application form",
    )
    .await?;
    ui.tap("#team-apply").await?;
    ui.wait(
        "document.querySelector('#team-form .error')",
        "the missing reason",
    )
    .await?;
    ui.set_value("#team-reason", "随班就读，需要多位老师共同关心")
        .await?;
    ui.tap("#team-apply").await?;
    ui.wait(
        "document.querySelector('.team-status') && document.querySelector('.team-status').innerText.includes('待领导小组审批')",
        "the pending application",
    )
    .await?;
    ui.scroll_to("#team-application").await?;
    ui.screenshot("screens-team-application-360x640").await?;
    check_phone_usable(ui, "team application").await?;
    let d = server
        .data_as(
            "s2.admin",
            "{ mentorTeamApplications { studentId status proposedMembers { id } } }",
            json!({}),
        )
        .await?;
    let app = d["mentorTeamApplications"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["studentId"] == json!(student)).cloned())
        .unwrap_or_default();
    if app["status"] != json!("PENDING")
        || app["proposedMembers"].as_array().is_none_or(Vec::is_empty)
    {
        bail!("the leading group does not see the application with its members: {d}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentor_and_grade_leader_screens_on_a_phone() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "group-and-joint", &mut failures, async |ui: &Ui| {
        mentor_logs_group_and_joint_work(ui, &server).await
    })
    .await;
    scenario(&ui, "growth-file", &mut failures, async |ui: &Ui| {
        mentor_keeps_the_growth_file(ui, &server).await
    })
    .await;
    scenario(&ui, "grade-review", &mut failures, async |ui: &Ui| {
        grade_leader_reviews(ui, &server).await
    })
    .await;
    scenario(&ui, "team-application", &mut failures, async |ui: &Ui| {
        head_teacher_applies_for_a_team(ui, &server).await
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
