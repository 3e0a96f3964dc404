//! Fixtures of the matching tests (`tests/tests/matching*.rs`): the round
//! operations, demo look-ups and forged student logins.

use anyhow::{Result, ensure};
use serde_json::{Value, json};

use crate::{Backend, TestServer};

/// Opens a matching round.
pub const OPEN: &str = "mutation($t: ID!, $g: Int!, $m: RoundMethod!, $c: Int) {
  openMatchingRound(termId: $t, grade: $g, method: $m, cap: $c) { id status cap method grade } }";
/// A round's preview with its statistics.
pub const PREVIEW: &str =
    "mutation($r: ID!, $seed: Int) { runMatchingPreview(roundId: $r, seed: $seed) {
  round { status seed }
  assignments { studentId studentName mentorId mentorName stage choiceNo why }
  unplaced { studentId why }
  loads { mentorId name load capacity qualified }
  stats { students placed unplaced firstChoice anyChoice placedByFill choiceHistogram loadMax
          mentorsNotChosen { id name } mentorsInTraining { id } } } }";
/// Reassigns a student with a reason.
pub const ADJUST: &str = "mutation($r: ID!, $s: ID!, $m: ID!, $why: String!) {
  adjustAssignment(roundId: $r, studentId: $s, mentorId: $m, reason: $why) { studentId mentorId stage why } }";

/// A JSON value as a string (empty when it is not one).
pub fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The staff id of a named demo account.
pub fn staff_of(srv: &TestServer, username: &str) -> Result<String> {
    let id = srv.sql(&format!(
        "SELECT {} FROM staff s JOIN users u ON u.id = s.user_id WHERE u.username = '{username}'",
        srv.uuid_col("s.id")
    ))?;
    ensure!(!id.is_empty(), "no staff for {username}");
    Ok(id)
}

/// Drops the demo's open grade-7 round (with its choices), so that a test can
/// open its own round for the same term and grade.
pub fn drop_demo_round(srv: &TestServer) -> Result<()> {
    srv.sql("DELETE FROM matching_choices")?;
    srv.sql("DELETE FROM matching_rounds")?;
    Ok(())
}

/// The first term the admin sees.
pub async fn first_term(srv: &TestServer, admin: &str) -> Result<String> {
    let d = srv
        .data_as(admin, "{ terms { id name } }", json!({}))
        .await?;
    let mut terms: Vec<(String, String)> = d["terms"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| (s(&t["name"]), s(&t["id"])))
        .collect();
    terms.sort();
    Ok(terms[0].1.clone())
}

/// Grade-7 students of school 2: (id, class id).
pub async fn grade_students(srv: &TestServer, grade: i32) -> Result<Vec<(String, String)>> {
    let d = srv
        .data_as(
            "s2.admin",
            "{ students(first: 500) { edges { node { id grade classId } } } }",
            json!({}),
        )
        .await?;
    Ok(d["students"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| e["node"]["grade"] == json!(grade))
        .map(|e| (s(&e["node"]["id"]), s(&e["node"]["classId"])))
        .collect())
}

/// Gives every student of a grade of school 2 a login (SQL fixture) and
/// returns their access tokens, forged from `s2.student1`'s claims.
pub async fn student_tokens(srv: &TestServer, grade: i32) -> Result<Vec<String>> {
    let random = match srv.db.backend {
        Backend::Postgres => "gen_random_uuid()",
        Backend::Sqlite => "randomblob(16)",
    };
    let in_grade = format!(
        "class_id IN (SELECT c.id FROM classes c JOIN schools s ON s.id = c.school_id WHERE s.code = 'demo-s2' AND c.grade = {grade})"
    );
    let hex = match srv.db.backend {
        Backend::Postgres => "s.user_id::text",
        Backend::Sqlite => "hex(s.user_id)",
    };
    srv.sql(&format!(
        "UPDATE students SET user_id = {random} WHERE user_id IS NULL AND {in_grade}"
    ))?;
    // Their accounts: every request checks that the account exists, is
    // active and has the token's version (copied from `s2.student1`).
    srv.sql(&format!(
        "INSERT INTO users (id, username, password_hash, display_name, district_id, school_id, \
         active, created_at, token_version, must_change_password) \
         SELECT s.user_id, 'rush.' || {hex}, t.password_hash, 'rush', t.district_id, t.school_id, \
         t.active, t.created_at, t.token_version, t.must_change_password \
         FROM students s, users t WHERE t.username = 's2.student1' AND s.{in_grade} \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)"
    ))?;
    let users = srv.sql(&format!(
        "SELECT {} FROM students WHERE {in_grade}",
        srv.uuid_col("user_id")
    ))?;
    let template = crate::token_claims(&srv.login("s2.student1").await?)?;
    Ok(users
        .lines()
        .map(|u| {
            let mut c = template.clone();
            c["sub"] = json!(u.trim());
            crate::sign_token(&c)
        })
        .collect())
}
