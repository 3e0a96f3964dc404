//! Matching through the API on both databases: a two-way round end to end on
//! demo data (choices → preview → adjustment with a reason, audited →
//! publication → the new pairs everywhere → the student's explanation), the
//! cap on manual changes, the self-selection rush under ≥ 1,000 concurrent
//! selections (two server processes on PostgreSQL) with the invariants
//! checked in SQL, and the discretion of special-needs mentor teams.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const OPEN: &str = "mutation($t: ID!, $g: Int!, $m: RoundMethod!, $c: Int) {
  openMatchingRound(termId: $t, grade: $g, method: $m, cap: $c) { id status cap method grade } }";
const PREVIEW: &str =
    "mutation($r: ID!, $seed: Int) { runMatchingPreview(roundId: $r, seed: $seed) {
  round { status seed }
  assignments { studentId studentName mentorId mentorName stage choiceNo why }
  unplaced { studentId why }
  loads { mentorId name load capacity qualified }
  stats { students placed unplaced firstChoice anyChoice placedByFill choiceHistogram loadMax
          mentorsNotChosen { id name } mentorsInTraining { id } } } }";
const ADJUST: &str = "mutation($r: ID!, $s: ID!, $m: ID!, $why: String!) {
  adjustAssignment(roundId: $r, studentId: $s, mentorId: $m, reason: $why) { studentId mentorId stage why } }";

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The staff id of a named demo account.
fn staff_of(srv: &TestServer, username: &str) -> Result<String> {
    let id = srv.sql(&format!(
        "SELECT {} FROM staff s JOIN users u ON u.id = s.user_id WHERE u.username = '{username}'",
        srv.uuid_col("s.id")
    ))?;
    ensure!(!id.is_empty(), "no staff for {username}");
    Ok(id)
}

/// Drops the demo's open grade-7 round (with its choices), so that a test can
/// open its own round for the same term and grade.
fn drop_demo_round(srv: &TestServer) -> Result<()> {
    srv.sql("DELETE FROM matching_choices")?;
    srv.sql("DELETE FROM matching_rounds")?;
    Ok(())
}

