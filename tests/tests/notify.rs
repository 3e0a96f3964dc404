//! The in-app inbox (issue 14): talk requests reach exactly the student's
//! mentor and answers exactly the requester; the daily reminder job leaves
//! each mentor one digest of their open tasks (counts only); a notice is
//! read and marked read only by its recipient.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use serde_json::json;
use tests::notify::{inbox, kinds, server};
use tests::{Backend, both, error_code};

async fn talk_requests_reach_the_mentor_and_answers_the_requester(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let child = s
        .data_as(
            "s1.parent1",
            "{ students(first: 1) { edges { node { id name mentors { id } } } } }",
            json!({}),
        )
        .await?;
    let child = child["students"]["edges"][0]["node"].clone();
    let t = s
        .data_as(
            "s1.parent1",
            "mutation($s: ID!) { requestTalk(studentId: $s, message: \"想和老师聊聊\") { id } }",
            json!({ "s": child["id"] }),
        )
        .await?;
    let talk = t["requestTalk"]["id"].clone();
    // Which mentor accounts got it: exactly the child's mentors.
    let mut got = vec![];
    for m in [
        "s1.mentor1",
        "s1.head1",
        "s1.counsellor",
        "s1.student1",
        "s2.mentor1",
        "y.s1.mentor1",
        "s2.parent1",
    ] {
        let i = inbox(&s, m).await?;
        let n = kinds(&i, "talk_request");
        for item in &n {
            let body = item.to_string();
            ensure!(
                !body.contains(child["name"].as_str().unwrap_or("?"))
                    && !body.contains("想和老师聊聊"),
                "a notice carries the child's name or the message: {body}"
            );
        }
        if !n.is_empty() {
            got.push(m);
        }
    }
    ensure!(got == ["s1.mentor1"], "talk request delivered to {got:?}");
    let mine = inbox(&s, "s1.mentor1").await?;
    let item = kinds(&mine, "talk_request")[0].clone();
    ensure!(item["read"] == false && item["link"] == "/mentor");
    let before = mine["unreadCount"].as_u64().unwrap_or(0);
    // Someone else cannot mark it read.
    let other = s.login("s1.head1").await?;
    let r = s
        .gql(
            Some(&other),
            "mutation($id: ID!) { markInboxRead(id: $id) { id } }",
            json!({ "id": item["id"] }),
        )
        .await?;
    ensure!(error_code(&r).as_deref() == Some("NOT_FOUND"), "{r}");
    let r = s
        .data_as(
            "s1.mentor1",
            "mutation($id: ID!) { markInboxRead(id: $id) { id read } }",
            json!({ "id": item["id"] }),
        )
        .await?;
    ensure!(r["markInboxRead"]["read"] == true);
    let count = s
        .data_as("s1.mentor1", "{ unreadCount }", json!({}))
        .await?;
    ensure!(count["unreadCount"].as_u64() == Some(before - 1), "{count}");
    // The answer reaches the parent who asked, nobody else.
    s.data_as(
        "s1.mentor1",
        "mutation($id: ID!) { answerTalkRequest(id: $id, answer: \"周三下午来办公室\") { id } }",
        json!({ "id": talk }),
    )
    .await?;
    ensure!(kinds(&inbox(&s, "s1.parent1").await?, "talk_answered").len() == 1);
    ensure!(kinds(&inbox(&s, "s2.parent1").await?, "talk_answered").is_empty());
    // Marking all read leaves nothing unread.
    s.data_as("s1.parent1", "mutation { markAllInboxRead }", json!({}))
        .await?;
    ensure!(inbox(&s, "s1.parent1").await?["unreadCount"] == 0);
    // A district admin has no school inbox.
    ensure!(
        inbox(&s, "district").await?["items"]
            .as_array()
            .map(Vec::len)
            == Some(0)
    );
    Ok(())
}
both!(talk_requests_reach_the_mentor_and_answers_the_requester);

async fn the_daily_job_leaves_each_mentor_one_digest(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let start = Instant::now();
    let digest = loop {
        let i = inbox(&s, "s1.mentor1").await?;
        let d = kinds(&i, "task_digest");
        if !d.is_empty() {
            break d;
        }
        ensure!(start.elapsed() < Duration::from_secs(60), "no digest: {i}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    ensure!(digest.len() == 1, "{digest:?}");
    let body = digest[0]["body"].as_str().unwrap_or_default();
    ensure!(body.contains("项"), "{body}");
    ensure!(digest[0]["link"] == "/tasks");
    // Counts only: no student's name.
    let names = s
        .data_as(
            "s1.mentor1",
            "{ students(first: 200) { edges { node { name } } } }",
            json!({}),
        )
        .await?;
    for n in names["students"]["edges"].as_array().into_iter().flatten() {
        let name = n["node"]["name"].as_str().unwrap_or("?");
        ensure!(!body.contains(name), "digest names a student");
    }
    // Once a day, whatever the number of runs: the fan-out exists once.
    ensure!(s.sql("SELECT count(*) FROM jobs WHERE kind = 'notify.daily_reminders'")? == "1");
    // Other schools' mentors got their own, never this one's.
    let y = inbox(&s, "y.s1.mentor1").await?;
    ensure!(kinds(&y, "task_digest").len() <= 1);
    Ok(())
}
both!(the_daily_job_leaves_each_mentor_one_digest);

async fn a_published_growth_message_reaches_the_family_only(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let student = tests::mentoring::student_of(&s, "s2.student1").await?;
    let term = tests::mentoring::terms(&s, "s2.mentor1").await?;
    let d = s
        .data_as(
            "s2.mentor1",
            "mutation($s: ID!, $t: ID!) { saveGrowthMessage(studentId: $s, termId: $t, body: \"你很努力\", brightSpots: [\"努力\"]) { id } }",
            json!({ "s": student, "t": term[0] }),
        )
        .await?;
    let id = d["saveGrowthMessage"]["id"].clone();
    s.data_as(
        "s2.mentor1",
        "mutation($id: ID!) { submitGrowthMessage(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await?;
    // Nothing before it is published.
    ensure!(kinds(&inbox(&s, "s2.parent1").await?, "growth_message").is_empty());
    s.data_as(
        "s2.head1",
        "mutation($id: ID!) { reviewGrowthMessage(id: $id, approve: true) { id } }",
        json!({ "id": id }),
    )
    .await?;
    s.data_as(
        "s2.mentor1",
        "mutation($id: ID!) { publishGrowthMessage(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await?;
    for (who, n) in [
        ("s2.parent1", 1),
        ("s2.student1", 1),
        ("s1.parent1", 0),
        ("s2.mentor1", 0),
        ("y.s2.parent1", 0),
    ] {
        let i = inbox(&s, who).await?;
        let got = kinds(&i, "growth_message");
        ensure!(got.len() == n, "{who}: {i}");
        ensure!(
            !i.to_string().contains("你很努力"),
            "{who}: the notice carries the text"
        );
    }
    Ok(())
}
both!(a_published_growth_message_reaches_the_family_only);
