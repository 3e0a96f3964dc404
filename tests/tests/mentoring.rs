//! Mentoring work through the API, on both databases: idempotent activity
//! logging (sequential and concurrent), the 归口管理 refusal, private
//! summaries and growth files audited, amendments kept, growth messages
//! visible to parents only once published, exam results only as bands,
//! talk requests, self-reports and the home–school view. The throughput
//! measurement is in `mentoring_throughput.rs`.

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tests::mentoring::*;
use tests::{Backend, Options, TestServer, both, error_code};

async fn log_activity_is_idempotent(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let token = s.login("s2.mentor1").await?;

    // The same key twice: one activity, the same answer.
    let a = s
        .gql(Some(&token), LOG, talk("k-seq", &student, "第一次"))
        .await?;
    let b = s
        .gql(Some(&token), LOG, talk("k-seq", &student, "第一次"))
        .await?;
    assert!(a["errors"].is_null(), "{a}");
    assert_eq!(
        a["data"]["logActivity"]["id"],
        b["data"]["logActivity"]["id"]
    );
    assert_eq!(a["data"]["logActivity"]["summary"], json!("第一次"));
    assert_eq!(count_rows(&s, "k-seq")?, 1);

    // 20 concurrent sends of one key: every answer names the one row.
    let mut tasks = vec![];
    for _ in 0..20 {
        let token = token.clone();
        let vars = talk("k-concurrent", &student, "并发");
        let s = &s;
        tasks.push(async move { s.gql(Some(&token), LOG, vars).await });
    }
    let answers = futures::future::join_all(tasks).await;
    let mut ids = std::collections::BTreeSet::new();
    for r in answers {
        let r = r?;
        if !r["errors"].is_null() {
            bail!("a concurrent send failed: {r}");
        }
        ids.insert(r["data"]["logActivity"]["id"].to_string());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(count_rows(&s, "k-concurrent")?, 1);
    let links = s.sql("SELECT count(*) FROM activity_students l JOIN activities a ON a.id = l.activity_id WHERE a.client_key = 'k-concurrent'")?;
    assert_eq!(links.trim(), "1");

    // The same key from another user is another activity.
    let other = s.login("s2.head1").await?;
    let hv = json!({ "i": { "clientKey": "k-seq", "kind": "HOME_VISIT", "channel": "HOME", "studentIds": [student] } });
    let c = s.gql(Some(&other), LOG, hv).await?;
    assert!(c["errors"].is_null(), "{c}");
    assert_ne!(
        c["data"]["logActivity"]["id"],
        a["data"]["logActivity"]["id"]
    );

    // Validation: everything checked, nothing written.
    let bad = json!({ "i": { "clientKey": "k-bad", "kind": "OPTIONAL_ACTION", "studentIds": [],
        "occurredAt": "2099-01-01T00:00:00Z", "summary": "x".repeat(6000) } });
    let r = s.gql(Some(&token), LOG, bad).await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    let problems = r["errors"][0]["extensions"]["problems"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!(problems >= 4, "{r}");
    assert_eq!(count_rows(&s, "k-bad")?, 0);

    // Not the mentor's student: refused.
    let stranger = s
        .data_as(
            "s2.admin",
            "{ students(first: 200) { edges { node { id mentors { name } } } } }",
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
    let mine: Vec<&Value> = mine["students"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|n| &n["node"]["id"]).collect())
        .unwrap_or_default();
    let not_mine = stranger["students"]["edges"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .map(|n| &n["node"]["id"])
                .find(|id| !mine.contains(id))
        })
        .cloned()
        .unwrap_or_default();
    let r = s
        .gql(
            Some(&token),
            LOG,
            talk("k-stranger", not_mine.as_str().unwrap_or_default(), "x"),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(log_activity_is_idempotent);

async fn parent_contact_follows_the_rule(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let contact = |key: &str| json!({ "i": { "clientKey": key, "kind": "PARENT_CONTACT", "channel": "PHONE", "studentIds": [student] } });
    // The psychology teacher is neither the student's mentor nor head teacher.
    let t = s.login("s2.counsellor").await?;
    let r = s.gql(Some(&t), LOG, contact("pc-1")).await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let msg = r["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("归口管理") && msg.contains("班主任") && msg.contains("导师"),
        "{msg}"
    );
    assert_eq!(count_rows(&s, "pc-1")?, 0);
    // The mentor and the head teacher may.
    for who in ["s2.mentor1", "s2.head1"] {
        let t = s.login(who).await?;
        let r = s.gql(Some(&t), LOG, contact(&format!("pc-{who}"))).await?;
        assert!(r["errors"].is_null(), "{who}: {r}");
    }
    // The school narrows its rule to mentors only (一校一策): now the head
    // teacher is refused too, with the school's own wording.
    let cur = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { rules } } }",
            json!({}),
        )
        .await?;
    let mut rules = cur["schoolPolicy"]["current"]["rules"].clone();
    rules["communication"]["parent_contact_roles"] = json!(["mentor"]);
    s.data_as(
        "s2.admin",
        "mutation($r: JSON!, $f: NaiveDate!) { saveSchoolPolicy(rules: $r, effectiveFrom: $f) { id } }",
        json!({ "r": rules, "f": "2026-09-01" }),
    )
    .await?;
    let r = s
        .gql(
            Some(&s.login("s2.head1").await?),
            LOG,
            contact("pc-narrow-head"),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let msg = r["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("导师") && !msg.contains("班主任"), "{msg}");
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            LOG,
            contact("pc-narrow-mentor"),
        )
        .await?;
    assert!(r["errors"].is_null(), "{r}");

    // The head teacher who is not the student's mentor records no talk.
    let t = s.login("s2.head1").await?;
    let r = s.gql(Some(&t), LOG, talk("ht-talk", &student, "x")).await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(parent_contact_follows_the_rule);

async fn summaries_are_private_audited_and_amended(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let mentor = s.login("s2.mentor1").await?;
    let r = s
        .gql(
            Some(&mentor),
            LOG,
            talk("k-private", &student, "情绪低落，担心考试"),
        )
        .await?;
    let id = r["data"]["logActivity"]["id"].clone();

    // The mentor and the head teacher read the summary; the read is audited.
    let before = actions(&s, &student).await?;
    for who in ["s2.mentor1", "s2.head1"] {
        let d = s.data_as(who, LIST, json!({ "s": student })).await?;
        let edges = d["activities"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mine = edges
            .iter()
            .find(|e| e["node"]["id"] == id)
            .ok_or_else(|| anyhow::anyhow!("{who} does not see the activity"))?;
        assert_eq!(
            mine["node"]["summary"],
            json!("情绪低落，担心考试"),
            "{who}"
        );
    }
    let after = actions(&s, &student).await?;
    let reads = |v: &[String]| v.iter().filter(|a| *a == "activity.summary.read").count();
    assert!(reads(&after) >= reads(&before) + 2, "{after:?}");

    // The school admin sees that it happened, not what was said.
    let d = s.data_as("s2.admin", LIST, json!({ "s": student })).await?;
    let text = d.to_string();
    assert!(!text.contains("情绪低落"), "{text}");
    assert!(d["activities"]["totalCount"].as_i64().unwrap_or(0) >= 1);
    // Parents, students and the district do not list activities at all.
    for who in ["s2.parent1", "s2.student1", "district"] {
        let t = s.login(who).await?;
        let r = s.gql(Some(&t), LIST, json!({ "s": student })).await?;
        assert!(r["errors"].is_array(), "{who}: {r}");
        assert!(!r.to_string().contains("情绪低落"), "{who}: {r}");
    }

    // A group activity with two mentees, a co-mentor and the head teacher:
    // the co-mentor finds it among their own records.
    let d = s
        .data_as("s2.head1", "{ me { staffId } }", json!({}))
        .await?;
    let head_staff = d["me"]["staffId"].clone();
    let mentees = s
        .data_as(
            "s2.mentor1",
            "{ students(first: 2) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let two: Vec<Value> = mentees["students"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|n| n["node"]["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(two.len(), 2);
    let group = json!({ "i": { "clientKey": "k-group", "kind": "OPTIONAL_ACTION", "optionalAction": "lunch",
        "studentIds": two, "coMentorIds": [head_staff], "withHeadTeacher": true, "summary": "共进午餐" } });
    let r = s
        .gql(Some(&mentor), "mutation($i: ActivityInput!) { logActivity(input: $i) { id students { id } coMentors { id } withHeadTeacher } }", group)
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(
        r["data"]["logActivity"]["students"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(r["data"]["logActivity"]["coMentors"][0]["id"], head_staff);
    let d = s
        .data_as(
            "s2.head1",
            "{ activities(first: 50) { edges { node { id summary } } } }",
            json!({}),
        )
        .await?;
    assert!(d.to_string().contains("共进午餐"), "{d}");

    // Amendments keep the old fields; only the recorder amends.
    let amend = "mutation($id: ID!, $c: ActivityChanges!, $r: String!) { amendActivity(id: $id, changes: $c, reason: $r) { id summary amendments { before reason } } }";
    let vars = json!({ "id": id, "c": { "summary": "已缓解" }, "r": "补充后续情况" });
    let head = s.login("s2.head1").await?;
    let r = s.gql(Some(&head), amend, vars.clone()).await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let r = s.gql(Some(&mentor), amend, vars).await?;
    assert!(r["errors"].is_null(), "{r}");
    let a = &r["data"]["amendActivity"];
    assert_eq!(a["summary"], json!("已缓解"));
    assert_eq!(a["amendments"].as_array().map(Vec::len), Some(1));
    assert!(
        a["amendments"][0]["before"]
            .as_str()
            .unwrap_or_default()
            .contains("情绪低落")
    );
    assert_eq!(a["amendments"][0]["reason"], json!("补充后续情况"));
    // A reason is required.
    let r = s
        .gql(
            Some(&mentor),
            amend,
            json!({ "id": id, "c": { "summary": "再改" }, "r": " " }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    // Past the grace period: refused.
    s.sql("UPDATE activities SET created_at = '2020-01-01T00:00:00+00:00' WHERE client_key = 'k-private'")?;
    let r = s
        .gql(
            Some(&mentor),
            amend,
            json!({ "id": id, "c": { "summary": "再改" }, "r": "晚了" }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(summaries_are_private_audited_and_amended);

async fn parents_see_only_published_messages(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let term = terms(&s, "s2.mentor1").await?;
    let mine = format!("{{ myGrowthMessages {{ {MSG} }} }}");
    // The demo has one published message (first term).
    let d = s.data_as("s2.parent1", &mine, json!({})).await?;
    assert_eq!(
        d["myGrowthMessages"].as_array().map(Vec::len),
        Some(1),
        "{d}"
    );
    assert_eq!(d["myGrowthMessages"][0]["status"], json!("PUBLISHED"));

    // A draft for the second term: the parent and the student do not see it.
    let save = format!(
        "mutation($s: ID!, $t: ID!) {{ saveGrowthMessage(studentId: $s, termId: $t, body: \"草稿：你很努力\", brightSpots: [\"努力\"]) {{ {MSG} }} }}"
    );
    let d = s
        .data_as("s2.mentor1", &save, json!({ "s": student, "t": term[0] }))
        .await?;
    let id = d["saveGrowthMessage"]["id"].clone();
    assert_eq!(d["saveGrowthMessage"]["status"], json!("DRAFT"));
    let by_student = format!("query($s: ID!) {{ growthMessages(studentId: $s) {{ {MSG} }} }}");
    for who in ["s2.parent1", "s2.student1"] {
        let d = s.data_as(who, &by_student, json!({ "s": student })).await?;
        assert!(!d.to_string().contains("草稿"), "{who}: {d}");
        let d = s.data_as(who, &mine, json!({})).await?;
        assert!(!d.to_string().contains("草稿"), "{who}: {d}");
    }
    // Only the mentor writes; a head teacher cannot publish a draft.
    let r = s
        .gql(
            Some(&s.login("s2.head1").await?),
            &save,
            json!({ "s": student, "t": term[0] }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let publish = format!("mutation($id: ID!) {{ publishGrowthMessage(id: $id) {{ {MSG} }} }}");
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            &publish,
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");

    // The side panel: this term's records about a mentee (the demo's three,
    // including the home visit in the break before the first term).
    let panel =
        "query($s: ID!, $t: ID!) { termActivitiesFor(studentId: $s, termId: $t) { kind summary } }";
    let mentee = demo_mentee(&s).await?;
    let d = s
        .data_as("s2.mentor1", panel, json!({ "s": mentee, "t": term[1] }))
        .await?;
    assert_eq!(
        d["termActivitiesFor"].as_array().map(Vec::len),
        Some(3),
        "{d}"
    );
    let r = s
        .gql(
            Some(&s.login("s2.parent1").await?),
            panel,
            json!({ "s": mentee, "t": term[1] }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");

    // Submit, review (head teacher), publish: now the family sees it.
    let submit = format!("mutation($id: ID!) {{ submitGrowthMessage(id: $id) {{ {MSG} }} }}");
    s.data_as("s2.mentor1", &submit, json!({ "id": id }))
        .await?;
    let review =
        format!("mutation($id: ID!) {{ reviewGrowthMessage(id: $id, approve: true) {{ {MSG} }} }}");
    let d = s.data_as("s2.head1", &review, json!({ "id": id })).await?;
    assert_eq!(d["reviewGrowthMessage"]["status"], json!("REVIEWED"));
    let d = s
        .data_as("s2.mentor1", &publish, json!({ "id": id }))
        .await?;
    assert_eq!(d["publishGrowthMessage"]["status"], json!("PUBLISHED"));
    // The parent sees both children's messages; the student their own.
    for (who, n) in [("s2.parent1", 2), ("s2.student1", 1)] {
        let d = s.data_as(who, &mine, json!({})).await?;
        assert_eq!(
            d["myGrowthMessages"].as_array().map(Vec::len),
            Some(n),
            "{who}: {d}"
        );
        assert!(d.to_string().contains("草稿：你很努力"), "{who}: {d}");
    }
    // Published: no more changes.
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            &save,
            json!({ "s": student, "t": term[0] }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");

    // Another family's child: not found for this parent.
    let other = s
        .data_as(
            "s2.admin",
            "{ students(first: 200) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let children = s
        .data_as(
            "s2.parent1",
            "{ students(first: 10) { edges { node { id } } } }",
            json!({}),
        )
        .await?
        .to_string();
    let stranger = other["students"]["edges"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .map(|n| n["node"]["id"].as_str().unwrap_or_default().to_string())
                .find(|id| !children.contains(id.as_str()))
        })
        .unwrap_or_default();
    let r = s
        .gql(
            Some(&s.login("s2.parent1").await?),
            &by_student,
            json!({ "s": stranger }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("NOT_FOUND"), "{r}");
    Ok(())
}
both!(parents_see_only_published_messages);

async fn growth_file_shows_bands_and_is_audited(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let exam = json!({ "s": student, "i": { "subject": "语文", "examName": "月考", "takenOn": "2026-10-10", "score": 86, "fullMarks": 100 } });
    let d = s.data_as("s2.mentor1", EXAM, exam).await?;
    assert_eq!(d["recordExamResult"]["band"], json!("80%–89%"));
    assert_eq!(d["recordExamResult"]["display"], json!("PERCENT_BANDS"));
    assert!(!d.to_string().contains("86"), "{d}");
    // Primary school: 等第.
    let p = student_of(&s, "s1.student1").await?;
    let d = s
        .data_as(
            "s1.mentor1",
            EXAM,
            json!({ "s": p, "i": { "subject": "数学", "examName": "单元测验", "takenOn": "2026-10-10", "score": 45, "fullMarks": 50 } }),
        )
        .await?;
    assert_eq!(d["recordExamResult"]["band"], json!("优秀"));
    assert_eq!(d["recordExamResult"]["display"], json!("GRADE_LEVELS"));
    // Validation: a score above full marks.
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            EXAM,
            json!({ "s": student, "i": { "subject": "语文", "examName": "月考", "takenOn": "2026-10-10", "score": 120, "fullMarks": 100 } }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");

    let note = "mutation($s: ID!) { addGrowthNote(studentId: $s, section: MONTHLY, month: \"2026-10\", body: \"本月作业按时完成\") { id section writtenByName } }";
    s.data_as("s2.mentor1", note, json!({ "s": student }))
        .await?;

    // Readers: mentor, head teacher, school admin; each read audited.
    let before = actions(&s, &student).await?;
    for who in ["s2.mentor1", "s2.head1", "s2.admin"] {
        let d = s.data_as(who, FILE, json!({ "s": student })).await?;
        let f = &d["growthFile"];
        assert!(
            f["notes"].to_string().contains("本月作业按时完成"),
            "{who}: {d}"
        );
        let bands: Vec<&str> = f["examResults"]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["band"].as_str()).collect())
            .unwrap_or_default();
        assert!(bands.contains(&"80%–89%"), "{who}: {d}");
    }
    let after = actions(&s, &student).await?;
    let reads = |v: &[String]| v.iter().filter(|a| *a == "growth_file.read").count();
    assert_eq!(reads(&after), reads(&before) + 3, "{after:?}");
    // Not the parent, the student, another teacher or the district.
    for who in ["s2.parent1", "s2.student1", "s2.counsellor", "district"] {
        let t = s.login(who).await?;
        let r = s.gql(Some(&t), FILE, json!({ "s": student })).await?;
        assert!(r["errors"].is_array(), "{who}: {r}");
        assert!(!r.to_string().contains("本月作业"), "{who}: {r}");
    }
    // The schema exposes no score and no rank on exam results.
    let d = s
        .data_as(
            "s2.admin",
            "{ __type(name: \"ExamResult\") { fields { name } } }",
            json!({}),
        )
        .await?;
    let fields = d.to_string().to_lowercase();
    for word in ["score", "rank", "position", "percentile"] {
        assert!(
            !fields.contains(word),
            "ExamResult exposes {word}: {fields}"
        );
    }
    Ok(())
}
both!(growth_file_shows_bands_and_is_audited);

async fn families_ask_and_students_report(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let ask = "mutation($s: ID!) { requestTalk(studentId: $s, message: \"孩子最近睡得晚，想和老师聊聊\") { id status requesterRole } }";
    let d = s
        .data_as("s2.parent1", ask, json!({ "s": student }))
        .await?;
    let id = d["requestTalk"]["id"].clone();
    assert_eq!(d["requestTalk"]["requesterRole"], json!("parent"));
    // A teacher cannot file one.
    let r = s
        .gql(
            Some(&s.login("s2.mentor1").await?),
            ask,
            json!({ "s": student }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    // The mentor sees and answers it; the parent sees the answer.
    let list = "{ talkRequests { id status message answer } }";
    let d = s.data_as("s2.mentor1", list, json!({})).await?;
    assert!(d.to_string().contains("睡得晚"), "{d}");
    let answer = "mutation($id: ID!) { answerTalkRequest(id: $id, answer: \"周三下午放学后面谈\") { status } }";
    let r = s
        .gql(
            Some(&s.login("s2.counsellor").await?),
            answer,
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let d = s.data_as("s2.mentor1", answer, json!({ "id": id })).await?;
    assert_eq!(d["answerTalkRequest"]["status"], json!("answered"));
    let d = s.data_as("s2.parent1", list, json!({})).await?;
    assert!(d.to_string().contains("周三下午"), "{d}");

    // The student's monthly report reaches the mentor, once per month.
    let report = "mutation { submitSelfReport(month: \"2026-11\", text: \"这个月我参加了读书社\") { id kind summary } }";
    let a = s.data_as("s2.student1", report, json!({})).await?;
    let b = s.data_as("s2.student1", report, json!({})).await?;
    assert_eq!(a["submitSelfReport"]["id"], b["submitSelfReport"]["id"]);
    assert_eq!(a["submitSelfReport"]["kind"], json!("STUDENT_REPORT"));
    assert!(a["submitSelfReport"]["summary"].is_null());
    let d = s
        .data_as("s2.mentor1", LIST, json!({ "s": student }))
        .await?;
    assert!(d.to_string().contains("这个月我参加了读书社"), "{d}");
    Ok(())
}
both!(families_ask_and_students_report);

async fn home_school_view(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student1 = student_of(&s, "s2.student1").await?;
    let student = demo_mentee(&s).await?;
    let q = "{ homeSchoolContacts { student { id } total lastContactAt lastContactKind faceToFaceShare channels { channel count } contacts { staff { name } relation whom count } } }";
    let d = s.data_as("s2.mentor1", q, json!({})).await?;
    let rows = d["homeSchoolContacts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let me = rows
        .iter()
        .find(|r| r["student"]["id"] == json!(student))
        .ok_or_else(|| anyhow::anyhow!("student missing: {d}"))?;
    // The demo: a joint home visit (head teacher), a talk, a phone call.
    assert_eq!(me["total"], json!(3), "{me}");
    let share = me["faceToFaceShare"].as_f64().unwrap_or(0.0);
    assert!((share - 2.0 / 3.0).abs() < 1e-9, "{me}");
    let text = me["contacts"].to_string();
    assert!(
        text.contains("班主任") && text.contains("导师") && text.contains("家长"),
        "{text}"
    );
    assert!(
        !d.to_string().contains("家访，了解"),
        "private text leaked: {d}"
    );
    // The head teacher sees the class.
    let d = s.data_as("s2.head1", q, json!({})).await?;
    assert!(d.to_string().contains(&student1), "{d}");
    // The admin's per-mentor counts, without private text.
    let counts = "{ mentorActivityCounts { mentor { name } menteeCount total byKind { kind count } faceToFaceShare } }";
    let d = s.data_as("s2.admin", counts, json!({})).await?;
    let total: i64 = d["mentorActivityCounts"]
        .as_array()
        .map(|a| a.iter().filter_map(|m| m["total"].as_i64()).sum())
        .unwrap_or(0);
    // Every activity of the school, the demo's history included, once.
    let in_school: i64 = s
        .sql(&format!(
            "SELECT count(*) FROM activities WHERE school_id = (SELECT school_id FROM students WHERE id = {})",
            s.uuid_lit(&student)
        ))?
        .trim()
        .parse()?;
    assert!(in_school > 3, "the demo has a history: {in_school}");
    assert_eq!(total, in_school, "{d}");
    let r = s
        .gql(Some(&s.login("s2.mentor1").await?), counts, json!({}))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    Ok(())
}
both!(home_school_view);
