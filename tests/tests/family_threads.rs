//! What families and head teachers see (issue 16, items 5 and 6), through
//! the API on both databases: a talk request is a short thread (the parent
//! replies to the mentor's answer, the mentor answers again, each message
//! with its sender and time; only the one who asked may reply, and only
//! after an answer); the student's monthly reports are kept as the
//! student's own history; the class view gives each student's mentors and
//! last contact.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tests::mentoring::*;
use tests::{Backend, Options, TestServer, both, error_code};

const ASK: &str =
    "mutation($s: ID!, $m: String!) { requestTalk(studentId: $s, message: $m) { id } }";
const ANSWER: &str =
    "mutation($id: ID!, $a: String!) { answerTalkRequest(id: $id, answer: $a) { status } }";
const REPLY: &str = "mutation($id: ID!, $t: String!) { replyToTalk(id: $id, text: $t) { status replies { from text at } } }";
const TALKS: &str =
    "{ talkRequests { id status message answer answeredAt createdAt replies { from text at } } }";

fn request<'a>(d: &'a Value, id: &Value) -> Option<&'a Value> {
    d["talkRequests"]
        .as_array()?
        .iter()
        .find(|r| r["id"] == *id)
}

async fn a_talk_request_is_a_thread(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let parent = s.login("s2.parent1").await?;
    let d = s
        .data_as(
            "s2.parent1",
            ASK,
            json!({ "s": student, "m": "孩子最近作业拖到很晚" }),
        )
        .await?;
    let id = d["requestTalk"]["id"].clone();

    // No reply before the mentor has answered; nothing changes.
    let r = s
        .gql(Some(&parent), REPLY, json!({ "id": id, "t": "补充一句" }))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");
    assert!(r.to_string().contains("导师还没有答复"), "{r}");

    s.data_as(
        "s2.mentor1",
        ANSWER,
        json!({ "id": id, "a": "周四放学后来办公室聊" }),
    )
    .await?;
    // The parent replies: the request waits for the mentor again.
    let d = s
        .data_as(
            "s2.parent1",
            REPLY,
            json!({ "id": id, "t": "周四可以，我也一起来" }),
        )
        .await?;
    assert_eq!(d["replyToTalk"]["status"], json!("open"));
    assert_eq!(d["replyToTalk"]["replies"][0]["from"], json!("parent"));

    // The mentor sees the thread in order, with times, and answers again.
    let d = s.data_as("s2.mentor1", TALKS, json!({})).await?;
    let r = request(&d, &id).context("the mentor sees the request")?;
    assert_eq!(r["status"], json!("open"), "{r}");
    assert_eq!(r["answer"], json!("周四放学后来办公室聊"));
    assert!(r["answeredAt"].is_string() && r["createdAt"].is_string());
    assert_eq!(r["replies"][0]["text"], json!("周四可以，我也一起来"));
    assert!(r["replies"][0]["at"].is_string());
    s.data_as("s2.mentor1", ANSWER, json!({ "id": id, "a": "好的，欢迎" }))
        .await?;
    let d = s.data_as("s2.parent1", TALKS, json!({})).await?;
    let r = request(&d, &id).context("the parent sees the request")?;
    assert_eq!(r["status"], json!("answered"));
    // The first answer stays; the second follows the parent's reply.
    assert_eq!(r["answer"], json!("周四放学后来办公室聊"));
    let from: Vec<&str> = r["replies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["from"].as_str())
        .collect();
    assert_eq!(from, ["parent", "mentor"]);

    // Only the one who asked may reply (the student did not ask this one);
    // an empty or overlong reply is refused; nothing changes.
    let r = s
        .gql(
            Some(&s.login("s2.student1").await?),
            REPLY,
            json!({ "id": id, "t": "我也想说" }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("NOT_FOUND"), "{r}");
    for t in [String::new(), "长".repeat(1001)] {
        let r = s
            .gql(Some(&parent), REPLY, json!({ "id": id, "t": t }))
            .await?;
        assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    }
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            REPLY,
            json!({ "id": id, "t": "老师不能用这个" }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let d = s.data_as("s2.parent1", TALKS, json!({})).await?;
    let r = request(&d, &id).context("the request")?;
    assert_eq!(r["replies"].as_array().map(Vec::len), Some(2), "{r}");

    // The thread is bounded: 20 messages after the first answer at most.
    for i in 0..18 {
        let who = if i % 2 == 0 {
            "s2.parent1"
        } else {
            "s2.mentor1"
        };
        let q = if i % 2 == 0 { REPLY } else { ANSWER };
        let key = if i % 2 == 0 { "t" } else { "a" };
        s.data_as(who, q, json!({ "id": id, key: format!("第{i}条") }))
            .await?;
    }
    let r = s
        .gql(Some(&parent), REPLY, json!({ "id": id, "t": "第21条" }))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");
    Ok(())
}
both!(a_talk_request_is_a_thread);

async fn monthly_reports_are_the_students_history(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let submit =
        "mutation($m: String!, $t: String!) { submitSelfReport(month: $m, text: $t) { id } }";
    let history = "{ mySelfReports { month submittedAt text } }";
    let before = s.data_as("s2.student1", history, json!({})).await?;
    let n0 = before["mySelfReports"].as_array().map_or(0, Vec::len);
    for (m, t) in [
        ("2026-10", "十月读完两本书"),
        ("2026-11", "十一月参加了运动会"),
    ] {
        s.data_as("s2.student1", submit, json!({ "m": m, "t": t }))
            .await?;
    }
    // Sent twice in a month: still one report that month.
    s.data_as(
        "s2.student1",
        submit,
        json!({ "m": "2026-11", "t": "又写了一次" }),
    )
    .await?;
    let d = s.data_as("s2.student1", history, json!({})).await?;
    let list = d["mySelfReports"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), n0 + 2, "{d}");
    let nov = list
        .iter()
        .find(|r| r["month"] == json!("2026-11"))
        .context("November's report")?;
    assert_eq!(nov["text"], json!("十一月参加了运动会"));
    assert!(nov["submittedAt"].is_string());
    // Another student sees none of them; staff are refused.
    let other = s.data_as("s1.student1", history, json!({})).await?;
    assert!(!other.to_string().contains("运动会"), "{other}");
    let r = s
        .gql(Some(&s.login("s2.mentor1").await?), history, json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(monthly_reports_are_the_students_history);

async fn the_class_view_names_mentors_and_last_contact(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let classes = s
        .data_as(
            "s2.head1",
            "{ me { staffId } classes { id headTeacherId } }",
            json!({}),
        )
        .await?;
    let me = classes["me"]["staffId"].clone();
    let class = classes["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["headTeacherId"] == me)
        .map(|c| c["id"].clone())
        .context("head1's class")?;
    let q = "query($c: ID!) { classTasks(classId: $c) { asOf students { studentId mentorNames lastContactOn overdueCount } } }";
    let d = s.data_as("s2.head1", q, json!({ "c": class })).await?;
    let rows = d["classTasks"]["students"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!rows.is_empty(), "{d}");
    let as_of = d["classTasks"]["asOf"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Every mentored student names a mentor; no contact lies after the day judged.
    let named = rows
        .iter()
        .filter(|r| r["mentorNames"].as_array().is_some_and(|v| !v.is_empty()))
        .count();
    assert!(
        named * 10 >= rows.len() * 9,
        "most students have a mentor: {d}"
    );
    for r in &rows {
        if let Some(day) = r["lastContactOn"].as_str() {
            assert!(day <= as_of.as_str(), "{r}");
        }
    }
    // A talk logged today shows as the student's last contact.
    let student = demo_mentee(&s).await?;
    let mentor = s.login("s2.mentor1").await?;
    let r = s
        .gql(
            Some(&mentor),
            LOG,
            talk("class-view-talk", &student, "聊了聊"),
        )
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    let d = s
        .data_as(
            "s2.mentor1",
            "{ myStudentsTasks { asOf students { studentId mentorNames lastContactOn } } }",
            json!({}),
        )
        .await?;
    let row = d["myStudentsTasks"]["students"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["studentId"] == json!(student))
        .cloned()
        .context("the mentee")?;
    assert_eq!(row["lastContactOn"], d["myStudentsTasks"]["asOf"], "{row}");
    assert!(
        row["mentorNames"].as_array().is_some_and(|v| !v.is_empty()),
        "{row}"
    );
    Ok(())
}
both!(the_class_view_names_mentors_and_last_contact);
