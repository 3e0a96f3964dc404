//! Families and head teachers on a phone (360×640), issue 16 items 5 and 6:
//! a student submits the monthly report and sees it in their history ("本月
//! 已提交"); a parent opens a child's page from the child's card and replies
//! to the mentor's answer (the thread shows who wrote and when); the head
//! teacher's class view gives each student's mentor, last contact and open
//! items, narrowed by the overdue filter, and shows no edit or publish
//! button on another mentor's growth message. The app is installable: a
//! favicon and a web app manifest whose icons are served.

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use tests::PASSWORD;
use tests::browser::{Ui, check_phone_usable, scenario};

async fn student_reports(ui: &Ui) -> Result<()> {
    ui.login("s2.student1", PASSWORD).await?;
    ui.wait_home("/student", "我的导师").await?;
    ui.wait(
        "document.querySelector('#report-month')",
        "the monthly report",
    )
    .await?;
    // A month with nothing sent yet (the demo's reports are earlier).
    ui.set_value("#report-month", "2026-12").await?;
    ui.wait("document.querySelector('#report-text')", "the report field")
        .await?;
    ui.set_value("#report-text", "这个月我参加了读书社，还帮同学补了数学。")
        .await?;
    ui.scroll_to("#report-send").await?;
    ui.tap("#report-send").await?;
    ui.wait(
        "document.querySelector('#report-done') && !document.querySelector('#report-text')
         && [...document.querySelectorAll('#report-history li')].some(li => li.dataset.month === '2026-12' && li.innerText.includes('读书社') && li.innerText.includes('本人提交'))",
        "this month's report in the history",
    )
    .await?;
    ui.scroll_to("#self-report").await?;
    ui.screenshot("family-student-report-history-360x640")
        .await?;
    check_phone_usable(ui, "student's monthly report").await?;
    // Another month opens the form again.
    ui.set_value("#report-month", "2027-01").await?;
    ui.wait(
        "document.querySelector('#report-text') && !document.querySelector('#report-done')",
        "the form for another month",
    )
    .await?;
    Ok(())
}

async fn parent_replies(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    let student = tests::mentoring::student_of(server, "s2.student1").await?;
    let d = server
        .data_as(
            "s2.parent1",
            "mutation($s: ID!) { requestTalk(studentId: $s, message: \"孩子说想换个座位\") { id } }",
            json!({ "s": student }),
        )
        .await?;
    let id = d["requestTalk"]["id"]
        .as_str()
        .context("request id")?
        .to_string();
    server
        .data_as(
            "s2.mentor1",
            "mutation($id: ID!) { answerTalkRequest(id: $id, answer: \"我先和班主任商量，周五给您答复\") { id } }",
            json!({ "id": id }),
        )
        .await?;
    ui.login("s2.parent1", PASSWORD).await?;
    ui.wait_home("/parent", "我的孩子").await?;
    let item = format!(".talk-item[data-id='{id}']");
    ui.wait(
        &format!("document.querySelector(\"{item} .talk-reply\")"),
        "the answered request with a reply field",
    )
    .await?;
    ui.set_value(&format!("{item} .talk-reply"), "好的，谢谢老师")
        .await?;
    // Clear of the fixed bottom tabs before tapping.
    ui.scroll_to(&format!("{item} .talk-reply-send")).await?;
    ui.tap(&format!("{item} .talk-reply-send")).await?;
    ui.wait(
        &format!(
            "(() => {{ const li = [...document.querySelectorAll(\"{item} .thread li\")];
               return li.length === 3 && li[1].innerText.includes('导师') && li[2].innerText.includes('家长')
                 && li[2].innerText.includes('好的，谢谢老师') && /\\d{{2}}:\\d{{2}}/.test(li[2].innerText); }})()"
        ),
        "the thread with the parent's reply, sender and time",
    )
    .await?;
    ui.scroll_to(&item).await?;
    ui.screenshot("family-parent-reply-360x640").await?;
    check_phone_usable(ui, "parent's talk thread").await?;
    // The mentor sees the request waiting again, counted at the top.
    let d = server
        .data_as(
            "s2.mentor1",
            "{ talkRequests { id status replies { from } } }",
            json!({}),
        )
        .await?;
    let r = d["talkRequests"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == json!(id))
        .cloned()
        .unwrap_or(Value::Null);
    ensure!(
        r["status"] == json!("open") && r["replies"][0]["from"] == json!("parent"),
        "{r}"
    );

    // A child's card opens the child's page (no staff-only cards there).
    ui.open("/parent").await?;
    ui.wait_home("/parent", "我的孩子").await?;
    let card = format!("a.student-card[href='/students/{student}']");
    ui.wait(
        &format!("document.querySelector(\"{card}\")"),
        "the child's card",
    )
    .await?;
    ui.scroll_to(&card).await?;
    ui.tap_link(&card, &format!("/students/{student}"), "学生信息")
        .await?;
    ui.wait(
        "document.querySelector('#student-card') && document.querySelector('#growth-messages')
         && !document.querySelector('#guardians') && !document.querySelector('#student-tasks')",
        "the child's page",
    )
    .await?;
    Ok(())
}

