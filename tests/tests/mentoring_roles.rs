//! Mentoring by role through the API, on both databases: the growth file on
//! the policy's own scale, the school's optional-action menu, the grade
//! leader's review of growth messages and view of the grade's mentors, and
//! mentor-team members holding mentor rights. The rest of mentoring is in
//! `mentoring.rs`.

use anyhow::Result;
use serde_json::{Value, json};
use tests::mentoring::*;
use tests::{Backend, Options, TestServer, both, error_code};

/// The growth file shows results on the school's own scale (the policy's
/// `assessment`), and answers with that scale so the app can show it.
async fn growth_file_uses_the_policys_scale(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let cur = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { rules } } }",
            json!({}),
        )
        .await?;
    let mut rules = cur["schoolPolicy"]["current"]["rules"].clone();
    rules["assessment"]["secondary"] = json!({ "kind": "PERCENT_BANDS", "bands": [
        { "code": "C", "label_zh": "0%–59%", "min": 0, "max": 59 },
        { "code": "B", "label_zh": "60%–84%", "min": 60, "max": 84 },
        { "code": "A", "label_zh": "85%–100%", "min": 85, "max": 100 }
    ] });
    s.data_as(
        "s2.admin",
        "mutation($r: JSON!, $f: NaiveDate!) { saveSchoolPolicy(rules: $r, effectiveFrom: $f) { id } }",
        json!({ "r": rules, "f": "2026-09-01" }),
    )
    .await?;
    let exam = json!({ "s": student, "i": { "subject": "数学", "examName": "期中考试", "takenOn": "2026-10-10", "score": 86, "fullMarks": 100 } });
    let d = s.data_as("s2.mentor1", EXAM, exam).await?;
    assert_eq!(d["recordExamResult"]["band"], json!("85%–100%"), "{d}");
    assert_eq!(d["recordExamResult"]["bandCode"], json!("A"), "{d}");
    let d = s
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { growthFile(studentId: $s) { examResults { band } bandScale { display bands { code label } } } }",
            json!({ "s": student }),
        )
        .await?;
    let f = &d["growthFile"];
    assert_eq!(f["examResults"][0]["band"], json!("85%–100%"), "{d}");
    assert_eq!(f["bandScale"]["display"], json!("PERCENT_BANDS"), "{d}");
    let labels: Vec<&str> = f["bandScale"]["bands"]
        .as_array()
        .map(|a| a.iter().filter_map(|b| b["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["0%–59%", "60%–84%", "85%–100%"], "{d}");
    assert!(!d.to_string().contains("86"), "{d}");
    Ok(())
}
both!(growth_file_uses_the_policys_scale);

/// 篇5's optional actions: the quick log records items of the school's
/// menu, which clear the 自选动作 task; a code not on the menu is refused
/// with the menu named, and nothing is recorded.
async fn optional_actions_follow_the_schools_menu(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let mentor = s.login("s2.mentor1").await?;
    let act = |key: &str, code: &str| json!({ "i": { "clientKey": key, "kind": "OPTIONAL_ACTION", "optionalAction": code, "studentIds": [student] } });
    let r = s.gql(Some(&mentor), LOG, act("oa-bad", "karaoke")).await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    let msg = r["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("自选动作菜单") && msg.contains("共进一次午餐"),
        "{msg}"
    );
    assert_eq!(count_rows(&s, "oa-bad")?, 0);

    let tasks = "query($s: ID!) { studentTasks(studentId: $s) { students { requirements { kind required counted status } } } }";
    let row = |d: &Value| {
        d["studentTasks"]["students"][0]["requirements"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["kind"] == "OPTIONAL_ACTIONS").cloned())
            .unwrap_or_default()
    };
    let before = row(&s
        .data_as("s2.mentor1", tasks, json!({ "s": student }))
        .await?);
    assert_eq!(before["required"], json!(2), "{before}");
    assert_eq!(before["counted"], json!(0), "{before}");
    for (key, code) in [("oa-1", "lunch"), ("oa-2", "read_book")] {
        let r = s.gql(Some(&mentor), LOG, act(key, code)).await?;
        assert!(r["errors"].is_null(), "{r}");
    }
    let after = row(&s
        .data_as("s2.mentor1", tasks, json!({ "s": student }))
        .await?);
    assert_eq!(after["counted"], json!(2), "{after}");
    assert_eq!(after["status"], json!("DONE"), "{after}");
    Ok(())
}
both!(optional_actions_follow_the_schools_menu);

/// The review step: the grade leader (and the class's head teacher) list
/// submitted messages of their grade, return one with a comment (required)
/// or approve it; when the school's policy asks for review, a submitted
/// message is published only once approved. The comment never reaches the
/// family, and each review is audited.
async fn grade_leader_reviews_growth_messages(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let term = terms(&s, "s2.mentor1").await?;
    let save = format!(
        "mutation($s: ID!, $t: ID!) {{ saveGrowthMessage(studentId: $s, termId: $t, body: \"待审阅：你很努力\", brightSpots: [\"努力\"]) {{ {MSG} }} }}"
    );
    let d = s
        .data_as("s2.mentor1", &save, json!({ "s": student, "t": term[0] }))
        .await?;
    let id = d["saveGrowthMessage"]["id"].clone();
    let submit = "mutation($id: ID!) { submitGrowthMessage(id: $id) { status } }";
    s.data_as("s2.mentor1", submit, json!({ "id": id })).await?;

    let queue = "{ growthMessagesToReview { id body student { id } reviewComment } }";
    for who in ["s2.grade7", "s2.head1"] {
        let d = s.data_as(who, queue, json!({})).await?;
        let ids: Vec<&Value> = d["growthMessagesToReview"]
            .as_array()
            .map(|a| a.iter().map(|m| &m["id"]).collect())
            .unwrap_or_default();
        assert!(ids.contains(&&id), "{who}: {d}");
    }
    // Not for a plain mentor, a parent or another school's grade leader.
    for who in ["s2.mentor1", "s2.parent1"] {
        let r = s.gql(Some(&s.login(who).await?), queue, json!({})).await?;
        assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{who}: {r}");
    }
    let d = s.data_as("s1.grade4", queue, json!({})).await?;
    assert!(!d.to_string().contains("待审阅"), "{d}");

    // Returning needs a comment; the comment goes back to the mentor.
    let review = "mutation($id: ID!, $a: Boolean!, $c: String) { reviewGrowthMessage(id: $id, approve: $a, comment: $c) { status reviewComment } }";
    let leader = s.login("s2.grade7").await?;
    let r = s
        .gql(Some(&leader), review, json!({ "id": id, "a": false }))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    let r = s
        .gql(
            Some(&leader),
            review,
            json!({ "id": id, "a": false, "c": "x".repeat(501) }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    let before = actions(&s, &student).await?;
    let d = s
        .data_as(
            "s2.grade7",
            review,
            json!({ "id": id, "a": false, "c": "请再具体写写他的进步" }),
        )
        .await?;
    assert_eq!(d["reviewGrowthMessage"]["status"], json!("DRAFT"), "{d}");
    let after = actions(&s, &student).await?;
    let n = |v: &[String]| v.iter().filter(|a| *a == "growth_message.review").count();
    assert_eq!(n(&after), n(&before) + 1, "{after:?}");
    let mine = "query($s: ID!) { growthMessages(studentId: $s) { id status reviewComment } }";
    let d = s
        .data_as("s2.mentor1", mine, json!({ "s": student }))
        .await?;
    assert!(
        d.to_string().contains("请再具体写写他的进步"),
        "the mentor sees the comment: {d}"
    );

    // The school asks for review: a submitted message is not published
    // until approved.
    let cur = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { rules } } }",
            json!({}),
        )
        .await?;
    let mut rules = cur["schoolPolicy"]["current"]["rules"].clone();
    rules["tasks"]["growth_message"]["review_required"] = json!(true);
    s.data_as(
        "s2.admin",
        "mutation($r: JSON!, $f: NaiveDate!) { saveSchoolPolicy(rules: $r, effectiveFrom: $f) { id } }",
        json!({ "r": rules, "f": "2026-09-01" }),
    )
    .await?;
    s.data_as("s2.mentor1", submit, json!({ "id": id })).await?;
    let publish = "mutation($id: ID!) { publishGrowthMessage(id: $id) { status } }";
    let mentor = s.login("s2.mentor1").await?;
    let r = s.gql(Some(&mentor), publish, json!({ "id": id })).await?;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");
    assert!(r.to_string().contains("审阅"), "{r}");
    let d = s
        .data_as("s2.grade7", review, json!({ "id": id, "a": true }))
        .await?;
    assert_eq!(d["reviewGrowthMessage"]["status"], json!("REVIEWED"), "{d}");
    let d = s
        .data_as("s2.mentor1", publish, json!({ "id": id }))
        .await?;
    assert_eq!(
        d["publishGrowthMessage"]["status"],
        json!("PUBLISHED"),
        "{d}"
    );
    // The family reads the message, never the review.
    let d = s
        .data_as(
            "s2.parent1",
            "{ myGrowthMessages { body reviewComment } }",
            json!({}),
        )
        .await?;
    assert!(d.to_string().contains("待审阅：你很努力"), "{d}");
    assert!(!d.to_string().contains("请再具体写写"), "{d}");
    Ok(())
}
both!(grade_leader_reviews_growth_messages);

