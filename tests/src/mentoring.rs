//! Fixtures of the mentoring tests (`tests/tests/mentoring*.rs`).

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::TestServer;

/// Logs an activity (`$i: ActivityInput`).
pub const LOG: &str = "mutation($i: ActivityInput!) { logActivity(input: $i) { id clientKey kind summary students { id } amendments { id } } }";
/// Activities of a student or class.
pub const LIST: &str = "query($s: ID, $c: ID) { activities(studentId: $s, classId: $c, first: 100) { totalCount edges { node { id kind summary followUp amendments { before reason } students { id } } } } }";
/// The audit trail of a subject.
pub const TRAIL: &str = "query($id: ID!) { auditTrail(subjectId: $id) { action } }";

/// The first student id in a `students` connection.
pub fn first_student(d: &Value) -> String {
    d["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The student id a user sees first.
pub async fn student_of(s: &TestServer, user: &str) -> Result<String> {
    let d = s
        .data_as(
            user,
            "{ students(first: 5) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    Ok(first_student(&d))
}

/// The term ids a user sees.
pub async fn terms(s: &TestServer, user: &str) -> Result<Vec<String>> {
    let d = s.data_as(user, "{ terms { id } }", json!({})).await?;
    Ok(d["terms"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

/// The mentee the demo's records are about (mentor1's, outside student1's class).
pub async fn demo_mentee(s: &TestServer) -> Result<String> {
    let d = s
        .data_as(
            "s2.mentor1",
            "{ activities(first: 50) { edges { node { students { id } } } } }",
            json!({}),
        )
        .await?;
    d["activities"]["edges"][0]["node"]["students"][0]["id"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| anyhow::anyhow!("no demo activity: {d}"))
}

/// Variables of a talk with one student, for [`LOG`].
pub fn talk(key: &str, student: &str, summary: &str) -> Value {
    json!({ "i": { "clientKey": key, "kind": "TALK", "studentIds": [student], "summary": summary,
        "guidanceAreas": ["PSYCHOLOGICAL"], "trigger": "BEFORE_EXAM" } })
}

/// The audit actions recorded on a student.
pub async fn actions(s: &TestServer, student: &str) -> Result<Vec<String>> {
    let d = s
        .data_as("s2.admin", TRAIL, json!({ "id": student }))
        .await?;
    Ok(d["auditTrail"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["action"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

/// How many activities carry a client key (as the owner).
pub fn count_rows(s: &TestServer, key: &str) -> Result<i64> {
    Ok(s.sql(&format!(
        "SELECT count(*) FROM activities WHERE client_key = '{key}'"
    ))?
    .trim()
    .parse()?)
}

/// The fields of a growth message the mentoring tests read.
pub const MSG: &str = "id status body brightSpots student { id } termName publishedOn";
/// A student's growth file, as the tests read it.
pub const FILE: &str = "query($s: ID!) { growthFile(studentId: $s) { student { id } notes { section body month } examResults { subject examName display bandCode band } } }";
/// Records an exam result (shown back only as a band).
pub const EXAM: &str = "mutation($s: ID!, $i: ExamResultInput!) { recordExamResult(studentId: $s, input: $i) { subject display band bandCode } }";

/// A user's staff id (read from the database as the owner).
pub async fn staff_id_of(s: &TestServer, username: &str) -> Result<String> {
    let out = s.sql(&format!(
        "SELECT {} FROM staff JOIN users ON staff.user_id = users.id WHERE users.username = '{username}'",
        s.uuid_col("staff.id")
    ))?;
    Ok(out.lines().next().context("staff")?.to_string())
}