async fn head_teacher_class_view(ui: &Ui) -> Result<()> {
    ui.login("s2.head1", PASSWORD).await?;
    ui.wait_home("/class", "我的班级").await?;
    ui.wait(
        "document.querySelectorAll('#class-task-list li').length > 0 && document.querySelector('#only-overdue')",
        "the class view",
    )
    .await?;
    let all: i64 = ui
        .eval("document.querySelectorAll('#class-task-list li').length")
        .await?;
    let described: bool = ui
        .eval("[...document.querySelectorAll('#class-task-list li')].every(li => li.querySelector('.row-mentor') && li.querySelector('.row-contact'))")
        .await?;
    ensure!(described, "a row without its mentor or last contact");
    let with_contact: i64 = ui
        .eval("[...document.querySelectorAll('#class-task-list .row-contact')].filter(e => e.innerText.includes('最近联系')).length")
        .await?;
    ensure!(with_contact > 0, "no student shows a last contact");
    ui.scroll_to("#class-task-list").await?;
    ui.screenshot("family-head-teacher-class-360x640").await?;
    ui.scroll_to("#only-overdue").await?;
    ui.tap("#only-overdue").await?;
    ui.wait(
        &format!("document.querySelectorAll('#class-task-list li').length < {all} || document.querySelector('#class-none-overdue')"),
        "the overdue filter",
    )
    .await?;
    let overdue: i64 = ui
        .eval("document.querySelectorAll('#class-task-list li').length")
        .await?;
    let all_overdue: bool = ui
        .eval("[...document.querySelectorAll('#class-task-list li')].every(li => li.querySelector('.tag.overdue'))")
        .await?;
    ensure!(
        all_overdue,
        "the filter kept a student with nothing overdue"
    );
    // A term in progress: some students behind, most not.
    ensure!(
        overdue > 0 && overdue * 2 < all,
        "{overdue} of {all} students overdue in the demo class"
    );
    ui.screenshot("family-head-teacher-overdue-360x640").await?;
    check_phone_usable(ui, "head teacher's class view").await?;
    ui.scroll_to("#only-overdue").await?;
    ui.tap("#only-overdue").await?;
    ui.wait(
        &format!("document.querySelectorAll('#class-task-list li').length === {all}"),
        "the whole class again",
    )
    .await?;

    // Another mentor's student: the message is read, never edited here.
    let other: String = ui
        .eval(
            "(() => { const me = document.querySelector('.user-name').innerText.trim();
                 const a = [...document.querySelectorAll('#class-task-list li a')]
                   .find(a => !a.querySelector('.row-mentor').innerText.includes(me));
                 return a ? a.getAttribute('href') : ''; })()",
        )
        .await?;
    if other.is_empty() {
        bail!("no student of another mentor in the class");
    }
    ui.open(&other).await?;
    ui.wait(
        "document.querySelector('#growth-editor') && (document.querySelector('#growth-read') || document.querySelector('#growth-not-yet'))",
        "another mentor's growth message, read only",
    )
    .await?;
    let buttons: i64 = ui
        .eval("document.querySelectorAll('#growth-save, #growth-submit, #growth-publish').length")
        .await?;
    ensure!(
        buttons == 0,
        "edit or publish buttons on another mentor's message"
    );
    Ok(())
}

async fn installable(ui: &Ui) -> Result<()> {
    ui.open("/login").await?;
    let report: Value = ui
        .eval(
            "(async () => {
               const link = document.querySelector('link[rel=manifest]');
               const icon = document.querySelector('link[rel=icon]');
               if (!link || !icon) return { error: 'no manifest or icon link' };
               const r = await fetch(link.href);
               const m = await r.json();
               const icons = [];
               for (const i of m.icons) {
                 const x = await fetch(i.src);
                 icons.push({ src: i.src, sizes: i.sizes, ok: x.ok, type: x.headers.get('content-type') });
               }
               const fav = await fetch(icon.href);
               return { type: r.headers.get('content-type'), name: m.name, short: m.short_name,
                        start: m.start_url, display: m.display, icons, favicon: fav.ok };
             })()",
        )
        .await?;
    ensure!(report["error"].is_null(), "{report}");
    ensure!(report["favicon"] == json!(true), "favicon: {report}");
    ensure!(
        report["display"] == json!("standalone") && report["start"] == json!("/"),
        "{report}"
    );
    let icons = report["icons"].as_array().cloned().unwrap_or_default();
    for size in ["192x192", "512x512"] {
        ensure!(
            icons.iter().any(|i| i["sizes"] == json!(size)
                && i["ok"] == json!(true)
                && i["type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("image/png"))),
            "no {size} PNG icon served: {report}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn families_and_head_teachers_on_a_phone() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "student-report", &mut failures, student_reports).await;
    scenario(&ui, "parent-reply", &mut failures, async |ui: &Ui| {
        parent_replies(ui, &server).await
    })
    .await;
    scenario(
        &ui,
        "head-teacher-class",
        &mut failures,
        head_teacher_class_view,
    )
    .await;
    scenario(&ui, "installable", &mut failures, installable).await;
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
