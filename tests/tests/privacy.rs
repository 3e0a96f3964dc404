//! Privacy of families on both databases (issue 10, item 8): a parent sees
//! no other guardian's phone number while the staff who contact the family
//! do; talk-request messages, mentor-team reasons, growth-message drafts and
//! sensitive activity triggers are audited on read, exactly one record per
//! request, subject and action however often a query asks; roles without
//! the right get `FORBIDDEN`/`NOT_FOUND` and leave no record. Plus the audit
//! write of reads under concurrent writers (SQLite's lock upgrade).

use anyhow::{Result, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const OTHER_PHONE: &str = "13912345678";

async fn student1(s: &TestServer) -> Result<String> {
    let d = s
        .data_as(
            "s2.student1",
            "{ students(first: 5) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let id = d["students"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    ensure!(!id.is_empty(), "student1 sees no student: {d}");
    Ok(id)
}

/// Audit records of an action about a subject.
fn audits(s: &TestServer, action: &str, subject: &str) -> Result<usize> {
    Ok(s.sql(&format!(
        "SELECT count(*) FROM audit_log WHERE action = '{action}' AND subject_id = {}",
        s.uuid_lit(subject)
    ))?
    .parse()?)
}

/// Runs a query as a user (fails on errors) and returns how many audit
/// records of `action` about `subject` it added.
async fn audited(
    s: &TestServer,
    user: &str,
    query: &str,
    vars: Value,
    action: &str,
    subject: &str,
) -> Result<(Value, usize)> {
    let before = audits(s, action, subject)?;
    let d = s.data_as(user, query, vars).await?;
    Ok((d, audits(s, action, subject)? - before))
}

fn phones(d: &Value, alias: &str) -> Vec<Option<String>> {
    d[alias]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| g["phone"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn parents_see_no_other_guardians_phone(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let child = student1(&s).await?;
    let add = "mutation($s: ID!, $p: String!) { addGuardian(studentId: $s, input: { name: \"王建国\", phone: $p, relation: \"父亲\" }) { id phone } }";
    let d = s
        .data_as("s2.admin", add, json!({ "s": child, "p": OTHER_PHONE }))
        .await?;
    assert_eq!(d["addGuardian"]["phone"], json!(OTHER_PHONE));

    // Asked three times in one request: one audit record.
    let q = "query($s: ID!) { a: guardians(studentId: $s) { id name phone relation }
        b: guardians(studentId: $s) { phone } c: guardians(studentId: $s) { id } }";
    let vars = json!({ "s": child });
    let (d, n) = audited(
        &s,
        "s2.parent1",
        q,
        vars.clone(),
        "student.guardians.read",
        &child,
    )
    .await?;
    assert_eq!(n, 1, "one record per request: {d}");
    let seen = phones(&d, "a");
    assert_eq!(seen.len(), 2, "both guardians listed: {d}");
    assert_eq!(
        seen.iter().filter(|p| p.is_some()).count(),
        1,
        "the parent sees only their own number: {d}"
    );
    assert!(
        !d.to_string().contains(OTHER_PHONE),
        "another guardian's phone leaked to a parent: {d}"
    );
    let own = s.sql(
        "SELECT g.phone FROM guardians g JOIN users u ON u.id = g.user_id WHERE u.username = 's2.parent1'",
    )?;
    assert!(seen.contains(&Some(own)), "the parent's own number: {d}");

    // The staff who contact the family see both.
    for who in ["s2.admin", "s2.head1", "s2.mentor1"] {
        let (d, n) = audited(&s, who, q, vars.clone(), "student.guardians.read", &child).await?;
        assert_eq!(n, 1, "{who}: one record per request");
        let seen = phones(&d, "b");
        assert!(
            seen.len() == 2 && seen.iter().all(Option::is_some),
            "{who} sees every guardian's phone: {d}"
        );
    }

    // Refused: the student themself, the district, another district's parent.
    for (who, code) in [
        ("s2.student1", "FORBIDDEN"),
        ("district", "FORBIDDEN"),
        ("y.s2.parent1", "NOT_FOUND"),
        ("y.s2.admin", "NOT_FOUND"),
    ] {
        let before = audits(&s, "student.guardians.read", &child)?;
        let r = s.gql(Some(&s.login(who).await?), q, vars.clone()).await?;
        assert_eq!(error_code(&r).as_deref(), Some(code), "{who}: {r}");
        assert!(!r.to_string().contains(OTHER_PHONE), "{who}: {r}");
        assert_eq!(
            audits(&s, "student.guardians.read", &child)?,
            before,
            "{who}"
        );
    }
    Ok(())
}
both!(parents_see_no_other_guardians_phone);

async fn talk_messages_are_audited_on_read(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let child = student1(&s).await?;
    let ask =
        "mutation($s: ID!) { requestTalk(studentId: $s, message: \"孩子最近情绪低落\") { id } }";
    s.data_as("s2.parent1", ask, json!({ "s": child })).await?;
    let q = "{ a: talkRequests { id message } b: talkRequests(openOnly: true) { message } }";
    const ACTION: &str = "talk_request.message.read";
    for round in 0..2 {
        let (d, n) = audited(&s, "s2.mentor1", q, json!({}), ACTION, &child).await?;
        assert!(d.to_string().contains("情绪低落"), "{d}");
        assert_eq!(n, 1, "round {round}: one record per request: {d}");
    }
    // The requester reads their own words: no record.
    let (d, n) = audited(&s, "s2.parent1", q, json!({}), ACTION, &child).await?;
    assert!(d.to_string().contains("情绪低落"), "{d}");
    assert_eq!(n, 0);
    // Others see nothing and leave no record; the district is refused.
    let (d, n) = audited(&s, "y.s2.mentor1", q, json!({}), ACTION, &child).await?;
    assert!(!d.to_string().contains("情绪低落"), "{d}");
    assert_eq!(n, 0);
    let r = s
        .gql(Some(&s.login("district").await?), q, json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(talk_messages_are_audited_on_read);

async fn mentor_team_reasons_are_audited_on_read(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let child = student1(&s).await?;
    let mentor1 = s.sql(&format!(
        "SELECT {} FROM staff s JOIN users u ON u.id = s.user_id WHERE u.username = 's2.mentor1'",
        s.uuid_col("s.id")
    ))?;
    let apply = "mutation($s: ID!, $m: [ID!]!) { applyForMentorTeam(studentId: $s, reason: \"父母离异，需要多位老师共同关心\", proposedMemberIds: $m) { id } }";
    s.data_as("s2.head1", apply, json!({ "s": child, "m": [mentor1] }))
        .await?;
    let q = "{ a: mentorTeamApplications { id reason } b: mentorTeamApplications { reason } }";
    const ACTION: &str = "mentor_team.reason.read";
    for round in 0..2 {
        let (d, n) = audited(&s, "s2.admin", q, json!({}), ACTION, &child).await?;
        assert!(d.to_string().contains("父母离异"), "{d}");
        assert_eq!(n, 1, "round {round}: one record per request: {d}");
    }
    // The applicant reads their own reason: no record.
    let (_, n) = audited(&s, "s2.head1", q, json!({}), ACTION, &child).await?;
    assert_eq!(n, 0);
    // Anyone else sees nothing; the district is refused.
    for who in ["s2.mentor1", "s2.parent1", "s2.student1", "y.s2.admin"] {
        let (d, n) = audited(&s, who, q, json!({}), ACTION, &child).await?;
        assert!(!d.to_string().contains("父母离异"), "{who}: {d}");
        assert_eq!(n, 0, "{who}");
    }
    let r = s
        .gql(Some(&s.login("district").await?), q, json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(mentor_team_reasons_are_audited_on_read);

async fn drafts_and_sensitive_triggers_are_audited_on_read(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let child = student1(&s).await?;
    let terms = s.data_as("s2.admin", "{ terms { id } }", json!({})).await?;
    let term = terms["terms"][0]["id"].clone();
    let save = "mutation($s: ID!, $t: ID!) { saveGrowthMessage(studentId: $s, termId: $t, body: \"草稿：这学期家里变故多\") { id status } }";
    let d = s
        .data_as("s2.mentor1", save, json!({ "s": child, "t": term }))
        .await?;
    assert_eq!(d["saveGrowthMessage"]["status"], json!("DRAFT"));
    let q = "query($s: ID!) { a: growthMessages(studentId: $s) { id body } b: growthMessages(studentId: $s) { body } }";
    let vars = json!({ "s": child });
    const DRAFT: &str = "growth_message.draft.read";
    for who in ["s2.admin", "s2.head1"] {
        let (d, n) = audited(&s, who, q, vars.clone(), DRAFT, &child).await?;
        assert!(d.to_string().contains("家里变故"), "{who}: {d}");
        assert_eq!(n, 1, "{who}: one record per request");
    }
    // The author reads their own draft: no record; families see no draft.
    let (_, n) = audited(&s, "s2.mentor1", q, vars.clone(), DRAFT, &child).await?;
    assert_eq!(n, 0);
    let (d, n) = audited(&s, "s2.parent1", q, vars.clone(), DRAFT, &child).await?;
    assert!(!d.to_string().contains("家里变故"), "{d}");
    assert_eq!(n, 0);
    let r = s
        .gql(Some(&s.login("y.s2.admin").await?), q, vars.clone())
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("NOT_FOUND"), "{r}");

    // A sensitive trigger: the fresh record echoes the recorder's own words
    // without an audit record; reading it back is audited once per request.
    const TRIGGER: &str = "activity.trigger.read";
    let log = "mutation($i: ActivityInput!) { logActivity(input: $i) { id summary trigger } }";
    let input = json!({ "i": { "clientKey": "privacy-1", "kind": "TALK", "studentIds": [child],
        "summary": "谈心：最近情绪波动", "trigger": "EMOTIONAL_CHANGE" } });
    let before = (
        audits(&s, TRIGGER, &child)?,
        audits(&s, "activity.summary.read", &child)?,
    );
    let d = s.data_as("s2.mentor1", log, input).await?;
    assert_eq!(d["logActivity"]["summary"], json!("谈心：最近情绪波动"));
    assert_eq!(
        (
            audits(&s, TRIGGER, &child)?,
            audits(&s, "activity.summary.read", &child)?
        ),
        before,
        "the fresh echo is not audited"
    );
    let list =
        "query($s: ID) { a: activities(studentId: $s, first: 50) { edges { node { id trigger } } }
        b: activities(studentId: $s, first: 50) { edges { node { trigger summary } } } }";
    for who in ["s2.mentor1", "s2.head1", "s2.admin"] {
        let (d, n) = audited(&s, who, list, vars.clone(), TRIGGER, &child).await?;
        assert!(d.to_string().contains("EMOTIONAL_CHANGE"), "{who}: {d}");
        assert_eq!(n, 1, "{who}: one record per request");
    }
    for (who, code) in [("district", "FORBIDDEN"), ("y.s2.admin", "NOT_FOUND")] {
        let before = audits(&s, TRIGGER, &child)?;
        let r = s
            .gql(Some(&s.login(who).await?), list, vars.clone())
            .await?;
        assert_eq!(error_code(&r).as_deref(), Some(code), "{who}: {r}");
        assert_eq!(audits(&s, TRIGGER, &child)?, before, "{who}");
    }
    Ok(())
}
both!(drafts_and_sensitive_triggers_are_audited_on_read);

/// Many audited reads while writers are busy: on SQLite a read's deferred
/// transaction could not upgrade to write its audit record and failed with
/// `database is locked`; now every read succeeds and leaves exactly its one
/// record.
async fn audited_reads_under_concurrent_writes(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let child = student1(&s).await?;
    let admin = s.login("s2.admin").await?;
    let mentor = s.login("s2.mentor1").await?;
    let read = "query($s: ID!) { guardians(studentId: $s) { id phone } }";
    let log = "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }";
    const READS: usize = 60;
    const WRITES: usize = 60;
    let before = audits(&s, "student.guardians.read", &child)?;
    let reads = (0..READS).map(|_| s.gql(Some(&admin), read, json!({ "s": child })));
    let writes = (0..WRITES).map(|i| {
        s.gql(
            Some(&mentor),
            log,
            json!({ "i": { "clientKey": format!("busy-{i}"), "kind": "TALK", "studentIds": [child],
                "summary": "并发写入" } }),
        )
    });
    let (reads, writes) = tokio::join!(
        futures::future::join_all(reads),
        futures::future::join_all(writes)
    );
    for r in reads.into_iter().chain(writes) {
        let r = r?;
        assert!(r["errors"].is_null(), "{r}");
    }
    assert_eq!(
        audits(&s, "student.guardians.read", &child)? - before,
        READS,
        "one record per read"
    );
    assert!(
        s.internal_error_lines().is_empty(),
        "{:?}",
        s.internal_error_lines()
    );
    Ok(())
}
both!(audited_reads_under_concurrent_writes);