async fn first_term(srv: &TestServer, admin: &str) -> Result<String> {
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
async fn grade_students(srv: &TestServer, grade: i32) -> Result<Vec<(String, String)>> {
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

async fn two_way_round_end_to_end(backend: Backend) -> Result<()> {
    let srv = TestServer::start(Options::new(backend)).await?;
    drop_demo_round(&srv)?;
    let term = first_term(&srv, "s2.admin").await?;
    let students = grade_students(&srv, 7).await?;
    ensure!(
        students.len() == 18,
        "18 grade-7 students: {}",
        students.len()
    );
    let me = srv
        .data_as("s2.admin", "{ me { districtId schoolId } }", json!({}))
        .await?;
    let (district, school) = (s(&me["me"]["districtId"]), s(&me["me"]["schoolId"]));

    // Only the school admin opens rounds; the cap is an input of the round.
    let student_token = srv.login("s2.student1").await?;
    let refused = srv
        .gql(
            Some(&student_token),
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY", "c": 3 }),
        )
        .await?;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let d = srv
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY", "c": 3 }),
        )
        .await?;
    let round = s(&d["openMatchingRound"]["id"]);
    assert_eq!(d["openMatchingRound"]["status"], json!("OPEN"));
    let again = srv
        .gql(
            Some(&srv.login("s2.admin").await?),
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY" }),
        )
        .await?;
    assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"));

    // The student sees eligible mentors: name, subjects, specialties, no load.
    let mentors = srv
        .data_as(
            "s2.student1",
            "query($r: ID!) { eligibleMentors(roundId: $r) { id name subjects specialties } }",
            json!({ "r": round }),
        )
        .await?;
    let mentor_ids: Vec<String> = mentors["eligibleMentors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| s(&m["id"]))
        .collect();
    ensure!(mentor_ids.len() == 9, "9 grade-7 teachers: {mentors}");
    let load_field = srv
        .gql(
            Some(&student_token),
            "query($r: ID!) { eligibleMentors(roundId: $r) { id load } }",
            json!({ "r": round }),
        )
        .await?;
    ensure!(
        load_field["errors"].is_array(),
        "no load field for students"
    );

    // The popular mentor A is s2.mentor1, who also ranks s2.student1 first.
    let a = staff_of(&srv, "s2.mentor1")?;
    ensure!(mentor_ids.contains(&a));
    let b = mentor_ids
        .iter()
        .find(|m| **m != a)
        .cloned()
        .unwrap_or_default();
    let c = mentor_ids
        .iter()
        .rev()
        .find(|m| **m != a && **m != b)
        .cloned()
        .unwrap_or_default();
    let submit = "mutation($r: ID!, $m: [ID!]!) { submitMentorChoices(roundId: $r, mentorIds: $m) { id name } }";
    let dup = srv
        .gql(
            Some(&student_token),
            submit,
            json!({ "r": round, "m": [a, a] }),
        )
        .await?;
    assert_eq!(error_code(&dup).as_deref(), Some("VALIDATION"));
    let six: Vec<&String> = mentor_ids.iter().take(6).collect();
    let too_many = srv
        .gql(
            Some(&student_token),
            submit,
            json!({ "r": round, "m": six }),
        )
        .await?;
    assert_eq!(error_code(&too_many).as_deref(), Some("VALIDATION"));
    let foreign_staff = staff_of(&srv, "s1.mentor1")?;
    let ineligible = srv
        .gql(
            Some(&student_token),
            submit,
            json!({ "r": round, "m": [a, foreign_staff] }),
        )
        .await?;
    assert_eq!(error_code(&ineligible).as_deref(), Some("VALIDATION"));
    let ok = srv
        .data_as("s2.student1", submit, json!({ "r": round, "m": [a, b, c] }))
        .await?;
    assert_eq!(ok["submitMentorChoices"][0]["id"], json!(a));
    let mine = srv
        .data_as(
            "s2.student1",
            "query($r: ID!) { myMentorChoices(roundId: $r) { id } }",
            json!({ "r": round }),
        )
        .await?;
    assert_eq!(mine["myMentorChoices"].as_array().map(Vec::len), Some(3));
    let student1 = srv
        .data_as(
            "s2.student1",
            "{ students { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student1 = s(&student1["students"]["edges"][0]["node"]["id"]);

    // Every other student chose A then B (SQL fixture, as if submitted).
    let mut inserts = vec![];
    for (sid, _) in students.iter().filter(|(sid, _)| *sid != student1) {
        for (pos, m) in [(1, &a), (2, &b)] {
            inserts.push(format!(
                "({}, {}, {}, {}, {}, {}, {pos})",
                srv.uuid_lit(&uuid::Uuid::new_v4().to_string()),
                srv.uuid_lit(&district),
                srv.uuid_lit(&school),
                srv.uuid_lit(&round),
                srv.uuid_lit(sid),
                srv.uuid_lit(m),
            ));
        }
    }
    srv.sql(&format!(
        "INSERT INTO matching_choices (id, district_id, school_id, round_id, student_id, staff_id, position) VALUES {}",
        inserts.join(", ")
    ))?;
    // The mentor ranks s2.student1 first (two-way).
    srv.data_as(
        "s2.mentor1",
        "mutation($r: ID!, $s: [ID!]!) { submitStudentPreferences(roundId: $r, studentIds: $s) }",
        json!({ "r": round, "s": [student1] }),
    )
    .await?;

    // Preview (reproducible with the seed).
    let p = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 42 }))
        .await?;
    let p = &p["runMatchingPreview"];
    assert_eq!(p["round"]["status"], json!("PREVIEWED"));
    assert_eq!(p["round"]["seed"], json!("42"));
    assert_eq!(p["stats"]["students"], json!(18));
    assert_eq!(p["stats"]["placed"], json!(18), "27 places for 18: {p}");
    assert_eq!(p["stats"]["firstChoice"], json!(3), "A has 3 places: {p}");
    ensure!(p["stats"]["loadMax"].as_i64() <= Some(3), "cap 3: {p}");
    let assignments = p["assignments"].as_array().cloned().unwrap_or_default();
    let line_of = |sid: &str| {
        assignments
            .iter()
            .find(|x| x["studentId"] == json!(sid))
            .cloned()
    };
    let mine = line_of(&student1).unwrap_or_default();
    assert_eq!(
        mine["mentorId"],
        json!(a),
        "the mentor's preference wins: {mine}"
    );
    assert_eq!(mine["choiceNo"], json!(1));
    assert_eq!(mine["stage"], json!("PREFERENCE"));
    ensure!(s(&mine["why"]).contains("第1志愿"), "{mine}");
    let second: Vec<&Value> = assignments
        .iter()
        .filter(|x| x["choiceNo"] == json!(2))
        .collect();
    assert_eq!(second.len(), 3, "B's 3 places go to second choices");
    ensure!(s(&second[0]["why"]).contains("第2志愿"), "{:?}", second[0]);
    ensure!(
        assignments.iter().any(|x| x["stage"] == json!("FILL")),
        "the rest placed by the fill"
    );
    ensure!(
        !p["stats"]["mentorsNotChosen"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "teachers no one chose are listed: {p}"
    );
    let again = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 42 }))
        .await?;
    assert_eq!(
        again["runMatchingPreview"]["assignments"], p["assignments"],
        "same seed, same result"
    );

    // Adjust one placed-by-fill student: the cap is enforced, the reason is
    // required, and the change is audited.
    let admin = srv.login("s2.admin").await?;
    let moved = assignments
        .iter()
        .find(|x| x["stage"] == json!("FILL"))
        .cloned()
        .unwrap_or_default();
    let moved_id = s(&moved["studentId"]);
    let full = srv
        .gql(
            Some(&admin),
            ADJUST,
            json!({ "r": round, "s": moved_id, "m": a, "why": "学生强烈希望" }),
        )
        .await?;
    assert_eq!(error_code(&full).as_deref(), Some("CONFLICT"), "{full}");
    ensure!(s(&full["errors"][0]["message"]).contains("名额已满"));
    let loads = p["loads"].as_array().cloned().unwrap_or_default();
    let target = loads
        .iter()
        .find(|l| {
            l["load"].as_i64() < l["capacity"].as_i64()
                && l["mentorId"] != moved["mentorId"]
                && l["qualified"] == json!(true)
        })
        .map(|l| s(&l["mentorId"]))
        .unwrap_or_default();
    let no_reason = srv
        .gql(
            Some(&admin),
            ADJUST,
            json!({ "r": round, "s": moved_id, "m": target, "why": "  " }),
        )
        .await?;
    assert_eq!(error_code(&no_reason).as_deref(), Some("VALIDATION"));
    let adj = srv
        .data_as(
            "s2.admin",
            ADJUST,
            json!({ "r": round, "s": moved_id, "m": target, "why": "家校距离近，便于家访" }),
        )
        .await?;
    assert_eq!(adj["adjustAssignment"]["stage"], json!("MANUAL"));
    assert_eq!(
        adj["adjustAssignment"]["why"],
        json!("学校人工调整：家校距离近，便于家访")
    );
    let trail = srv
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action reason } }",
            json!({ "id": moved_id }),
        )
        .await?;
    ensure!(
        trail["auditTrail"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["action"] == json!("matching.adjust")
                && e["reason"] == json!("家校距离近，便于家访"))),
        "adjustment audited: {trail}"
    );

    // Publish: the pairs are the ones every other capability uses.
    let publish = "mutation($r: ID!) { publishMatchingRound(roundId: $r) { status publishedAt } }";
    let d = srv
        .data_as("s2.admin", publish, json!({ "r": round }))
        .await?;
    assert_eq!(d["publishMatchingRound"]["status"], json!("PUBLISHED"));
    let again = srv
        .gql(Some(&admin), publish, json!({ "r": round }))
        .await?;
    assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"));
    let late = srv
        .gql(
            Some(&admin),
            ADJUST,
            json!({ "r": round, "s": moved_id, "m": a, "why": "x" }),
        )
        .await?;
    assert_eq!(error_code(&late).as_deref(), Some("CONFLICT"));
    let mentors_of = |d: &Value, sid: &str| -> Vec<String> {
        d["students"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .find(|e| e["node"]["id"] == json!(sid))
            .map(|e| {
                e["node"]["mentors"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|m| s(&m["id"]))
                    .collect()
            })
            .unwrap_or_default()
    };
    let list = "{ students(first: 500) { edges { node { id mentors { id name } } } } }";
    let d = srv.data_as("s2.admin", list, json!({})).await?;
    assert_eq!(mentors_of(&d, &moved_id), vec![target.clone()]);
    assert_eq!(mentors_of(&d, &student1), vec![a.clone()]);
    for x in &assignments {
        let sid = s(&x["studentId"]);
        if sid != moved_id {
            assert_eq!(mentors_of(&d, &sid), vec![s(&x["mentorId"])]);
        }
    }
    // History kept: the demo pairs that changed were closed, not deleted.
    let closed = srv.sql(&format!(
        "SELECT count(*) FROM mentor_assignments WHERE ends_on IS NOT NULL AND student_id = {}",
        srv.uuid_lit(&moved_id)
    ))?;
    let open = srv.sql(&format!(
        "SELECT count(*) FROM mentor_assignments WHERE ends_on IS NULL AND student_id = {}",
        srv.uuid_lit(&moved_id)
    ))?;
    assert_eq!(open, "1");
    ensure!(closed.parse::<i32>()? <= 1);
    let mentor_view = srv.data_as("s2.mentor1", list, json!({})).await?;
    ensure!(
        mentor_view.to_string().contains(&student1),
        "the new mentor sees the mentee"
    );

    // The student sees the mentor and why.
    let m = srv
        .data_as(
            "s2.student1",
            "{ myMatch { mentorId mentorName stage choiceNo why since } }",
            json!({}),
        )
        .await?;
    assert_eq!(m["myMatch"][0]["mentorId"], json!(a));
    assert_eq!(m["myMatch"][0]["choiceNo"], json!(1));
    ensure!(s(&m["myMatch"][0]["why"]).contains("第1志愿"), "{m}");

    // Mid-year change (动态调整): cap enforced, reason audited, history kept.
    let change = "mutation($s: ID!, $m: ID!, $why: String!) { changeMentor(studentId: $s, mentorId: $m, reason: $why) }";
    let full = srv
        .gql(
            Some(&admin),
            change,
            json!({ "s": moved_id, "m": a, "why": "调整" }),
        )
        .await?;
    assert_eq!(error_code(&full).as_deref(), Some("CONFLICT"), "{full}");
    let d = srv.data_as("s2.admin", list, json!({})).await?;
    let free = loads
        .iter()
        .map(|l| s(&l["mentorId"]))
        .find(|m| {
            *m != target
                && *m != a
                && d["students"]["edges"]
                    .as_array()
                    .map(|e| {
                        e.iter()
                            .filter(|x| x["node"]["mentors"].to_string().contains(m.as_str()))
                            .count()
                    })
                    .unwrap_or(0)
                    < 3
        })
        .unwrap_or_default();
    let no_reason = srv
        .gql(
            Some(&admin),
            change,
            json!({ "s": moved_id, "m": free, "why": "" }),
        )
        .await?;
    assert_eq!(error_code(&no_reason).as_deref(), Some("VALIDATION"));
    srv.data_as(
        "s2.admin",
        change,
        json!({ "s": moved_id, "m": free, "why": "原导师长期外出培训" }),
    )
    .await?;
    let d = srv.data_as("s2.admin", list, json!({})).await?;
    assert_eq!(mentors_of(&d, &moved_id), vec![free.clone()]);
    let closed = srv.sql(&format!(
        "SELECT count(*) FROM mentor_assignments WHERE ends_on IS NOT NULL AND student_id = {}",
        srv.uuid_lit(&moved_id)
    ))?;
    ensure!(closed.parse::<i32>()? >= 1, "old pair closed, kept");
    let trail = srv
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action reason } }",
            json!({ "id": moved_id }),
        )
        .await?;
    ensure!(trail.to_string().contains("matching.change_mentor"));
    ensure!(trail.to_string().contains("原导师长期外出培训"));

    // The student sees that the school changed the mentor, never the reason.
    let d = srv.data_as("s2.admin", list, json!({})).await?;
    let count = |m: &str| {
        d["students"]["edges"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter(|x| x["node"]["mentors"].to_string().contains(m))
                    .count()
            })
            .unwrap_or(0)
    };
    let room = loads
        .iter()
        .map(|l| s(&l["mentorId"]))
        .find(|m| *m != a && count(m) < 3)
        .unwrap_or_default();
    srv.data_as(
        "s2.admin",
        change,
        json!({ "s": student1, "m": room, "why": "家长提出的私人原因" }),
    )
    .await?;
    let m = srv
        .data_as(
            "s2.student1",
            "{ myMatch { mentorId stage why } }",
            json!({}),
        )
        .await?;
    assert_eq!(m["myMatch"][0]["mentorId"], json!(room));
    assert_eq!(m["myMatch"][0]["stage"], json!("MANUAL"));
    assert_eq!(m["myMatch"][0]["why"], json!("学期中学校动态调整了导师"));

    // Students and mentors never run previews.
    let r = srv
        .gql(Some(&student_token), PREVIEW, json!({ "r": round }))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"));
    Ok(())
}
both!(two_way_round_end_to_end);

