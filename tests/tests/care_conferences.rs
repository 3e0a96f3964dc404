//! Case conferences, the action owner's task list and the response-time
//! report through the API, on PostgreSQL (with RLS) and SQLite: who sees a
//! conference (its cases' tiers decide; other schools, other mentors,
//! parents, students and the district see nothing), an action decided at a
//! conference in its owner's task list until marked done (and on the case's
//! timeline), and the district's report without a name or id.

use anyhow::Result;
use serde_json::{Value, json};
use tests::care::{RAISE, as_roles, crisis, grade_of, named_student, sql_staff_of};
use tests::{Backend, Options, TestServer, both, error_code};

const SCHEDULE: &str = "mutation($i: ScheduleConferenceInput!) { scheduleCareConference(input: $i) { id tier agenda mayRecord participants { id } cases { id } } }";
const CONFERENCE: &str = "query($id: ID!) { careConference(id: $id) { id tier agenda summary mayRecord cases { id studentName } actions { entryId description ownerName done } } }";
const RECORD: &str = "mutation($id: ID!, $s: String!, $a: [DecidedActionInput!]!) { recordCareConference(id: $id, summary: $s, actions: $a) { id summary mayRecord actions { entryId description done } } }";
const MY_ACTIONS: &str =
    "{ myCareActions { entryId caseId conferenceId description done overdue } }";
const AGENDA: &str = "讨论自伤风险与家校分工";

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(v, |v, k| &v[*k])
        .as_str()
        .unwrap_or_default()
}

fn tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339()
}

fn day_after_tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string()
}

