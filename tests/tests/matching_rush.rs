//! Matching under load and discretion, on both databases: the self-selection
//! rush under ≥ 1,000 concurrent selections (two server processes on
//! PostgreSQL) with the invariants checked in SQL, special-needs mentor
//! teams, and the blind box with its training and window rules.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail, ensure};
use serde_json::json;
use tests::matching::*;
use tests::{Backend, Options, TestServer, both, error_code};

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
                // UNAVAILABLE is the server's "retry": the app retries it with
                // back-off, and so does this client (seen on SQLite on a
                // loaded machine); every other answer is final.
                let mut attempt = 0u64;
                loop {
                    let body = tests::gql_at(
                        &client,
                        &base,
                        Some(&token),
                        select,
                        json!({ "r": round, "m": m }),
                    )
                    .await?;
                    attempt += 1;
                    if attempt < 5 && error_code(&body).as_deref() == Some("UNAVAILABLE") {
                        tokio::time::sleep(std::time::Duration::from_millis(250 * attempt)).await;
                        continue;
                    }
                    return Ok::<_, anyhow::Error>((i, body));
                }
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