/// Gives every student of a grade of school 2 a login (SQL fixture) and
/// returns their access tokens, forged from `s2.student1`'s claims.
async fn student_tokens(srv: &TestServer, grade: i32) -> Result<Vec<String>> {
    let random = match srv.db.backend {
        Backend::Postgres => "gen_random_uuid()",
        Backend::Sqlite => "randomblob(16)",
    };
    let in_grade = format!(
        "class_id IN (SELECT c.id FROM classes c JOIN schools s ON s.id = c.school_id WHERE s.code = 'demo-s2' AND c.grade = {grade})"
    );
    srv.sql(&format!(
        "UPDATE students SET user_id = {random} WHERE user_id IS NULL AND {in_grade}"
    ))?;
    let users = srv.sql(&format!(
        "SELECT {} FROM students WHERE {in_grade}",
        srv.uuid_col("user_id")
    ))?;
    let template = tests::token_claims(&srv.login("s2.student1").await?)?;
    Ok(users
        .lines()
        .map(|u| {
            let mut c = template.clone();
            c["sub"] = json!(u.trim());
            tests::sign_token(&c)
        })
        .collect())
}

async fn rush_keeps_quotas_under_concurrency(backend: Backend) -> Result<()> {
    let srv = TestServer::start(Options {
        class_size: 40,
        ..Options::new(backend)
    })
    .await?;
    // Two server processes on one PostgreSQL database; one on SQLite.
    let replica = match backend {
        Backend::Postgres => Some(srv.start_replica().await?),
        Backend::Sqlite => None,
    };
    drop_demo_round(&srv)?;
    let term = first_term(&srv, "s2.admin").await?;
    let cap = 5;
    let d = srv
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 7, "m": "SELF_SELECTION", "c": cap }),
        )
        .await?;
    let round = s(&d["openMatchingRound"]["id"]);
    let tokens = student_tokens(&srv, 7).await?;
    ensure!(tokens.len() == 120, "120 students: {}", tokens.len());
    let places = srv
        .data_as(
            "s2.student1",
            "query($r: ID!) { mentorsWithPlaces(roundId: $r) { id name subjects placesLeft } }",
            json!({ "r": round }),
        )
        .await?;
    let mentors: Vec<String> = places["mentorsWithPlaces"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| s(&m["id"]))
        .collect();
    ensure!(mentors.len() == 9, "{places}");
    let quota_total = mentors.len() * cap as usize;

    // Every student picks every mentor at once: 1,080 concurrent selections
    // for 45 places, alternating between the two servers.
    let select = "mutation($r: ID!, $m: ID!) { selectMentor(roundId: $r, mentorId: $m) { id } }";
    let client = reqwest::Client::new();
    let bases: Vec<String> = std::iter::once(srv.base_url())
        .chain(replica.iter().map(|r| r.base_url()))
        .collect();
    let bases = Arc::new(bases);
    let mut jobs = tokio::task::JoinSet::new();
    let started = Instant::now();
    let mut n = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        for k in 0..mentors.len() {
            let m = mentors[(i + k) % mentors.len()].clone();
            let (client, bases, token, round) =
                (client.clone(), bases.clone(), token.clone(), round.clone());
            let base = bases[n % bases.len()].clone();
            n += 1;
            jobs.spawn(async move {
                let body = tests::gql_at(
                    &client,
                    &base,
                    Some(&token),
                    select,
                    json!({ "r": round, "m": m }),
                )
                .await?;
                Ok::<_, anyhow::Error>((i, body))
            });
        }
    }
    ensure!(n >= 1000, "at least 1,000 selections: {n}");
    let mut ok_by_student: HashMap<usize, usize> = HashMap::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    while let Some(r) = jobs.join_next().await {
        let (i, body) = r??;
        match error_code(&body) {
            None => *ok_by_student.entry(i).or_default() += 1,
            Some(c) => *codes.entry(c).or_default() += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let successes: usize = ok_by_student.values().sum();
    println!(
        "rush ({backend:?}, {} server(s)): {n} selections in {secs:.2} s = {:.0} selections/s; {successes} places taken of {quota_total}; errors {codes:?}",
        bases.len(),
        n as f64 / secs
    );
    ensure!(
        codes.keys().all(|c| c == "CONFLICT"),
        "only CONFLICT refusals: {codes:?}"
    );
    ensure!(ok_by_student.values().all(|k| *k == 1), "one place each");
    ensure!(successes <= quota_total);

    // The invariants, checked in SQL.
    let over = srv.sql(
        "SELECT count(*) FROM rush_quotas q WHERE q.taken > q.quota OR q.taken <> (SELECT count(*) FROM rush_places p WHERE p.round_id = q.round_id AND p.staff_id = q.staff_id)",
    )?;
    let over_quota = srv.sql(
        "SELECT count(*) FROM rush_quotas q WHERE (SELECT count(*) FROM rush_places p WHERE p.round_id = q.round_id AND p.staff_id = q.staff_id) > q.quota",
    )?;
    let doubles = srv.sql(
        "SELECT count(*) FROM (SELECT student_id FROM rush_places GROUP BY round_id, student_id HAVING count(*) > 1) x",
    )?;
    let held = srv.sql("SELECT count(*) FROM rush_places")?;
    println!(
        "rush invariants ({backend:?}): mentors over quota {over_quota}, counters off {over}, students holding two places {doubles}, places {held}"
    );
    assert_eq!(over_quota, "0");
    assert_eq!(over, "0");
    assert_eq!(doubles, "0");
    assert_eq!(held, successes.to_string());

    // Pick again: whoever is left sees the mentors with places; a full mentor
    // is a clear CONFLICT; a second pick is a CONFLICT.
    let left = srv
        .data_as(
            "s2.student1",
            "query($r: ID!) { mentorsWithPlaces(roundId: $r) { id placesLeft } }",
            json!({ "r": round }),
        )
        .await?;
    let left = left["mentorsWithPlaces"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let free: i64 = left.iter().filter_map(|m| m["placesLeft"].as_i64()).sum();
    assert_eq!(free as usize, quota_total - successes);
    let taken: HashSet<usize> = ok_by_student.keys().copied().collect();
    let holder = *taken.iter().next().unwrap_or(&0);
    let waiting: Vec<usize> = (0..tokens.len()).filter(|i| !taken.contains(i)).collect();
    let twice = srv
        .gql(
            Some(&tokens[holder]),
            select,
            json!({ "r": round, "m": mentors[0] }),
        )
        .await?;
    assert_eq!(error_code(&twice).as_deref(), Some("CONFLICT"));
    for (i, m) in waiting.iter().zip(&left) {
        let body = srv
            .gql(
                Some(&tokens[*i]),
                select,
                json!({ "r": round, "m": m["id"] }),
            )
            .await?;
        ensure!(body["errors"].is_null(), "a place was left: {body}");
    }
    let still = srv
        .data_as(
            "s2.student1",
            "query($r: ID!) { mentorsWithPlaces(roundId: $r) { id } }",
            json!({ "r": round }),
        )
        .await?;
    if let Some(full) = mentors
        .iter()
        .find(|m| !still.to_string().contains(m.as_str()))
    {
        let body = srv
            .gql(
                Some(&tokens[*waiting.last().unwrap_or(&0)]),
                select,
                json!({ "r": round, "m": full }),
            )
            .await?;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"));
        ensure!(
            s(&body["errors"][0]["message"]).contains("名额已满"),
            "{body}"
        );
    }

    // The school then previews: places taken are kept, the shortage is named.
    let p = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round }))
        .await?;
    let p = &p["runMatchingPreview"];
    let held: usize = srv.sql("SELECT count(*) FROM rush_places")?.parse()?;
    assert_eq!(p["stats"]["placed"], json!(held));
    assert_eq!(p["unplaced"].as_array().map(Vec::len), Some(120 - held));
    ensure!(
        s(&p["unplaced"][0]["why"]).contains("7年级还缺"),
        "{}",
        p["unplaced"][0]
    );
    ensure!(
        p["assignments"]
            .as_array()
            .is_some_and(|a| a.iter().all(|x| s(&x["why"]).contains("线上自主选择"))),
        "{p}"
    );

    // Published: every place becomes the pair; no mentor ends over the cap
    // (students left unplaced keep a current mentor only within the cap).
    srv.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishMatchingRound(roundId: $r) { status } }",
        json!({ "r": round }),
    )
    .await?;
    let paired = srv.sql(
        "SELECT count(*) FROM rush_places p JOIN mentor_assignments a ON a.student_id = p.student_id AND a.staff_id = p.staff_id AND a.ends_on IS NULL",
    )?;
    assert_eq!(paired, held.to_string());
    let over_cap = srv.sql(&format!(
        "SELECT count(*) FROM (SELECT staff_id FROM mentor_assignments WHERE ends_on IS NULL AND staff_id IN (SELECT staff_id FROM rush_quotas) GROUP BY staff_id HAVING count(*) > {cap}) x"
    ))?;
    assert_eq!(over_cap, "0");
    Ok(())
}
both!(rush_keeps_quotas_under_concurrency);

