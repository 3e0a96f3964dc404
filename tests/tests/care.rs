//! Care and crisis through the API, on PostgreSQL (with RLS) and SQLite:
//! who sees what of a case (the confidentiality tiers), every read audited,
//! the emergency plan's escalation with a moved clock, an offline crisis
//! raised once, and live alerts over WebSocket (in one process, and across
//! two processes through Redis).

use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tests::care::{
    ALERTS, CASE, RAISE, Subscription, alerts_about, as_roles, crisis, grade_of, named_student,
    set_safety_lead, sql_staff_of,
};
use tests::{Backend, Options, TestServer, both, error_code};

async fn case_as(s: &TestServer, token: &str, id: &str) -> Result<Value> {
    s.gql(Some(token), CASE, json!({ "id": id })).await
}

async fn visibility_matrix(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin_staff = sql_staff_of(&s, "s2.admin")?;
    set_safety_lead(&s, &admin_staff)?;
    let student = named_student(&s, "s2").await?;
    let raised = s
        .data_as(
            "s2.mentor1",
            RAISE,
            json!({ "i": { "clientKey": "m-1", "studentId": student, "level": "CRISIS",
                "category": "SELF_HARM", "seen": "说不想活了", "othersAware": "同桌" } }),
        )
        .await?;
    let id = raised["raiseConcern"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(raised["raiseConcern"]["tier"], "STATUS", "{raised}");
    assert!(
        raised["raiseConcern"]["seen"].is_null(),
        "the raiser sees status only"
    );

    let counsellor = s.login("s2.counsellor").await?;
    let c = case_as(&s, &counsellor, &id).await?;
    assert_eq!(c["data"]["careCase"]["tier"], "FULL", "{c}");
    assert_eq!(c["data"]["careCase"]["seen"], "说不想活了");
    assert_eq!(c["data"]["careCase"]["othersAware"], "同桌");

    let lead = s.login("s2.admin").await?;
    let c = case_as(&s, &lead, &id).await?;
    assert_eq!(c["data"]["careCase"]["tier"], "FULL", "safety lead: {c}");

    let mentor = s.login("s2.mentor1").await?;
    let c = case_as(&s, &mentor, &id).await?;
    let v = &c["data"]["careCase"];
    assert_eq!(v["tier"], "STATUS", "{c}");
    assert_eq!(v["level"], "CRISIS");
    assert!(v["seen"].is_null() && v["othersAware"].is_null() && v["raisedByName"].is_null());

    let head = s.login("s2.head1").await?;
    let c = case_as(&s, &head, &id).await?;
    let v = &c["data"]["careCase"];
    assert_eq!(v["tier"], "EXISTENCE", "{c}");
    assert!(v["level"].is_null() && v["stage"].is_null() && v["seen"].is_null());
    assert_eq!(v["timeline"], json!([]), "no entries of others: {c}");

    // The grade leader of the student's grade sees the status.
    let grade = grade_of(&s, &student).await?;
    let leader = as_roles(&s, "s2.head1", &["grade_leader"], &[grade]).await?;
    let c = case_as(&s, &leader, &id).await?;
    assert_eq!(c["data"]["careCase"]["tier"], "STATUS", "grade leader: {c}");

    // Nobody else: another mentor, the parent, the student, the district,
    // another school.
    let other = as_roles(&s, "s2.head1", &["mentor"], &[]).await?;
    for (who, token) in [
        ("other mentor", other),
        ("parent", s.login("s2.parent1").await?),
        ("student", s.login("s2.student1").await?),
        ("district", s.login("district").await?),
        ("other school", s.login("s1.counsellor").await?),
        ("other district", s.login("y.s2.counsellor").await?),
    ] {
        let c = case_as(&s, &token, &id).await?;
        let code = error_code(&c);
        assert!(
            matches!(code.as_deref(), Some("NOT_FOUND" | "FORBIDDEN")),
            "{who} read the case: {c}"
        );
        assert!(!c.to_string().contains("说不想活了"), "{who}: {c}");
        let l = s
            .gql(Some(&token), "{ careCases { id } }", json!({}))
            .await?;
        let listed = l["data"]["careCases"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["id"] == id.as_str()));
        assert!(!listed, "{who} listed the case: {l}");
        // (The "other mentor" is the head teacher's account acting as a
        // plain mentor: alerts are addressed to the account.)
        if who != "other mentor" {
            let a = s.gql(Some(&token), ALERTS, json!({})).await?;
            assert!(!a.to_string().contains(&id), "{who} was alerted: {a}");
        }
    }

    // Counsellor, head teacher and safety lead are alerted; the raiser is not.
    for who in ["s2.counsellor", "s2.head1", "s2.admin"] {
        let a = alerts_about(&s, who, &id).await?;
        assert_eq!(a.len(), 1, "{who}");
        // The head teacher, who sees only that a case exists, is alerted
        // without the level; the others see it.
        if who == "s2.head1" {
            assert!(a[0]["level"].is_null(), "{who}: {a:?}");
        } else {
            assert_eq!(a[0]["level"], "CRISIS", "{who}: {a:?}");
        }
    }
    assert!(alerts_about(&s, "s2.mentor1", &id).await?.is_empty());

    // The counsellor acknowledges and assesses; the raiser still sees only
    // the stage, the head teacher only that it exists.
    let ack = s
        .gql(
            Some(&counsellor),
            "mutation($c: ID!) { acknowledgeCareCase(caseId: $c) { stage } }",
            json!({ "c": id }),
        )
        .await?;
    assert_eq!(
        ack["data"]["acknowledgeCareCase"]["stage"], "ACKNOWLEDGED",
        "{ack}"
    );
    let assess = s
        .gql(
            Some(&counsellor),
            "mutation($c: ID!, $a: AssessmentInput!) { recordCareAssessment(caseId: $c, input: $a) { stage timeline { kind riskLevel factors plan } } }",
            json!({ "c": id, "a": { "riskLevel": "CRISIS", "factors": ["自伤念头"], "protectiveFactors": ["信任导师"], "plan": "今日联系家长，转介区心理中心" } }),
        )
        .await?;
    assert_eq!(
        assess["data"]["recordCareAssessment"]["stage"], "ASSESSED",
        "{assess}"
    );
    // Only counsellors assess.
    let refused = s
        .gql(
            Some(&mentor),
            "mutation($c: ID!, $a: AssessmentInput!) { recordCareAssessment(caseId: $c, input: $a) { stage } }",
            json!({ "c": id, "a": { "riskLevel": "WATCH", "plan": "x" } }),
        )
        .await?;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    // An action for the head teacher: they see it (their own), not the assessment.
    let head_staff = sql_staff_of(&s, "s2.head1")?;
    let act = s
        .gql(
            Some(&counsellor),
            "mutation($c: ID!, $i: CaseActionInput!) { addCareAction(caseId: $c, input: $i) { timeline { id kind ownerStaffId } } }",
            json!({ "c": id, "i": { "description": "今天放学前约谈家长", "ownerStaffId": head_staff } }),
        )
        .await?;
    assert!(act["errors"].is_null(), "{act}");
    let c = case_as(&s, &head, &id).await?;
    let kinds: Vec<&str> = c["data"]["careCase"]["timeline"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    // Named on the case now, the head teacher is a participant: full access.
    assert_eq!(c["data"]["careCase"]["tier"], "FULL", "{c}");
    assert!(
        kinds.contains(&"action") && kinds.contains(&"assessment"),
        "{kinds:?}"
    );
    let c = case_as(&s, &mentor, &id).await?;
    let kinds: Vec<&str> = c["data"]["careCase"]["timeline"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        vec!["raised"],
        "the raiser sees their own entries only"
    );
    assert_eq!(c["data"]["careCase"]["stage"], "ASSESSED");

    // Amendments, not overwrites: the original stays.
    let entry = act["data"]["addCareAction"]["timeline"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["kind"] == "action"))
        .map(|e| e["id"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let am = s
        .gql(
            Some(&counsellor),
            "mutation($e: ID!) { amendCareEntry(entryId: $e, text: \"改为明天上午约谈\", reason: \"家长出差\") { timeline { kind note } } }",
            json!({ "e": entry }),
        )
        .await?;
    let t = am["data"]["amendCareEntry"]["timeline"].to_string();
    assert!(
        t.contains("今天放学前约谈家长") && t.contains("改为明天上午约谈"),
        "{am}"
    );

    // Every read is audited, with the tier.
    let trail = s
        .data_as(
            "s2.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action reason } }",
            json!({ "id": id }),
        )
        .await?;
    let reads: Vec<String> = trail["auditTrail"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| r["action"] == "care.case.read")
                .map(|r| r["reason"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    for tier in ["tier:full", "tier:status", "tier:existence"] {
        assert!(
            reads.iter().any(|r| r == tier),
            "no audited {tier} read: {reads:?}"
        );
    }

    // While the case is open the counsellor reads the growth file (audited).
    let f = s
        .gql(
            Some(&counsellor),
            "query($s: ID!) { growthFile(studentId: $s) { student { id } } }",
            json!({ "s": student }),
        )
        .await?;
    assert!(f["errors"].is_null(), "{f}");
    let close = s
        .gql(
            Some(&counsellor),
            "mutation($c: ID!) { closeCareCase(caseId: $c, summary: \"已转介并稳定\") { open stage } }",
            json!({ "c": id }),
        )
        .await?;
    assert_eq!(close["data"]["closeCareCase"]["open"], false, "{close}");
    Ok(())
}
both!(visibility_matrix);

async fn escalation_after_the_plans_time(backend: Backend) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    std::fs::write(&clock, "0")?;
    let s = TestServer::start(Options {
        env: vec![
            ("DAOSHI_CLOCK_FILE".into(), clock.display().to_string()),
            ("DAOSHI_ESCALATION_MS".into(), "200".into()),
        ],
        ..Options::new(backend)
    })
    .await?;
    // The principal is alerted only when the plan escalates: the demo names
    // them the safety lead (alerted at once), so here the counsellor is.
    let counsellor_staff = sql_staff_of(&s, "s2.counsellor")?;
    set_safety_lead(&s, &counsellor_staff)?;
    let student = named_student(&s, "s2").await?;
    let quiet = s
        .data_as("s2.mentor1", RAISE, crisis("e-1", &student))
        .await?;
    let quiet = quiet["raiseConcern"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let answered = s
        .data_as("s2.mentor1", RAISE, crisis("e-2", &student))
        .await?;
    let answered = answered["raiseConcern"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    s.data_as(
        "s2.counsellor",
        "mutation($c: ID!) { acknowledgeCareCase(caseId: $c) { id } }",
        json!({ "c": answered }),
    )
    .await?;
    // Within the plan's 10 minutes nobody further is alerted.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(alerts_about(&s, "s2.admin", &quiet).await?.is_empty());
    // Eleven minutes later the principal is.
    std::fs::write(&clock, "660")?;
    let mut found = vec![];
    for _ in 0..50 {
        found = alerts_about(&s, "s2.admin", &quiet).await?;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if found.len() != 1 || found[0]["reason"] != "escalated" {
        bail!("the principal was not alerted once: {found:?}");
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        alerts_about(&s, "s2.admin", &quiet).await?.len(),
        1,
        "escalated once"
    );
    assert!(
        alerts_about(&s, "s2.admin", &answered).await?.is_empty(),
        "an acknowledged case does not escalate"
    );
    let c = s
        .data_as("s2.counsellor", CASE, json!({ "id": quiet }))
        .await?;
    assert!(c.to_string().contains("escalation"), "{c}");
    Ok(())
}
both!(escalation_after_the_plans_time);

async fn an_offline_crisis_is_raised_once(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = named_student(&s, "s2").await?;
    let a = s
        .data_as("s2.mentor1", RAISE, crisis("offline-7", &student))
        .await?;
    let b = s
        .data_as("s2.mentor1", RAISE, crisis("offline-7", &student))
        .await?;
    assert_eq!(a["raiseConcern"]["id"], b["raiseConcern"]["id"]);
    let rows = s.sql("SELECT count(*) FROM care_cases WHERE client_key = 'offline-7'")?;
    assert_eq!(rows.trim(), "1");
    let id = a["raiseConcern"]["id"].as_str().unwrap_or_default();
    assert_eq!(alerts_about(&s, "s2.counsellor", id).await?.len(), 1);
    // Bad input changes nothing.
    let long = "很".repeat(2001);
    let bad = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            RAISE,
            json!({ "i": { "clientKey": "offline-8", "studentId": student, "level": "WATCH", "category": "OTHER", "seen": long } }),
        )
        .await?;
    assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad}");
    // A mentor may not raise about a student who is not theirs.
    let other = s
        .data_as(
            "s2.admin",
            "{ students(first: 200) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let mine = s
        .data_as(
            "s2.mentor1",
            "{ students(first: 200) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let stranger = other["students"]["edges"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .map(|e| e["node"]["id"].clone())
                .find(|i| !mine.to_string().contains(i.as_str().unwrap_or("-")))
        })
        .unwrap_or_default();
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            RAISE,
            crisis("offline-9", stranger.as_str().unwrap_or_default()),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(an_offline_crisis_is_raised_once);

/// The demo's counsellor lands on open cases of each level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_counsellor_has_open_cases_of_each_level() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    for school in ["s1", "s2", "s3"] {
        let d = s
            .data_as(
                &format!("{school}.counsellor"),
                "{ careCases { level tier } careAlerts { id } }",
                json!({}),
            )
            .await?;
        let levels = d["careCases"].to_string();
        for l in ["CRISIS", "WARNING", "WATCH"] {
            assert!(levels.contains(l), "{school}: {d}");
        }
        assert!(
            d["careAlerts"].as_array().is_some_and(|a| !a.is_empty()),
            "{d}"
        );
    }
    Ok(())
}

/// Live alerts in one process (no Redis): the counsellor's open socket gets
/// the crisis at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crisis_reaches_the_counsellors_socket() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let student = named_student(&s, "s2").await?;
    let token = s.login("s2.counsellor").await?;
    let mut sub = Subscription::open(&s.base_url(), &token).await?;
    let mut parent = Subscription::open(&s.base_url(), &s.login("s2.parent1").await?).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = s
        .data_as("s2.mentor1", RAISE, crisis("live-1", &student))
        .await?;
    let e = sub.next_alert(Duration::from_secs(2)).await?;
    assert_eq!(e["caseId"], r["raiseConcern"]["id"], "{e}");
    assert_eq!(e["reason"], "raised", "ids only, no level: {e}");
    assert!(
        parent.next_alert(Duration::from_millis(500)).await.is_err(),
        "a parent's socket gets nothing"
    );
    // Without a token there is no subscription.
    let url = s.base_url();
    assert!(Subscription::open(&url, "not-a-token").await.is_err());
    Ok(())
}

/// Two server processes sharing PostgreSQL and Redis: a crisis raised
/// through one reaches a counsellor subscribed on the other within 2 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crisis_crosses_replicas_through_redis() -> Result<()> {
    let s = TestServer::start(Options {
        redis: true,
        ..Options::new(Backend::Postgres)
    })
    .await?;
    let replica = s.start_replica().await?;
    let student = named_student(&s, "s2").await?;
    let token = s.login("s2.counsellor").await?;
    let mut sub = Subscription::open(&replica.base_url(), &token).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    let r = s
        .data_as("s2.mentor1", RAISE, crisis("redis-1", &student))
        .await?;
    let e = sub.next_alert(Duration::from_secs(2)).await?;
    assert_eq!(e["caseId"], r["raiseConcern"]["id"], "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
    Ok(())
}