/// The grade leader sees the mentors of the grade (with mentee counts),
/// not the whole school; mentors see no one's counts.
async fn grade_leader_sees_the_grades_mentors(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let q = "{ mentorActivityCounts { mentor { id name } menteeCount total } }";
    let all = s.data_as("s2.admin", q, json!({})).await?;
    let grade = s.data_as("s2.grade7", q, json!({})).await?;
    let n = |d: &Value| {
        d["mentorActivityCounts"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    assert!(n(&grade) > 0 && n(&grade) < n(&all), "{grade}");
    let me = s
        .data_as("s2.mentor1", "{ me { staffId } }", json!({}))
        .await?;
    assert!(
        grade
            .to_string()
            .contains(me["me"]["staffId"].as_str().unwrap_or("-")),
        "s2.mentor1 mentors grade 7: {grade}"
    );
    let r = s
        .gql(Some(&s.login("s2.mentor1").await?), q, json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(grade_leader_sees_the_grades_mentors);

/// An approved mentor team (导师团) gives its members a mentor's rights for
/// that student: before, the counsellor may not read the growth file or
/// record a talk; once the team is approved with the counsellor as lead,
/// both work (the read audited) and the grant is on the student's trail.
async fn mentor_team_members_hold_mentor_rights(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let staff = |d: &Value| d["me"]["staffId"].as_str().unwrap_or_default().to_string();
    let counsellor = staff(
        &s.data_as("s2.counsellor", "{ me { staffId } }", json!({}))
            .await?,
    );
    let token = s.login("s2.counsellor").await?;
    let r = s.gql(Some(&token), FILE, json!({ "s": student })).await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let r = s
        .gql(Some(&token), LOG, talk("team-before", &student, "团队谈话"))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");

    let apply = "mutation($s: ID!, $m: [ID!]!) { applyForMentorTeam(studentId: $s, reason: \"需要多位老师共同关心\", proposedMemberIds: $m) { id } }";
    let app = s
        .data_as(
            "s2.head1",
            apply,
            json!({ "s": student, "m": [counsellor] }),
        )
        .await?;
    let decide = "mutation($a: ID!, $l: ID!) { decideMentorTeam(applicationId: $a, approve: true, leadMentorId: $l, memberIds: []) { status } }";
    s.data_as(
        "s2.admin",
        decide,
        json!({ "a": app["applyForMentorTeam"]["id"], "l": counsellor }),
    )
    .await?;

    let before = actions(&s, &student).await?;
    let token = s.login("s2.counsellor").await?;
    let r = s.gql(Some(&token), FILE, json!({ "s": student })).await?;
    assert!(r["errors"].is_null(), "{r}");
    let r = s
        .gql(Some(&token), LOG, talk("team-after", &student, "团队谈话"))
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    let after = actions(&s, &student).await?;
    let n = |v: &[String], a: &str| v.iter().filter(|x| *x == a).count();
    assert_eq!(
        n(&after, "growth_file.read"),
        n(&before, "growth_file.read") + 1,
        "{after:?}"
    );
    assert!(
        after.iter().any(|a| a == "mentor_team.rights.grant"),
        "{after:?}"
    );
    Ok(())
}
both!(mentor_team_members_hold_mentor_rights);