async fn mentor_teams_are_discreet(backend: Backend) -> Result<()> {
    let srv = TestServer::start(Options::new(backend)).await?;
    let student1 = srv
        .data_as(
            "s2.student1",
            "{ students { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let student1 = s(&student1["students"]["edges"][0]["node"]["id"]);
    let mentor1 = staff_of(&srv, "s2.mentor1")?;
    let head1 = staff_of(&srv, "s2.head1")?;
    let apply = "mutation($s: ID!, $why: String!, $m: [ID!]!) {
      applyForMentorTeam(studentId: $s, reason: $why, proposedMemberIds: $m) { id status proposedMembers { id } } }";
    let vars = json!({ "s": student1, "why": "随班就读，需要多位老师共同关心", "m": [mentor1] });
    // Only the student's head teacher applies.
    let by_mentor = srv
        .gql(Some(&srv.login("s2.mentor1").await?), apply, vars.clone())
        .await?;
    assert_eq!(error_code(&by_mentor).as_deref(), Some("FORBIDDEN"));
    let no_reason = srv
        .gql(
            Some(&srv.login("s2.head1").await?),
            apply,
            json!({ "s": student1, "why": " ", "m": [] }),
        )
        .await?;
    assert_eq!(error_code(&no_reason).as_deref(), Some("VALIDATION"));
    let app = srv.data_as("s2.head1", apply, vars).await?;
    assert_eq!(app["applyForMentorTeam"]["status"], json!("PENDING"));
    let app_id = s(&app["applyForMentorTeam"]["id"]);

    let decide = "mutation($a: ID!, $ok: Boolean!, $l: ID, $m: [ID!]!, $n: String) {
      decideMentorTeam(applicationId: $a, approve: $ok, leadMentorId: $l, memberIds: $m, note: $n) { id status note } }";
    let by_head = srv
        .gql(
            Some(&srv.login("s2.head1").await?),
            decide,
            json!({ "a": app_id, "ok": true, "l": mentor1, "m": [] }),
        )
        .await?;
    assert_eq!(error_code(&by_head).as_deref(), Some("FORBIDDEN"));
    let no_lead = srv
        .gql(
            Some(&srv.login("s2.admin").await?),
            decide,
            json!({ "a": app_id, "ok": true, "m": [] }),
        )
        .await?;
    assert_eq!(error_code(&no_lead).as_deref(), Some("VALIDATION"));
    let d = srv
        .data_as(
            "s2.admin",
            decide,
            json!({ "a": app_id, "ok": true, "l": mentor1, "m": [], "n": "领导小组同意" }),
        )
        .await?;
    assert_eq!(d["decideMentorTeam"]["status"], json!("APPROVED"));
    let twice = srv
        .gql(
            Some(&srv.login("s2.admin").await?),
            decide,
            json!({ "a": app_id, "ok": false, "m": [] }),
        )
        .await?;
    assert_eq!(error_code(&twice).as_deref(), Some("CONFLICT"));

    // Members (lead mentor, the applying head teacher) and the admin see the team.
    let teams = "{ mentorTeams { studentId studentName lead { id } members { id } } }";
    for who in ["s2.mentor1", "s2.head1", "s2.admin"] {
        let d = srv.data_as(who, teams, json!({})).await?;
        let list = d["mentorTeams"].as_array().cloned().unwrap_or_default();
        ensure!(list.len() == 1, "{who} sees the team: {d}");
        assert_eq!(list[0]["studentId"], json!(student1));
        assert_eq!(list[0]["lead"]["id"], json!(mentor1));
        assert_eq!(list[0]["members"], json!([{ "id": head1 }]));
    }
    // Nobody else learns of it: other staff, the student, the parent.
    for who in ["s2.counsellor", "s2.student1", "s2.parent1"] {
        let d = srv
            .data_as(
                who,
                "{ mentorTeams { studentId } mentorTeamApplications { id } }",
                json!({}),
            )
            .await?;
        assert_eq!(d["mentorTeams"], json!([]), "{who}");
        assert_eq!(d["mentorTeamApplications"], json!([]), "{who}");
    }
    let apps = srv
        .data_as(
            "s2.head1",
            "{ mentorTeamApplications { id status } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        apps["mentorTeamApplications"][0]["status"],
        json!("APPROVED")
    );
    // No flag on the student: the Student type has no team field, and the
    // student's ordinary mentors are unchanged.
    let t = srv
        .data_as(
            "s2.admin",
            "{ __type(name: \"Student\") { fields { name } } }",
            json!({}),
        )
        .await?;
    ensure!(
        !t.to_string().to_lowercase().contains("team"),
        "Student has no team field: {t}"
    );
    let mentors = srv
        .data_as(
            "s2.student1",
            "{ students { edges { node { mentors { id } } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        mentors["students"]["edges"][0]["node"]["mentors"],
        json!([{ "id": mentor1 }])
    );
    if mentors.to_string().contains(&head1) {
        bail!("team membership leaked into the student's mentors");
    }
    Ok(())
}
both!(mentor_teams_are_discreet);

