//! The task engine through the API, on SQLite and PostgreSQL: task status
//! across a mid-term mentor change, term boundaries and exam-triggered talk
//! windows, with role visibility; a missing policy is a clear error.

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

const SAVE: &str = "mutation($r: JSON!, $f: NaiveDate!, $t: ID, $n: String) { saveSchoolPolicy(rules: $r, effectiveFrom: $f, termId: $t, name: $n) { id version effectiveFrom termId diff { path before after } createdBy } }";

struct Fx<'a> {
    s: &'a TestServer,
    district: String,
    school: String,
}

impl Fx<'_> {
    fn staff_of(&self, username: &str) -> Result<String> {
        let out = self.s.sql(&format!(
            "SELECT {} FROM staff JOIN users ON staff.user_id = users.id WHERE users.username = '{username}'",
            self.s.uuid_col("staff.id")
        ))?;
        Ok(out.lines().next().context("staff")?.to_string())
    }

    fn mentor_of(&self, student: &str) -> Result<String> {
        let out = self.s.sql(&format!(
            "SELECT {} FROM mentor_assignments WHERE student_id = {}",
            self.s.uuid_col("staff_id"),
            self.s.uuid_lit(student)
        ))?;
        Ok(out.lines().next().context("mentor")?.to_string())
    }

    /// Records an activity directly (the mentoring API lives on another branch).
    fn activity(&self, kind: &str, day: &str, staff: &str, students: &[&str]) -> Result<String> {
        let s = self.s;
        let id = uuid::Uuid::new_v4().to_string();
        s.sql(&format!(
            "INSERT INTO activities (id, district_id, school_id, client_key, kind, occurred_on, occurred_at, place, channel, \"trigger\", guidance_areas, optional_action, summary, follow_up, follow_up_due, staff_id, with_head_teacher, co_staff_ids, recorded_by, created_at) \
             VALUES ({}, {}, {}, 'k-{id}', '{kind}', '{day}', '{day}T09:00:00+00:00', NULL, 'FACE_TO_FACE', NULL, '[]', NULL, '谈心记录', NULL, NULL, {}, FALSE, '[]', {}, '{day}T09:00:00+00:00')",
            s.uuid_lit(&id),
            s.uuid_lit(&self.district),
            s.uuid_lit(&self.school),
            s.uuid_lit(staff),
            s.uuid_lit(staff),
        ))?;
        for st in students {
            s.sql(&format!(
                "INSERT INTO activity_students (id, district_id, school_id, activity_id, student_id) VALUES ({}, {}, {}, {}, {})",
                s.uuid_lit(&uuid::Uuid::new_v4().to_string()),
                s.uuid_lit(&self.district),
                s.uuid_lit(&self.school),
                s.uuid_lit(&id),
                s.uuid_lit(st),
            ))?;
        }
        Ok(id)
    }

    fn growth_message(&self, student: &str, staff: &str, term: &str, day: &str) -> Result<String> {
        let s = self.s;
        let id = uuid::Uuid::new_v4().to_string();
        s.sql(&format!(
            "INSERT INTO growth_messages (id, district_id, school_id, student_id, staff_id, term_id, body, bright_spots, status, reviewed_by, published_on, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, {}, {}, '继续加油', '[]', 'published', NULL, '{day}', '{day}T09:00:00+00:00', '{day}T09:00:00+00:00')",
            s.uuid_lit(&id),
            s.uuid_lit(&self.district),
            s.uuid_lit(&self.school),
            s.uuid_lit(student),
            s.uuid_lit(staff),
            s.uuid_lit(term),
        ))?;
        Ok(id)
    }
}

const STUDENT_TASKS: &str = "query($s: ID!, $t: ID, $a: NaiveDate) { studentTasks(studentId: $s, termId: $t, asOf: $a) { termId asOf policyVersion usesDistrictBaseline students { studentId grade requirements { kind labelZh required counted status window { from to } evidenceIds suggestedWindow { from to } eventName responsibleMentorId } nextDue { kind } overdueCount } } }";

