//! Mentor training through the API on SQLite and PostgreSQL (issue 12): the
//! school admin keeps courses (the school's and the district's, 单周一研
//! every other week), schedules sessions and records attendance per
//! teacher; completing the required courses starts probation for as long as
//! the policy says, kept as history with the reason; a teacher reads their
//! own record only; bad input changes nothing.

use anyhow::{Context, Result, ensure};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

const COURSES: &str = "{ trainingCourses { id name provider cadence required sessionsRequired sessions { id on topic present } } }";
const CREATE: &str = "mutation($n: String!, $p: TrainingProvider!, $c: TrainingCadence!, $r: Boolean!, $k: Int!) { createTrainingCourse(name: $n, provider: $p, cadence: $c, required: $r, sessionsRequired: $k) { id } }";
const SCHEDULE: &str = "mutation($c: ID!, $f: NaiveDate!, $u: NaiveDate!) { scheduleTraining(courseId: $c, from: $f, until: $u) { id on } }";
const ATTEND: &str = "mutation($s: ID!, $p: [ID!]!) { recordTrainingAttendance(sessionId: $s, present: $p) { id present } }";
const RECORD: &str = "query($s: ID) { trainingRecord(staffId: $s) { qualification completedOn probationEnds progress { course attended required metOn } attended { on course provider } } }";

fn count(s: &TestServer, sql: &str) -> Result<i64> {
    Ok(s.sql(sql)?.trim().parse()?)
}

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

