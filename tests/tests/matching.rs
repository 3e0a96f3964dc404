//! Matching through the API on both databases: a two-way round end to end on
//! demo data (choices → preview → adjustment with a reason, audited →
//! publication → the new pairs everywhere → the student's explanation) and
//! the caps the policy sets. The rush, teams and blind box are in
//! `matching_rush.rs`; shared fixtures in `tests::matching`.

use anyhow::{Result, ensure};
use serde_json::{Value, json};
use tests::matching::*;
use tests::{Backend, Options, TestServer, both, error_code};

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

/// A school that keeps teachers on probation out of matching
/// (`mentor_assessment.match_probationary = false` in its policy) gets no
/// probationer in its round; under the standard scheme they may take students.
async fn probation_follows_the_policy(backend: Backend) -> Result<()> {
    let srv = TestServer::start(Options::new(backend)).await?;
    drop_demo_round(&srv)?;
    let term = first_term(&srv, "s2.admin").await?;
    let mentor = staff_of(&srv, "s2.mentor1")?;
    srv.sql(&format!(
        "UPDATE staff SET qualification = 'probation' WHERE id = {}",
        srv.uuid_lit(&mentor)
    ))?;
    let round = srv
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 7, "m": "TWO_WAY", "c": null }),
        )
        .await?;
    let round = s(&round["openMatchingRound"]["id"]);
    let qualified = |p: &Value| {
        p["runMatchingPreview"]["loads"]
            .as_array()
            .and_then(|l| l.iter().find(|x| s(&x["mentorId"]) == mentor))
            .map(|x| x["qualified"].clone())
    };
    let p = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 7 }))
        .await?;
    ensure!(qualified(&p) == Some(json!(true)), "standard scheme: {p}");

    let set = match backend {
        Backend::Postgres => {
            "UPDATE policy_versions SET rules = jsonb_set(rules::jsonb, '{mentor_assessment,match_probationary}', 'false'::jsonb)::text WHERE school_id IS NOT NULL"
        }
        Backend::Sqlite => {
            "UPDATE policy_versions SET rules = json_set(rules, '$.mentor_assessment.match_probationary', json('false')) WHERE school_id IS NOT NULL"
        }
    };
    srv.sql(set)?;
    let p = srv
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 7 }))
        .await?;
    ensure!(qualified(&p) == Some(json!(false)), "kept out: {p}");
    let placed_with_him = p["runMatchingPreview"]["assignments"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| s(&x["mentorId"]) == mentor));
    ensure!(
        !placed_with_him,
        "no student placed with a probationer: {p}"
    );
    Ok(())
}
both!(probation_follows_the_policy);