async fn tasks_of(
    s: &TestServer,
    who: &str,
    student: &str,
    term: &str,
    as_of: &str,
) -> Result<Vec<Value>> {
    let d = s
        .data_as(
            who,
            STUDENT_TASKS,
            json!({ "s": student, "t": term, "a": as_of }),
        )
        .await?;
    Ok(d["studentTasks"]["students"][0]["requirements"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

fn req<'a>(rows: &'a [Value], kind: &str) -> Result<&'a Value> {
    rows.iter()
        .find(|r| r["kind"] == kind)
        .ok_or_else(|| anyhow!("no {kind} row in {rows:?}"))
}

fn exam_row<'a>(rows: &'a [Value], event: &str) -> Option<&'a Value> {
    rows.iter()
        .find(|r| r["kind"] == "EXAM_TALK" && r["eventName"] == event)
}

async fn task_status_through_the_api(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let d = s
        .data_as(
            "s2.admin",
            "{ me { districtId schoolId } terms { id startsOn endsOn } students(first: 200) { edges { node { id classId } } } classes { id grade } }",
            json!({}),
        )
        .await?;
    let fx = Fx {
        s: &s,
        district: d["me"]["districtId"].as_str().context("d")?.into(),
        school: d["me"]["schoolId"].as_str().context("s")?.into(),
    };
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let (t1, t2) = (
        terms[0]["id"].as_str().context("t1")?.to_string(),
        terms[1]["id"].as_str().context("t2")?.to_string(),
    );
    assert_eq!(terms[0]["startsOn"], json!("2026-09-01"));
    let me1 = s
        .data_as(
            "s2.student1",
            "{ students { edges { node { id classId } } } }",
            json!({}),
        )
        .await?;
    let student1 = me1["students"]["edges"][0]["node"]["id"]
        .as_str()
        .context("student1")?
        .to_string();
    let class1 = me1["students"]["edges"][0]["node"]["classId"]
        .as_str()
        .context("class")?
        .to_string();
    let classmates: Vec<String> = d["students"]["edges"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| {
                    e["node"]["classId"] == class1.as_str() && e["node"]["id"] != student1.as_str()
                })
                .filter_map(|e| e["node"]["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let (student2, student3) = (classmates[0].clone(), classmates[1].clone());
    let mentor1 = fx.staff_of("s2.mentor1")?;
    let counsellor = fx.staff_of("s2.counsellor")?;
    assert_eq!(fx.mentor_of(&student1)?, mentor1);

    // The mentor sees the mentee before any change.
    let mine = s
        .data_as("s2.mentor1", "query($t: ID) { myStudentsTasks(termId: $t, asOf: \"2026-10-15\") { students { studentId nextDue { kind window { to } } requirements { kind status } } } }", json!({ "t": t1 }))
        .await?;
    let ids: Vec<&str> = mine["myStudentsTasks"]["students"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["studentId"].as_str()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&student1.as_str()), "{mine}");

    // --- mid-term mentor change (2026-10-20: mentor1 → counsellor).
    let a1 = fx.activity("TALK", "2026-10-10", &mentor1, &[&student1])?;
    s.sql(&format!(
        "UPDATE mentor_assignments SET ends_on = '2026-10-19' WHERE student_id = {}",
        s.uuid_lit(&student1)
    ))?;
    s.sql(&format!(
        "INSERT INTO mentor_assignments (id, district_id, school_id, student_id, staff_id, starts_on, ends_on, stage, created_at) VALUES ({}, {}, {}, {}, {}, '2026-10-20', NULL, 'adjustment', '2026-10-20T08:00:00+00:00')",
        s.uuid_lit(&uuid::Uuid::new_v4().to_string()),
        s.uuid_lit(&fx.district),
        s.uuid_lit(&fx.school),
        s.uuid_lit(&student1),
        s.uuid_lit(&counsellor),
    ))?;
    // A talk the old mentor records after handing over does not count.
    let a2 = fx.activity("TALK", "2026-10-25", &mentor1, &[&student1])?;
    let rows = tasks_of(&s, "s2.admin", &student1, &t1, "2026-11-01").await?;
    let talks = req(&rows, "TALKS")?;
    assert_eq!(talks["status"], json!("DONE"), "{talks}");
    assert_eq!(talks["evidenceIds"], json!([a1]));
    assert!(!talks.to_string().contains(&a2));
    // The home visit (due before term start) was missed, but the new mentor
    // gets the handover grace (14 days from 2026-10-20).
    let hv = req(&rows, "HOME_VISIT")?;
    assert_eq!(hv["status"], json!("DUE"), "{hv}");
    assert_eq!(hv["window"]["to"], json!("2026-11-03"));
    assert_eq!(hv["responsibleMentorId"], json!(counsellor));
    let rows = tasks_of(&s, "s2.admin", &student1, &t1, "2026-11-10").await?;
    assert_eq!(req(&rows, "HOME_VISIT")?["status"], json!("OVERDUE"));
    // The new mentor sees the student; the old one no longer does.
    tasks_of(&s, "s2.counsellor", &student1, &t1, "2026-11-10").await?;
    let b = raw(
        &s,
        "s2.mentor1",
        STUDENT_TASKS,
        json!({ "s": student1, "t": t1 }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{b}");
    let mine = s
        .data_as(
            "s2.counsellor",
            "{ myStudentsTasks(asOf: \"2026-11-10\") { termId students { studentId } } }",
            json!({}),
        )
        .await?;
    assert_eq!(mine["myStudentsTasks"]["termId"], json!(t1));
    assert!(mine.to_string().contains(&student1));

    // --- exam-triggered windows: the school requires a talk around every
    // key exam; a grade-7 exam is added, and one for grade 8 only.
    let cur = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { rules } } }",
            json!({}),
        )
        .await?;
    let mut rules = cur["schoolPolicy"]["current"]["rules"].clone();
    rules["tasks"]["talks"]["one_per_key_exam"] = json!(true);
    s.data_as(
        "s2.admin",
        SAVE,
        json!({ "r": rules, "f": "2026-09-01", "t": t1 }),
    )
    .await?;
    const EVENT: &str = "mutation($i: CalendarEventInput!) { createCalendarEvent(input: $i) { id kind date grades name } }";
    let ev = s
        .data_as("s2.admin", EVENT, json!({ "i": { "termId": t1, "kind": "KEY_EXAM", "date": "2026-12-10", "grades": [7], "name": "七年级月考" } }))
        .await?;
    assert_eq!(ev["createCalendarEvent"]["grades"], json!([7]));
    let ev8 = s
        .data_as("s2.admin", EVENT, json!({ "i": { "termId": t1, "kind": "KEY_EXAM", "date": "2026-12-11", "grades": [8], "name": "八年级月考" } }))
        .await?;
    // Outside the term: refused.
    let b = raw(
        &s,
        "s2.admin",
        EVENT,
        json!({ "i": { "termId": t1, "kind": "KEY_EXAM", "date": "2027-03-01", "name": "越界" } }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"));
    let b = raw(
        &s,
        "s2.mentor1",
        EVENT,
        json!({ "i": { "termId": t1, "kind": "OTHER", "date": "2026-10-01", "name": "x" } }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"));
    let cal = s
        .data_as(
            "s2.parent1",
            "query($t: ID!) { calendarEvents(termId: $t) { name date kind } }",
            json!({ "t": t1 }),
        )
        .await?;
    let names: Vec<&str> = cal["calendarEvents"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        vec!["期中考试", "七年级月考", "八年级月考", "期末考试"]
    );

    let a3 = fx.activity("TALK", "2026-11-12", &counsellor, &[&student1])?;
    let rows = tasks_of(&s, "s2.admin", &student1, &t1, "2026-11-29").await?;
    let mid = exam_row(&rows, "期中考试").context("mid-term row")?;
    assert_eq!(mid["status"], json!("DONE"), "{mid}");
    assert_eq!(mid["evidenceIds"], json!([a3]));
    let g7 = exam_row(&rows, "七年级月考").context("grade 7 exam row")?;
    assert_eq!(g7["status"], json!("DUE"));
    assert_eq!(
        g7["window"],
        json!({ "from": "2026-12-03", "to": "2026-12-17" })
    );
    assert!(exam_row(&rows, "期末考试").is_some());
    assert!(
        exam_row(&rows, "八年级月考").is_none(),
        "grade 8 exam on a grade 7 student"
    );
    assert_eq!(req(&rows, "TALKS")?["counted"], json!(2));
    let rows = tasks_of(&s, "s2.admin", &student1, &t1, "2026-12-20").await?;
    assert_eq!(
        exam_row(&rows, "七年级月考").context("row")?["status"],
        json!("OVERDUE")
    );
    // Deleting the grade-8 exam; the calendar drives the rows.
    s.data_as(
        "s2.admin",
        "mutation($id: ID!) { deleteCalendarEvent(id: $id) }",
        json!({ "id": ev8["createCalendarEvent"]["id"] }),
    )
    .await?;

    // A student without talks gets the next exam's window suggested.
    let rows = tasks_of(&s, "s2.head1", &student3, &t1, "2026-10-01").await?;
    let talks = req(&rows, "TALKS")?;
    assert_eq!(talks["status"], json!("DUE"));
    assert_eq!(
        talks["suggestedWindow"],
        json!({ "from": "2026-11-03", "to": "2026-11-17" })
    );
    assert_eq!(talks["eventName"], json!("期中考试"));

    // --- term boundaries: the last day of term 1 counts for term 1 only;
    // the day before term 2 counts for neither.
    let m2 = fx.mentor_of(&student2)?;
    let b1 = fx.activity("TALK", "2027-01-22", &m2, &[&student2])?;
    fx.activity("TALK", "2027-02-16", &m2, &[&student2])?;
    let g1 = fx.growth_message(&student2, &m2, &t1, "2027-01-20")?;
    let rows = tasks_of(&s, "s2.admin", &student2, &t1, "2027-01-25").await?;
    assert_eq!(req(&rows, "TALKS")?["evidenceIds"], json!([b1]));
    let gm = req(&rows, "GROWTH_MESSAGE")?;
    assert_eq!(
        (gm["status"].clone(), gm["evidenceIds"].clone()),
        (json!("DONE"), json!([g1]))
    );
    let rows = tasks_of(&s, "s2.admin", &student2, &t2, "2027-03-01").await?;
    let talks = req(&rows, "TALKS")?;
    assert_eq!(
        (talks["status"].clone(), talks["counted"].clone()),
        (json!("DUE"), json!(0))
    );
    assert_eq!(talks["window"]["from"], json!("2027-02-17"));
    assert_eq!(req(&rows, "GROWTH_MESSAGE")?["status"], json!("DUE"));

    // --- role visibility.
    tasks_of(&s, "s2.parent1", &student1, &t1, "2026-11-29").await?;
    tasks_of(&s, "s2.student1", &student1, &t1, "2026-11-29").await?;
    for who in ["s2.parent1", "s2.student1", "s2.mentor1"] {
        let b = raw(&s, who, STUDENT_TASKS, json!({ "s": student2, "t": t1 })).await?;
        assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{who}: {b}");
    }
    let b = raw(
        &s,
        "district",
        STUDENT_TASKS,
        json!({ "s": student1, "t": t1 }),
    )
    .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    const CLASS: &str = "query($c: ID!, $t: ID) { classTasks(classId: $c, termId: $t, asOf: \"2026-11-29\") { students { studentId overdueCount } counts { students studentsWithOverdue byKind { kind done due overdue } } } }";
    let ct = s
        .data_as("s2.head1", CLASS, json!({ "c": class1, "t": t1 }))
        .await?;
    assert_eq!(ct["classTasks"]["counts"]["students"], json!(6));
    for who in ["s2.mentor1", "s2.parent1", "district"] {
        let b = raw(&s, who, CLASS, json!({ "c": class1, "t": t1 })).await?;
        assert!(
            matches!(error_code(&b).as_deref(), Some("FORBIDDEN")),
            "{who}: {b}"
        );
    }
    const COUNTS: &str = "query($t: ID) { schoolTaskCounts(termId: $t, asOf: \"2026-11-29\") { schoolId schoolName termName policyVersion note counts { students studentsWithOverdue byKind { kind done due overdue notApplicable } } byGrade { grade counts { students } } } }";
    let sc = s.data_as("s2.admin", COUNTS, json!({ "t": t1 })).await?;
    let list = sc["schoolTaskCounts"].as_array().context("counts")?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["counts"]["students"], json!(72));
    assert_eq!(list[0]["byGrade"].as_array().map(Vec::len), Some(4));
    let talks = list[0]["counts"]["byKind"]
        .as_array()
        .and_then(|a| a.iter().find(|k| k["kind"] == "TALKS"))
        .context("talks")?;
    assert!(talks["done"].as_i64() >= Some(2), "{talks}");
    // The district gets per-school aggregates only, never a student.
    let dc = s.data_as("district", COUNTS, json!({ "t": t1 })).await?;
    let list = dc["schoolTaskCounts"]
        .as_array()
        .context("district counts")?;
    assert_eq!(list.len(), 3);
    assert!(
        list.iter()
            .all(|x| x["counts"]["students"].as_i64() > Some(0)),
        "{dc}"
    );
    let text = dc.to_string();
    for id in [&student1, &student2, &student3] {
        assert!(!text.contains(id.as_str()));
    }
    for who in ["s2.mentor1", "s2.head1", "s2.parent1"] {
        let b = raw(&s, who, COUNTS, json!({ "t": t1 })).await?;
        assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{who}: {b}");
    }
    // A grade leader (s2.mentor1 made leader of grade 8): that grade's counts
    // only, and the classes of that grade but not of grade 7.
    let uid = s.data_as("s2.mentor1", "{ me { id } }", json!({})).await?["me"]["id"].clone();
    s.data_as(
        "s2.admin",
        "mutation($u: ID!) { grantRole(userId: $u, role: GRADE_LEADER, grade: 8) { id } }",
        json!({ "u": uid }),
    )
    .await?;
    let gl = s.data_as("s2.mentor1", COUNTS, json!({ "t": t1 })).await?;
    let e = &gl["schoolTaskCounts"][0];
    assert_eq!(
        e["byGrade"],
        json!([{ "grade": 8, "counts": { "students": 18 } }]),
        "{gl}"
    );
    assert_eq!(e["counts"]["students"], json!(18));
    let b = raw(&s, "s2.mentor1", CLASS, json!({ "c": class1, "t": t1 })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    let grade8 = d["classes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["grade"] == 8))
        .context("grade 8 class")?["id"]
        .clone();
    let ct = s
        .data_as("s2.mentor1", CLASS, json!({ "c": grade8, "t": t1 }))
        .await?;
    assert_eq!(ct["classTasks"]["counts"]["students"], json!(6));
    Ok(())
}
both!(task_status_through_the_api);

async fn missing_policy_is_a_clear_error(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    // Remove every policy of the district (as the owner): no school policy,
    // no baseline.
    s.sql("DELETE FROM policy_versions")?;
    let me = s
        .data_as(
            "s1.student1",
            "{ students { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let st = me["students"]["edges"][0]["node"]["id"].clone();
    let b = raw(&s, "s1.admin", STUDENT_TASKS, json!({ "s": st })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{b}");
    let msg = b["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("导师制方案"), "{msg}");
    let dc = s
        .data_as(
            "district",
            "{ schoolTaskCounts { note counts { students } } }",
            json!({}),
        )
        .await?;
    assert!(dc.to_string().contains("导师制方案"), "{dc}");
    Ok(())
}
both!(missing_policy_is_a_clear_error);