async fn conferences_follow_the_case_tiers(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = named_student(&s, "s2").await?;
    let raised = s
        .data_as("s2.mentor1", RAISE, crisis("conf-1", &student))
        .await?;
    let case = str_at(&raised, &["raiseConcern", "id"]).to_string();
    let counsellor = s.login("s2.counsellor").await?;
    let mentor_staff = sql_staff_of(&s, "s2.mentor1")?;

    // A mentor may not schedule; bad input changes nothing.
    let mentor = s.login("s2.mentor1").await?;
    let input = json!({ "i": { "caseIds": [case], "scheduledAt": tomorrow(), "agenda": AGENDA } });
    let r = s.gql(Some(&mentor), SCHEDULE, input.clone()).await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    for bad in [
        json!({ "i": { "caseIds": [], "scheduledAt": tomorrow(), "agenda": AGENDA } }),
        json!({ "i": { "caseIds": [case], "scheduledAt": tomorrow(), "agenda": "很".repeat(2001) } }),
        json!({ "i": { "caseIds": [case], "scheduledAt": "2020-01-01T00:00:00Z", "agenda": AGENDA } }),
    ] {
        let r = s.gql(Some(&counsellor), SCHEDULE, bad).await?;
        assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    }
    let r = s
        .gql(
            Some(&s.login("s1.counsellor").await?),
            SCHEDULE,
            input.clone(),
        )
        .await?;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("NOT_FOUND"),
        "other school: {r}"
    );
    let n = s.sql("SELECT count(*) FROM care_conferences")?;

    // The counsellor schedules it.
    let r = s.gql(Some(&counsellor), SCHEDULE, input).await?;
    let conf = str_at(&r, &["data", "scheduleCareConference", "id"]).to_string();
    assert_eq!(r["data"]["scheduleCareConference"]["tier"], "FULL", "{r}");
    assert_eq!(r["data"]["scheduleCareConference"]["agenda"], AGENDA);
    let after: i64 = s
        .sql("SELECT count(*) FROM care_conferences")?
        .trim()
        .parse()?;
    assert_eq!(
        after,
        n.trim().parse::<i64>()? + 1,
        "one conference, the refused ones none"
    );

    // The raiser sees that it exists (status), not the agenda.
    let c = s
        .gql(Some(&mentor), CONFERENCE, json!({ "id": conf }))
        .await?;
    assert_eq!(c["data"]["careConference"]["tier"], "STATUS", "{c}");
    assert!(c["data"]["careConference"]["agenda"].is_null(), "{c}");

    // Nobody else: another mentor, the parent, the student, the district,
    // another school.
    let other = as_roles(&s, "s2.head1", &["mentor"], &[]).await?;
    for (who, token) in [
        ("other mentor", other),
        ("parent", s.login("s2.parent1").await?),
        ("student", s.login("s2.student1").await?),
        ("district", s.login("district").await?),
        ("other school", s.login("s1.counsellor").await?),
    ] {
        let c = s
            .gql(Some(&token), CONFERENCE, json!({ "id": conf }))
            .await?;
        assert!(
            matches!(error_code(&c).as_deref(), Some("NOT_FOUND" | "FORBIDDEN")),
            "{who} read the conference: {c}"
        );
        let l = s
            .gql(Some(&token), "{ careConferences { id agenda } }", json!({}))
            .await?;
        assert!(!l.to_string().contains(&conf), "{who} listed it: {l}");
        assert!(!l.to_string().contains(AGENDA), "{who}: {l}");
        let a = s.gql(Some(&token), MY_ACTIONS, json!({})).await?;
        assert!(!a.to_string().contains(&case), "{who} has its actions: {a}");
    }

    // The owner picker offers the case's people first (the raiser).
    let ch = s
        .gql(
            Some(&counsellor),
            "query($c: [ID!]!) { careStaffChoices(caseIds: $c) { id name onCase } }",
            json!({ "c": [case] }),
        )
        .await?;
    let choices = ch["data"]["careStaffChoices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        choices
            .iter()
            .any(|c| c["id"] == mentor_staff.as_str() && c["onCase"] == true),
        "{ch}"
    );
    assert!(
        choices.iter().any(|c| c["onCase"] == false),
        "and the school's staff: {ch}"
    );
    let ch = s
        .gql(
            Some(&s.login("s2.parent1").await?),
            "{ careStaffChoices { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&ch).as_deref(), Some("FORBIDDEN"), "{ch}");

    // The counsellor records the discussion and an action for the mentor.
    let action = "本周内约家长面谈";
    let vars = json!({ "id": conf, "s": "风险仍高，需家校配合", "a": [
        { "caseId": case, "description": action, "ownerStaffId": mentor_staff, "dueOn": day_after_tomorrow() }
    ] });
    let r = s.gql(Some(&mentor), RECORD, vars.clone()).await?;
    assert!(
        matches!(error_code(&r).as_deref(), Some("FORBIDDEN" | "NOT_FOUND")),
        "the raiser may not record: {r}"
    );
    let r = s.gql(Some(&counsellor), RECORD, vars.clone()).await?;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(r["data"]["recordCareConference"]["mayRecord"], false);
    let again = s.gql(Some(&counsellor), RECORD, vars).await?;
    assert_eq!(
        error_code(&again).as_deref(),
        Some("CONFLICT"),
        "once: {again}"
    );

    // It is in the mentor's task list until they mark it done.
    let mine = s.data_as("s2.mentor1", MY_ACTIONS, json!({})).await?;
    let item = mine["myCareActions"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["description"] == action).cloned())
        .unwrap_or_default();
    assert_eq!(item["done"], false, "{mine}");
    assert_eq!(item["conferenceId"], conf.as_str());
    let done = s
        .gql(
            Some(&mentor),
            "mutation($e: ID!) { completeCareAction(entryId: $e, note: \"已面谈\") { id } }",
            json!({ "e": item["entryId"] }),
        )
        .await?;
    assert!(done["errors"].is_null(), "{done}");
    let twice = s
        .gql(
            Some(&mentor),
            "mutation($e: ID!) { completeCareAction(entryId: $e, note: \"再次\") { id } }",
            json!({ "e": item["entryId"] }),
        )
        .await?;
    assert_eq!(error_code(&twice).as_deref(), Some("CONFLICT"), "{twice}");
    let mine = s.data_as("s2.mentor1", MY_ACTIONS, json!({})).await?;
    assert!(
        mine["myCareActions"].as_array().is_some_and(|a| a
            .iter()
            .any(|x| x["description"] == action && x["done"] == true)),
        "{mine}"
    );
    // The conference and the case's timeline show it done.
    let c = s
        .data_as("s2.counsellor", CONFERENCE, json!({ "id": conf }))
        .await?;
    assert_eq!(c["careConference"]["actions"][0]["done"], true, "{c}");
    let t = s
        .data_as(
            "s2.counsellor",
            "query($id: ID!) { careCase(id: $id) { timeline { kind conferenceId } } }",
            json!({ "id": case }),
        )
        .await?;
    let kinds = t["careCase"]["timeline"].to_string();
    for k in [
        "conference_scheduled",
        "conference",
        "action",
        "action_done",
    ] {
        assert!(kinds.contains(&format!("\"{k}\"")), "{k}: {t}");
    }

    // A grade leader schedules on their grade's cases (status tier) and
    // then takes part in full.
    let grade = grade_of(&s, &student).await?;
    // (Not yet named on the case: another grade's leader sees nothing.)
    let other_grade = as_roles(&s, "s2.head1", &["grade_leader"], &[grade + 1]).await?;
    let r = s
        .gql(
            Some(&other_grade),
            SCHEDULE,
            json!({ "i": { "caseIds": [case], "scheduledAt": tomorrow(), "agenda": "x" } }),
        )
        .await?;
    assert!(
        matches!(error_code(&r).as_deref(), Some("NOT_FOUND" | "FORBIDDEN")),
        "another grade's leader: {r}"
    );

    let leader = as_roles(&s, "s2.head1", &["grade_leader"], &[grade]).await?;
    let r = s
        .gql(
            Some(&leader),
            SCHEDULE,
            json!({ "i": { "caseIds": [case], "scheduledAt": tomorrow(), "agenda": "年级导师会诊" } }),
        )
        .await?;
    assert_eq!(r["data"]["scheduleCareConference"]["tier"], "FULL", "{r}");
    // Reads are audited.
    let trail = s
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action } }",
            json!({ "id": conf }),
        )
        .await?;
    let t = trail.to_string();
    for a in [
        "care.conference.schedule",
        "care.conference.record",
        "care.conference.read",
    ] {
        assert!(t.contains(a), "{a}: {t}");
    }
    Ok(())
}
both!(conferences_follow_the_case_tiers);