async fn training_starts_probation(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    // The demo: the four series (required) and the district's 单周一研.
    let d = s.data_as("s2.admin", COURSES, json!({})).await?;
    let courses = d["trainingCourses"].as_array().context("courses")?.clone();
    ensure!(courses.len() == 2, "{d}");
    let basics = courses
        .iter()
        .find(|c| c["required"] == json!(true))
        .context("required course")?
        .clone();
    ensure!(
        basics["sessions"].as_array().is_some_and(|s| s.len() == 4),
        "{basics}"
    );
    let research = courses
        .iter()
        .find(|c| c["cadence"] == json!("BIWEEKLY"))
        .context("单周一研")?;
    ensure!(research["provider"] == json!("DISTRICT"), "{research}");
    ensure!(
        research["sessions"].as_array().is_some_and(|s| s
            .iter()
            .all(|x| !x["present"].as_array().is_some_and(Vec::is_empty))),
        "{research}"
    );

    // Bad input: clear errors, nothing stored; only the admin.
    let before = count(&s, "SELECT count(*) FROM training_courses")?;
    for (n, r, k) in [
        (" ", false, 0),
        ("新任导师培训", true, 0),
        ("新任导师培训", true, 41),
    ] {
        let b = raw(
            &s,
            "s2.admin",
            CREATE,
            json!({ "n": n, "p": "SCHOOL", "c": "WEEKLY", "r": r, "k": k }),
        )
        .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    }
    for who in ["s2.mentor1", "s2.head1", "s2.grade7", "district"] {
        let b = raw(
            &s,
            who,
            CREATE,
            json!({ "n": "越权", "p": "SCHOOL", "c": "ONCE", "r": false, "k": 0 }),
        )
        .await?;
        ensure!(error_code(&b).is_some(), "{who}: {b}");
        let b = raw(&s, who, COURSES, json!({})).await?;
        ensure!(error_code(&b).is_some(), "{who} read the courses: {b}");
    }
    ensure!(count(&s, "SELECT count(*) FROM training_courses")? == before);

    // A new required course, weekly, two sessions.
    let d = s
        .data_as(
            "s2.admin",
            CREATE,
            json!({ "n": "新任导师培训", "p": "SCHOOL", "c": "WEEKLY", "r": true, "k": 2 }),
        )
        .await?;
    let course = d["createTrainingCourse"]["id"]
        .as_str()
        .context("id")?
        .to_string();
    let t = today();
    let b = raw(
        &s,
        "s2.admin",
        SCHEDULE,
        json!({ "c": course, "f": (t - Duration::days(10)).to_string(), "u": (t - Duration::days(20)).to_string() }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let d = s
        .data_as(
            "s2.admin",
            SCHEDULE,
            json!({ "c": course, "f": (t - Duration::days(14)).to_string(), "u": (t + Duration::days(7)).to_string() }),
        )
        .await?;
    let sessions = d["scheduleTraining"]
        .as_array()
        .context("sessions")?
        .clone();
    ensure!(sessions.len() == 4, "{d}");
    // Scheduling again keeps what is there.
    let d = s
        .data_as(
            "s2.admin",
            SCHEDULE,
            json!({ "c": course, "f": (t - Duration::days(14)).to_string(), "u": (t + Duration::days(7)).to_string() }),
        )
        .await?;
    ensure!(d["scheduleTraining"] == json!([]), "{d}");

    // A new teacher.
    let d = s
        .data_as(
            "s2.admin",
            "mutation { createStaff(input: { staffNo: \"T7001\", name: \"新老师甲\" }) { id qualification } }",
            json!({}),
        )
        .await?;
    let teacher = d["createStaff"]["id"].as_str().context("id")?.to_string();
    ensure!(
        d["createStaff"]["qualification"] == json!("UNTRAINED"),
        "{d}"
    );
    let sid = |v: &Value| v["id"].as_str().map(String::from).unwrap_or_default();
    // A future session, another school's teacher: refused, nothing stored.
    let b = raw(
        &s,
        "s2.admin",
        ATTEND,
        json!({ "s": sid(&sessions[3]), "p": [teacher] }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let foreign = s.sql(&format!(
        "SELECT {} FROM staff WHERE school_id = (SELECT school_id FROM users WHERE username = 's1.admin') LIMIT 1",
        s.uuid_col("id")
    ))?;
    let b = raw(
        &s,
        "s2.admin",
        ATTEND,
        json!({ "s": sid(&basics["sessions"][0]), "p": [teacher, foreign.trim()] }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let tl = s.uuid_lit(&teacher);
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM training_attendance WHERE staff_id = {tl}")
        )? == 0
    );

    // The four series: 培训中 from the first; not yet complete.
    let basic_sessions = basics["sessions"].as_array().context("s")?.clone();
    for x in &basic_sessions {
        let mut present: Vec<Value> = x["present"].as_array().cloned().unwrap_or_default();
        present.push(json!(teacher));
        s.data_as("s2.admin", ATTEND, json!({ "s": sid(x), "p": present }))
            .await?;
    }
    let d = s
        .data_as("s2.admin", RECORD, json!({ "s": teacher }))
        .await?;
    let r = &d["trainingRecord"];
    ensure!(r["qualification"] == json!("TRAINING"), "{d}");
    ensure!(r["completedOn"].is_null(), "{d}");
    // The new course's two past sessions complete it: probation from the
    // second, for the policy's 30 days.
    for x in &sessions[..2] {
        s.data_as("s2.admin", ATTEND, json!({ "s": sid(x), "p": [teacher] }))
            .await?;
    }
    let done_on = sessions[1]["on"].as_str().context("on")?.to_string();
    let d = s
        .data_as("s2.admin", RECORD, json!({ "s": teacher }))
        .await?;
    let r = &d["trainingRecord"];
    ensure!(r["qualification"] == json!("PROBATION"), "{d}");
    ensure!(r["completedOn"] == json!(done_on), "{d}");
    let ends = NaiveDate::parse_from_str(&done_on, "%Y-%m-%d")? + Duration::days(30);
    ensure!(r["probationEnds"] == json!(ends.to_string()), "{d}");
    ensure!(
        r["progress"]
            .as_array()
            .is_some_and(|p| p.len() == 2 && p.iter().all(|x| x["metOn"].is_string())),
        "{d}"
    );
    ensure!(
        r["attended"].as_array().is_some_and(|a| a.len() == 6),
        "{d}"
    );
    let d = s
        .data_as(
            "s2.admin",
            "query($s: ID!) { qualificationHistory(staffId: $s) { on previous standing reason } }",
            json!({ "s": teacher }),
        )
        .await?;
    let h = d["qualificationHistory"].as_array().context("history")?;
    ensure!(h.len() == 2, "{d}");
    ensure!(
        h[0]["standing"] == json!("TRAINING")
            && h[0]["on"] == basic_sessions[0]["on"]
            && h[1]["standing"] == json!("PROBATION")
            && h[1]["on"] == json!(done_on),
        "{d}"
    );
    let why = h[1]["reason"].as_str().unwrap_or_default();
    ensure!(
        why.contains("完成必修培训") && why.contains("30天"),
        "{why}"
    );
    // Taking attendance back keeps the history (it is never rewritten).
    s.data_as(
        "s2.admin",
        ATTEND,
        json!({ "s": sid(&sessions[1]), "p": [] }),
    )
    .await?;
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM qualification_steps WHERE staff_id = {tl}")
        )? == 2
    );
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE action = 'record_training_attendance'"
        )? == 7
    );

    // A teacher's own record, and nobody else's.
    let d = s
        .data_as("s2.mentor1", RECORD, json!({ "s": null }))
        .await?;
    let mine = &d["trainingRecord"];
    ensure!(mine["qualification"] == json!("APPOINTED"), "{d}");
    ensure!(
        mine["attended"].as_array().is_some_and(|a| a.len() >= 4),
        "{d}"
    );
    for who in ["s2.mentor1", "s2.head1", "s2.grade7", "s2.parent1"] {
        let b = raw(&s, who, RECORD, json!({ "s": teacher })).await?;
        ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{who}: {b}");
    }
    let b = raw(&s, "s1.admin", RECORD, json!({ "s": teacher })).await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    Ok(())
}
both!(training_starts_probation);