async fn blind_box_training_and_window(backend: Backend) -> Result<()> {
    let srv = TestServer::start(Options::new(backend)).await?;
    let term = first_term(&srv, "s2.admin").await?;
    let d = srv
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 8, "m": "BLIND_BOX" }),
        )
        .await?;
    assert_eq!(d["openMatchingRound"]["cap"], json!(15), "default cap");
    let round = s(&d["openMatchingRound"]["id"]);
    let eligible = "query($r: ID!) { eligibleMentors(roundId: $r) { id } }";
    let before = srv
        .data_as("s2.admin", eligible, json!({ "r": round }))
        .await?;
    let trainee = s(&before["eligibleMentors"][0]["id"]);
    // A teacher not yet fit to mentor: not offered, not placed, listed for training.
    srv.sql(&format!(
        "UPDATE staff SET qualification = 'training' WHERE id = {}",
        srv.uuid_lit(&trainee)
    ))?;
    let after = srv
        .data_as("s2.admin", eligible, json!({ "r": round }))
        .await?;
    ensure!(!after.to_string().contains(&trainee), "{after}");
    let p = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 2026 }))
        .await?;
    let p = &p["runMatchingPreview"];
    assert_eq!(p["stats"]["placed"], json!(18), "{p}");
    assert_eq!(p["stats"]["mentorsInTraining"], json!([{ "id": trainee }]));
    let lines = p["assignments"].as_array().cloned().unwrap_or_default();
    ensure!(lines.iter().all(|x| x["stage"] == json!("LOTTERY")), "{p}");
    ensure!(lines.iter().all(|x| x["mentorId"] != json!(trainee)));
    let again = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 2026 }))
        .await?;
    assert_eq!(again["runMatchingPreview"]["assignments"], p["assignments"]);
    let to_trainee = srv
        .gql(
            Some(&srv.login("s2.admin").await?),
            ADJUST,
            json!({ "r": round, "s": lines[0]["studentId"], "m": trainee, "why": "试试" }),
        )
        .await?;
    assert_eq!(error_code(&to_trainee).as_deref(), Some("VALIDATION"));

    // Choices only inside the window.
    let d = srv
        .data_as("s2.admin", "{ terms { id } }", json!({}))
        .await?;
    let other_term = d["terms"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| s(&t["id"]))
        .find(|t| *t != term)
        .unwrap_or_default();
    let later = "mutation($t: ID!, $at: DateTime!) { openMatchingRound(termId: $t, grade: 7, method: TWO_WAY, opensAt: $at) { id } }";
    let d = srv
        .data_as(
            "s2.admin",
            later,
            json!({ "t": other_term, "at": "2099-09-01T00:00:00Z" }),
        )
        .await?;
    let future = s(&d["openMatchingRound"]["id"]);
    let m = srv
        .data_as("s2.student1", eligible, json!({ "r": future }))
        .await?;
    let early = srv
        .gql(
            Some(&srv.login("s2.student1").await?),
            "mutation($r: ID!, $m: [ID!]!) { submitMentorChoices(roundId: $r, mentorIds: $m) { id } }",
            json!({ "r": future, "m": [m["eligibleMentors"][0]["id"]] }),
        )
        .await?;
    assert_eq!(error_code(&early).as_deref(), Some("CONFLICT"), "{early}");
    // A student of another grade cannot choose in this round.
    let other_grade = srv
        .gql(
            Some(&srv.login("s2.student1").await?),
            "mutation($r: ID!, $m: [ID!]!) { submitMentorChoices(roundId: $r, mentorIds: $m) { id } }",
            json!({ "r": round, "m": [after["eligibleMentors"][0]["id"]] }),
        )
        .await?;
    assert_eq!(error_code(&other_grade).as_deref(), Some("FORBIDDEN"));
    Ok(())
}
both!(blind_box_training_and_window);

async fn round_caps_follow_the_policy(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    drop_demo_round(&s)?;
    let t = s.login("s2.admin").await?;
    let terms = s.gql(Some(&t), "{ terms { id name } }", json!({})).await?;
    let term = terms["data"]["terms"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "2026学年第一学期"))
        .map(|x| x["id"].clone())
        .unwrap_or_default();
    // Looser than the school's policy (1:15 for grade 7): refused, naming the limit.
    let loose = s
        .gql(
            Some(&t),
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY", "c": 20 }),
        )
        .await?;
    ensure!(
        error_code(&loose).as_deref() == Some("VALIDATION"),
        "{loose}"
    );
    ensure!(loose.to_string().contains("1:15"), "{loose}");
    // No cap given: the policy's ratio applies.
    let r = s
        .gql(
            Some(&t),
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY", "c": null }),
        )
        .await?;
    ensure!(r["data"]["openMatchingRound"]["cap"] == json!(15), "{r}");
    Ok(())
}
both!(round_caps_follow_the_policy);