fn has_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(35)).any(|i| {
        let w = &b[i..i + 36];
        w.iter().enumerate().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
    })
}

async fn the_response_report_counts_without_names(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = named_student(&s, "s2").await?;
    let raised = s
        .data_as("s2.mentor1", RAISE, crisis("report-1", &student))
        .await?;
    let case = str_at(&raised, &["raiseConcern", "id"]).to_string();
    s.data_as(
        "s2.counsellor",
        "mutation($c: ID!) { acknowledgeCareCase(caseId: $c) { id } }",
        json!({ "c": case }),
    )
    .await?;
    let q = "{ careResponseReport { schoolName termName overdueActions levels { level cases open ackTargetMinutes acknowledged ackMedianMinutes ackWorstMinutes ackOverdue assessTargetHours assessed assessOverdue } } }";
    let r = s.data_as("s2.admin", q, json!({})).await?;
    let levels = r["careResponseReport"]["levels"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let crisis_row = levels
        .iter()
        .find(|l| l["level"] == "CRISIS")
        .cloned()
        .unwrap_or_default();
    // The demo's assessed crisis, and this one acknowledged at once.
    assert!(crisis_row["cases"].as_i64() >= Some(2), "{r}");
    assert_eq!(crisis_row["ackTargetMinutes"], 10);
    assert_eq!(crisis_row["assessTargetHours"], 24);
    assert!(crisis_row["ackMedianMinutes"].is_i64(), "{r}");
    assert!(
        levels
            .iter()
            .any(|l| l["level"] == "WATCH" && l["acknowledged"] == 0),
        "the demo's unanswered watch: {r}"
    );
    let watch = levels
        .iter()
        .find(|l| l["level"] == "WATCH")
        .cloned()
        .unwrap_or_default();
    assert!(
        watch["ackWorstMinutes"].as_i64() >= Some(19 * 60),
        "waiting counts: {watch}"
    );
    for who in ["s2.mentor1", "s2.counsellor", "s2.parent1", "district"] {
        let t = s.login(who).await?;
        let r = s.gql(Some(&t), q, json!({})).await?;
        assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{who}: {r}");
    }

    // The district: the same counts per school, no name or id.
    let dq = "{ careResponseBySchool { schoolName termName from to overdueActions levels { level cases open ackMedianMinutes ackWorstMinutes ackOverdue assessed assessMedianMinutes assessOverdue escalated } } }";
    let d = s.data_as("district", dq, json!({})).await?;
    let rows = d["careResponseBySchool"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(rows.len() >= 3, "{d}");
    let s2 = rows
        .iter()
        .find(|x| x["schoolName"] == r["careResponseReport"]["schoolName"])
        .cloned()
        .unwrap_or_default();
    let d_crisis = s2["levels"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["level"] == "CRISIS").cloned())
        .unwrap_or_default();
    assert_eq!(d_crisis["cases"], crisis_row["cases"], "{d}");
    let text = d.to_string();
    assert!(!has_uuid(&text), "an id in the district's report: {text}");
    let name = s
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { student(id: $s) { name } }",
            json!({ "s": student }),
        )
        .await?;
    let student_name = str_at(&name, &["student", "name"]);
    assert!(
        !student_name.is_empty() && !text.contains(student_name),
        "{text}"
    );
    for user in ["s2.mentor1", "s2.counsellor"] {
        let me = s.data_as(user, "{ me { displayName } }", json!({})).await?;
        let n = str_at(&me, &["me", "displayName"]);
        assert!(!n.is_empty() && !text.contains(n), "{n} in {text}");
    }
    let refused = s
        .gql(Some(&s.login("s2.admin").await?), dq, json!({}))
        .await?;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    Ok(())
}
both!(the_response_report_counts_without_names);
