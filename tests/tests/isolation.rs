//! The tenant-isolation suite. Every query and mutation of the schema is
//! called as each role of school A with ids and inputs of school B (same
//! district) and of district Y; no foreign data may come back and nothing
//! foreign may change. A coverage test introspects the schema and fails when
//! an operation has no case here, so every future operation must join.
//! Runs on PostgreSQL (with RLS) and SQLite.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both};

/// Ids of one foreign school, and everything that must never leak.
struct Foreign {
    admin: &'static str,
    school: String,
    student: String,
    class: String,
    class_name: String,
    student_no: String,
    staff: String,
    term: String,
    guardian: String,
    user: String,
    grant: String,
    teaching: String,
    /// A mentoring activity of the school.
    activity: String,
    /// A growth message of the school.
    message: String,
    /// A talk request of the school.
    talk: String,
    /// A notice in an inbox of the school (the talk request's, to a mentor).
    inbox: String,
    /// A term with calendar events, and one of its events.
    event_term: String,
    event: String,
    /// A two-way matching round of the foreign school.
    round: String,
    /// A self-selection (rush) round of the foreign school.
    rush: String,
    /// A mentor-team application of the foreign school.
    application: String,
    /// A care case of the foreign school, one of its timeline entries and
    /// one of its alerts.
    care_case: String,
    care_entry: String,
    care_alert: String,
    /// A case conference of the foreign school.
    care_conference: String,
    secrets: BTreeSet<String>,
}

fn strs(v: &Value, path: &[&str]) -> Vec<String> {
    let mut cur = vec![v.clone()];
    for p in path {
        cur = cur
            .into_iter()
            .flat_map(|x| match &x[*p] {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            })
            .collect();
    }
    cur.into_iter()
        .filter_map(|x| x.as_str().map(String::from))
        .collect()
}

async fn foreign(s: &TestServer, admin: &'static str) -> Result<Foreign> {
    let d = s
        .data_as(
            admin,
            "{ me { schoolId schoolName } students(first: 200) { edges { node { id studentNo } } }
               classes { id name } terms { id }
               staff(first: 200) { edges { node { id teaching { id } } } }
               accounts(first: 200) { edges { node { id grants { id } } } } }",
            json!({}),
        )
        .await?;
    let student = strs(&d, &["students", "edges", "node", "id"]);
    let student_no = strs(&d, &["students", "edges", "node", "studentNo"]);
    let classes = strs(&d, &["classes", "id"]);
    let class_names = strs(&d, &["classes", "name"]);
    let staff = strs(&d, &["staff", "edges", "node", "id"]);
    let teaching = strs(&d, &["staff", "edges", "node", "teaching", "id"]);
    let terms = strs(&d, &["terms", "id"]);
    let users = strs(&d, &["accounts", "edges", "node", "id"]);
    let grants = strs(&d, &["accounts", "edges", "node", "grants", "id"]);
    let g = s
        .data_as(
            admin,
            "query($id: ID!) { guardians(studentId: $id) { id phone } }",
            json!({ "id": student[0] }),
        )
        .await?;
    let guardian = strs(&g, &["guardians", "id"]);
    // Matching data of the foreign school: a two-way round with a preview,
    // a rush round, and a mentor-team application by its head teacher.
    let grades = s.data_as(admin, "{ classes { grade } }", json!({})).await?;
    let grade = grades["classes"][0]["grade"].as_i64().unwrap_or(7);
    let open = "mutation($t: ID!, $g: Int!, $m: RoundMethod!) { openMatchingRound(termId: $t, grade: $g, method: $m) { id } }";
    let r = s
        .data_as(
            admin,
            open,
            json!({ "t": terms[0], "g": grade, "m": "TWO_WAY" }),
        )
        .await?;
    let round = r["openMatchingRound"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    s.data_as(
        admin,
        "mutation($r: ID!) { runMatchingPreview(roundId: $r, seed: 7) { round { id } } }",
        json!({ "r": round }),
    )
    .await?;
    let r = s
        .data_as(
            admin,
            open,
            json!({ "t": terms[1], "g": grade, "m": "SELF_SELECTION" }),
        )
        .await?;
    let rush = r["openMatchingRound"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let head = admin.replace("admin", "head1");
    let mine = s
        .data_as(
            &head,
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let a = s
        .data_as(
            &head,
            "mutation($s: ID!) { applyForMentorTeam(studentId: $s, reason: \"随班就读\", proposedMemberIds: []) { id } }",
            json!({ "s": strs(&mine, &["students", "edges", "node", "id"])[0] }),
        )
        .await?;
    let application = a["applyForMentorTeam"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    secrets.extend([round.clone(), rush.clone(), application.clone()]);
    for list in [
        &student, &classes, &staff, &teaching, &terms, &users, &grants, &guardian,
    ] {
        secrets.extend(list.iter().cloned());
    }
    secrets.extend(strs(&g, &["guardians", "phone"]));
    // Mentoring records: the demo's activities and growth message, and a
    // talk request filed by the school's demo parent.
    let school_id = strs(&d, &["me", "schoolId"])[0].clone();
    let first_id = |table: &str| -> Result<String> {
        s.sql(&format!(
            "SELECT {} FROM {table} WHERE school_id = {} LIMIT 1",
            s.uuid_col("id"),
            s.uuid_lit(&school_id)
        ))
    };
    let care_case = first_id("care_cases")?;
    let care_entry = first_id("care_events")?;
    let care_alert = first_id("care_alerts")?;
    anyhow::ensure!(
        !care_case.is_empty() && !care_entry.is_empty() && !care_alert.is_empty(),
        "the demo seeded no care cases for {admin}"
    );
    let care_conference = first_id("care_conferences")?;
    anyhow::ensure!(
        !care_conference.is_empty(),
        "the demo seeded no conference for {admin}"
    );
    for x in [&care_case, &care_entry, &care_alert, &care_conference] {
        secrets.insert(x.clone());
    }
    let activity = first_id("activities")?;
    let message = first_id("growth_messages")?;
    anyhow::ensure!(
        !activity.is_empty() && !message.is_empty(),
        "the demo seeded no mentoring records for {admin}"
    );
    let parent = admin.replace("admin", "parent1");
    let child = s
        .data_as(
            &parent,
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let child = strs(&child, &["students", "edges", "node", "id"]);
    let t = s
        .data_as(
            &parent,
            "mutation($s: ID!) { requestTalk(studentId: $s, message: \"隔离测试\") { id } }",
            json!({ "s": child[0] }),
        )
        .await?;
    let talk = strs(&t, &["requestTalk", "id"])[0].clone();
    let inbox = first_id("inbox_items")?;
    anyhow::ensure!(!inbox.is_empty(), "the talk request notified no mentor");
    for x in [&activity, &message, &talk, &inbox] {
        secrets.insert(x.clone());
    }
    // The school's policy versions and calendar events; the district's
    // baseline only for a foreign district (schools of one district share it).
    let p = s
        .data_as(
            admin,
            "{ schoolPolicy { versions { id } } districtBaseline { versions { id } } }",
            json!({}),
        )
        .await?;
    secrets.extend(strs(&p, &["schoolPolicy", "versions", "id"]));
    if admin.starts_with("y.") {
        secrets.extend(strs(&p, &["districtBaseline", "versions", "id"]));
    }
    let (mut event_term, mut event) = (terms[0].clone(), String::new());
    for t in &terms {
        let e = s
            .data_as(
                admin,
                "query($t: ID!) { calendarEvents(termId: $t) { id } }",
                json!({ "t": t }),
            )
            .await?;
        let ids = strs(&e, &["calendarEvents", "id"]);
        if let Some(first) = ids.first()
            && event.is_empty()
        {
            event_term = t.clone();
            event = first.clone();
        }
        secrets.extend(ids);
    }
    secrets.extend(strs(&d, &["me", "schoolId"]));
    secrets.extend(strs(&d, &["me", "schoolName"]));
    Ok(Foreign {
        admin,
        school: strs(&d, &["me", "schoolId"])[0].clone(),
        student: student[0].clone(),
        class: classes[0].clone(),
        class_name: class_names[0].clone(),
        student_no: student_no[0].clone(),
        staff: staff[0].clone(),
        term: terms[0].clone(),
        guardian: guardian[0].clone(),
        user: users[0].clone(),
        grant: grants[0].clone(),
        teaching: teaching[0].clone(),
        activity,
        message,
        talk,
        inbox,
        event_term,
        event,
        round,
        rush,
        application,
        care_case,
        care_entry,
        care_alert,
        care_conference,
        secrets,
    })
}

/// Everything of the foreign school its own admin can see, to compare after.
async fn snapshot(s: &TestServer, f: &Foreign) -> Result<Value> {
    let d = s
        .data_as(
            f.admin,
            "query($id: ID!, $s: ID!, $et: ID!, $r: ID!, $rush: ID!) { school(id: $s) { id code name stage studentCount classCount staffCount }
               schoolPolicy { versions { id version effectiveFrom } } districtBaseline { versions { id version } }
               calendarEvents(termId: $et) { id name date kind grades }
               students(first: 200) { totalCount edges { node { id name studentNo gender classId mentors { id } } } }
               classes { id name grade headTeacherId studentCount } terms { id name startsOn endsOn }
               staff(first: 200) { edges { node { id staffNo name phone specialties qualification teaching { id subject classId } } } }
               accounts(first: 200) { edges { node { id username active grants { id role grade } } } }
               guardians(studentId: $id) { id name phone relation }
               matchingPreview(roundId: $r) { round { status seed } assignments { studentId mentorId stage why } }
               mentorsWithPlaces(roundId: $rush) { id placesLeft }
               mentorTeamApplications { id status note } mentorTeams { applicationId } }",
            json!({ "id": f.student, "s": f.school, "et": f.event_term, "r": f.round, "rush": f.rush }),
        )
        .await?;
    let school = s.uuid_lit(&f.school);
    let mut mentoring = vec![];
    for (table, extra) in [
        (
            "activities",
            "sum(length(summary)) || '/' || sum(length(coalesce(place, '')))",
        ),
        ("activity_students", "''"),
        ("activity_amendments", "''"),
        (
            "growth_messages",
            "sum(length(body)) || '/' || sum(length(status))",
        ),
        ("growth_file_notes", "''"),
        (
            "inbox_items",
            "sum(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END)",
        ),
        ("exam_results", "sum(score)"),
        (
            "talk_requests",
            "sum(length(status)) || '/' || sum(length(coalesce(answer, '')))",
        ),
        (
            "care_cases",
            "sum(length(stage)) || '/' || sum(length(level)) || '/' || count(acknowledged_at) || '/' || count(closed_at) || '/' || sum(length(participants))",
        ),
        ("care_events", "''"),
        ("care_alerts", "count(read_at)"),
        (
            "care_conferences",
            "count(recorded_at) || '/' || sum(length(participants))",
        ),
    ] {
        mentoring.push(s.sql(&format!(
            "SELECT '{table}', count(*), {extra} FROM {table} WHERE school_id = {school}"
        ))?);
    }
    Ok(json!({ "api": d, "mentoring": mentoring }))
}

struct Case {
    op: &'static str,
    query: String,
    vars: Value,
    /// Passes a foreign id: must be refused or come back empty.
    targeted: bool,
    upload: Option<Vec<u8>>,
}

fn case(op: &'static str, query: &str, vars: Value, targeted: bool) -> Case {
    Case {
        op,
        query: query.to_string(),
        vars,
        targeted,
        upload: None,
    }
}

fn cases(f: &Foreign) -> Vec<Case> {
    let forged_refresh = format!("{}.{}.{}", f.user, uuid::Uuid::new_v4(), "x".repeat(43));
    let roster = format!(
        "学号,姓名,性别,班级\n{},改名,男,{}\n",
        f.student_no, f.class_name
    );
    let student_input =
        json!({ "studentNo": f.student_no, "name": "外校", "gender": "男", "classId": f.class });
    let account = json!({ "username": format!("iso.{}", &f.student[..8]), "password": "long-enough-pw", "displayName": "越权" });
    vec![
        case("me", "{ me { id districtId schoolId schoolName } }", json!({}), false),
        case("schools", "{ schools { id name code } }", json!({}), false),
        case("school", "query($id: ID!) { school(id: $id) { id name } }", json!({ "id": f.school }), true),
        case("terms", "{ terms { id name } }", json!({}), false),
        case("classes", "{ classes { id name headTeacherId } }", json!({}), false),
        case("staff", "{ staff(first: 200) { edges { node { id name phone } } } }", json!({}), false),
        case("students", "query($c: ID) { students(classId: $c, first: 200) { totalCount edges { node { id name } } } }", json!({ "c": f.class }), true),
        case("student", "query($id: ID!) { student(id: $id) { id name sensitive { familyFlags } } }", json!({ "id": f.student }), true),
        case("guardians", "query($id: ID!) { guardians(studentId: $id) { id phone } }", json!({ "id": f.student }), true),
        case("accounts", "{ accounts(first: 200) { edges { node { id username } } } }", json!({}), false),
        case("auditTrail", "query($id: ID!) { auditTrail(subjectId: $id) { id action } }", json!({ "id": f.student }), true),
        case("login", "mutation { login(username: \"s2.admin\", password: \"guess-guess\") { accessToken } }", json!({}), true),
        case("refresh", "mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }", json!({ "t": forged_refresh }), true),
        case("logout", "mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": forged_refresh }), true),
        case("changePassword", "mutation { changePassword(currentPassword: \"guess-guess\", newPassword: \"another-long-pw-1\") { accessToken } }", json!({}), false),
        case("resetPassword", "mutation($u: ID!) { resetPassword(userId: $u) { password } }", json!({ "u": f.user }), true),
        case("deactivateAccount", "mutation($u: ID!) { deactivateAccount(userId: $u) }", json!({ "u": f.user }), true),
        case("reactivateAccount", "mutation($u: ID!) { reactivateAccount(userId: $u) }", json!({ "u": f.user }), true),
        case("createSchool", "mutation { createSchool(input: { code: \"iso-new\", name: \"越权学校\", stage: MIDDLE }) { id } }", json!({}), false),
        case("updateSchool", "mutation($id: ID!) { updateSchool(id: $id, input: { code: \"iso-x\", name: \"被改\", stage: HIGH }) { id } }", json!({ "id": f.school }), true),
        case("createSchoolAdmin", "mutation($id: ID!, $a: AccountInput!) { createSchoolAdmin(schoolId: $id, input: $a) { id } }", json!({ "id": f.school, "a": account }), true),
        case("createTerm", "mutation { createTerm(input: { name: \"越权学期\", academicYear: \"2030\", startsOn: \"2030-09-01\", endsOn: \"2031-01-20\" }) { id } }", json!({}), false),
        case("updateTerm", "mutation($id: ID!) { updateTerm(id: $id, input: { name: \"被改\", academicYear: \"2030\", startsOn: \"2030-09-01\", endsOn: \"2031-01-20\" }) { id } }", json!({ "id": f.term }), true),
        case("deleteTerm", "mutation($id: ID!) { deleteTerm(id: $id) }", json!({ "id": f.term }), true),
        case("createClass", "mutation($h: ID) { createClass(input: { grade: 7, name: \"越权班\", headTeacherId: $h }) { id } }", json!({ "h": f.staff }), true),
        case("updateClass", "mutation($id: ID!) { updateClass(id: $id, input: { grade: 7, name: \"被改班\" }) { id } }", json!({ "id": f.class }), true),
        case("deleteClass", "mutation($id: ID!) { deleteClass(id: $id) }", json!({ "id": f.class }), true),
        case("createStaff", "mutation { createStaff(input: { staffNo: \"ISO1\", name: \"越权老师\" }) { id } }", json!({}), false),
        case("updateStaff", "mutation($id: ID!) { updateStaff(id: $id, input: { staffNo: \"ISO2\", name: \"被改\" }) { id } }", json!({ "id": f.staff }), true),
        case("deleteStaff", "mutation($id: ID!) { deleteStaff(id: $id) }", json!({ "id": f.staff }), true),
        case("setTeaching", "mutation($s: ID!, $c: ID!) { setTeaching(staffId: $s, classId: $c, subject: \"越权\") }", json!({ "s": f.staff, "c": f.class }), true),
        case("removeTeaching", "mutation($id: ID!) { removeTeaching(id: $id) }", json!({ "id": f.teaching }), true),
        case("createStudent", "mutation($i: StudentInput!) { createStudent(input: $i) { id } }", json!({ "i": student_input }), true),
        case("updateStudent", "mutation($id: ID!, $i: StudentInput!) { updateStudent(id: $id, input: $i) { id } }", json!({ "id": f.student, "i": student_input }), true),
        case("deleteStudent", "mutation($id: ID!) { deleteStudent(id: $id) }", json!({ "id": f.student }), true),
        case("addGuardian", "mutation($id: ID!) { addGuardian(studentId: $id, input: { name: \"越权\", phone: \"13311112222\", relation: \"父亲\" }) { id } }", json!({ "id": f.student }), true),
        case("unlinkGuardian", "mutation($s: ID!, $g: ID!) { unlinkGuardian(studentId: $s, guardianId: $g) }", json!({ "s": f.student, "g": f.guardian }), true),
        case("createAccount", "mutation($s: ID!, $a: AccountInput!) { createAccount(input: { account: $a, staffId: $s, roles: [MENTOR] }) { id } }", json!({ "s": f.staff, "a": account }), true),
        case("grantRole", "mutation($u: ID!) { grantRole(userId: $u, role: SCHOOL_ADMIN) { id } }", json!({ "u": f.user }), true),
        case("revokeRole", "mutation($g: ID!) { revokeRole(grantId: $g) }", json!({ "g": f.grant }), true),
        case("activities", "query($s: ID, $c: ID) { activities(studentId: $s, classId: $c, first: 50) { totalCount edges { node { id summary } } } }", json!({ "s": f.student }), true),
        case("activity", "query($id: ID!) { activity(id: $id) { id summary students { id name } } }", json!({ "id": f.activity }), true),
        case("termActivitiesFor", "query($s: ID!, $t: ID!) { termActivitiesFor(studentId: $s, termId: $t) { id summary } }", json!({ "s": f.student, "t": f.term }), true),
        case("growthMessages", "query($s: ID!) { growthMessages(studentId: $s) { id body } }", json!({ "s": f.student }), true),
        case("myGrowthMessages", "{ myGrowthMessages { id body student { id name } } }", json!({}), false),
        case("growthMessagesToReview", "{ growthMessagesToReview { id body reviewComment student { id name } } }", json!({}), false),
        case("reviewGrowthMessage", "mutation($id: ID!) { reviewGrowthMessage(id: $id, approve: false, comment: \"越权\") { id } }", json!({ "id": f.message }), true),
        case("growthFile", "query($s: ID!) { growthFile(studentId: $s) { student { id name } notes { body } examResults { band } } }", json!({ "s": f.student }), true),
        case("talkRequests", "{ talkRequests { id message student { id name } } }", json!({}), false),
        case("homeSchoolContacts", "query($c: ID) { homeSchoolContacts(classId: $c) { student { id name } total } }", json!({ "c": f.class }), true),
        case("mentorActivityCounts", "{ mentorActivityCounts { mentor { id name } total } }", json!({}), false),
        case("logActivity", "mutation($s: ID!, $k: String!) { logActivity(input: { clientKey: $k, kind: TALK, studentIds: [$s], summary: \"越权\" }) { id } }", json!({ "s": f.student, "k": format!("iso-{}", f.student) }), true),
        case("logActivity", "mutation($s: ID!, $c: ID!) { logActivity(input: { clientKey: \"iso-co\", kind: PARENT_CONTACT, studentIds: [$s], coMentorIds: [$c] }) { id } }", json!({ "s": f.student, "c": f.staff }), true),
        case("amendActivity", "mutation($id: ID!) { amendActivity(id: $id, changes: { summary: \"被改\" }, reason: \"越权\") { id } }", json!({ "id": f.activity }), true),
        case("saveGrowthMessage", "mutation($s: ID!, $t: ID!) { saveGrowthMessage(studentId: $s, termId: $t, body: \"越权\") { id } }", json!({ "s": f.student, "t": f.term }), true),
        case("submitGrowthMessage", "mutation($id: ID!) { submitGrowthMessage(id: $id) { id } }", json!({ "id": f.message }), true),
        case("reviewGrowthMessage", "mutation($id: ID!) { reviewGrowthMessage(id: $id, approve: false) { id } }", json!({ "id": f.message }), true),
        case("publishGrowthMessage", "mutation($id: ID!) { publishGrowthMessage(id: $id) { id } }", json!({ "id": f.message }), true),
        case("addGrowthNote", "mutation($s: ID!) { addGrowthNote(studentId: $s, section: FAMILY, body: \"越权\") { id } }", json!({ "s": f.student }), true),
        case("recordExamResult", "mutation($s: ID!) { recordExamResult(studentId: $s, input: { subject: \"语文\", examName: \"越权\", takenOn: \"2026-10-01\", score: 1, fullMarks: 100 }) { band } }", json!({ "s": f.student }), true),
        case("requestTalk", "mutation($s: ID!) { requestTalk(studentId: $s, message: \"越权\") { id } }", json!({ "s": f.student }), true),
        case("answerTalkRequest", "mutation($id: ID!) { answerTalkRequest(id: $id, answer: \"越权\") { id } }", json!({ "id": f.talk }), true),
        // No id: the caller's own report (a student of school A) or a refusal.
        case("submitSelfReport", "mutation { submitSelfReport(month: \"2026-11\", text: \"本校汇报\") { id } }", json!({}), false),
        case("replyToTalk", "mutation($id: ID!) { replyToTalk(id: $id, text: \"越权\") { id } }", json!({ "id": f.talk }), true),
        // No id: the caller's own reports.
        case("mySelfReports", "{ mySelfReports { month } }", json!({}), false),
        case("createAccountsInBulk", "mutation($c: ID) { createAccountsInBulk(kind: GUARDIANS, classId: $c) { remaining slips { username } } }", json!({ "c": f.class }), true),
        case("inbox", "{ inbox(first: 100) { unreadCount items { id kind title body link } } }", json!({}), false),
        case("unreadCount", "{ unreadCount }", json!({}), false),
        case("markInboxRead", "mutation($id: ID!) { markInboxRead(id: $id) { id title } }", json!({ "id": f.inbox }), true),
        case("markAllInboxRead", "mutation { markAllInboxRead }", json!({}), false),
        case("notifyPreferences", "{ notifyPreferences { kind inbox push } }", json!({}), false),
        case("pushSettings", "{ pushSettings { devices quietFromHour } }", json!({}), false),
        case("setNotifyPreference", "mutation { setNotifyPreference(kind: \"survey_opened\", inbox: true, push: false) { kind } }", json!({}), false),
        // Keys that are not a device's: refused before anything is stored (no push leaves the test).
        case("subscribePush", "mutation { subscribePush(endpoint: \"https://fcm.googleapis.com/fcm/send/iso\", p256dh: \"AAAA\", auth: \"AAAA\") }", json!({}), false),
        case("unsubscribePush", "mutation { unsubscribePush(endpoint: \"https://fcm.googleapis.com/fcm/send/iso\") }", json!({}), false),
        case("robotWebhooks", "{ robotWebhooks { id name urlHint } }", json!({}), false),
        case("addRobotWebhook", "mutation($c: ID) { addRobotWebhook(name: \"越权\", platform: WECOM, classId: $c, url: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=iso\") { id } }", json!({ "c": f.class }), true),
        case("deleteRobotWebhook", "mutation($id: ID!) { deleteRobotWebhook(id: $id) }", json!({ "id": f.student }), true),
        case("testRobotWebhook", "mutation($id: ID!) { testRobotWebhook(id: $id) { id } }", json!({ "id": f.student }), true),
        case("deadJobs", "{ deadJobs { id kind lastError } }", json!({}), false),
        case("retryDeadJob", "mutation($id: ID!) { retryDeadJob(id: $id) }", json!({ "id": f.student }), true),
        case("policyPresets", "{ policyPresets { id level } }", json!({}), false),
        case("districtBaseline", "{ districtBaseline { current { id version } versions { id } } }", json!({}), false),
        case("schoolPolicy", "query($s: ID) { schoolPolicy(schoolId: $s) { schoolId current { id rules } versions { id } } }", json!({ "s": f.school }), true),
        case("validateSchoolPolicy", "query($t: ID) { validateSchoolPolicy(rules: {}, termId: $t) { path messageZh } }", json!({ "t": f.term }), true),
        case("calendarEvents", "query($t: ID!) { calendarEvents(termId: $t) { id name } }", json!({ "t": f.event_term }), true),
        case("studentTasks", "query($s: ID!, $t: ID) { studentTasks(studentId: $s, termId: $t) { students { studentId requirements { status } } } }", json!({ "s": f.student, "t": f.term }), true),
        case("myStudentsTasks", "query($t: ID) { myStudentsTasks(termId: $t) { students { studentId } } }", json!({ "t": f.term }), true),
        case("classTasks", "query($c: ID!, $t: ID) { classTasks(classId: $c, termId: $t) { students { studentId } } }", json!({ "c": f.class, "t": f.term }), true),
        case("schoolTaskCounts", "query($t: ID) { schoolTaskCounts(termId: $t) { schoolId schoolName counts { students } } }", json!({ "t": f.term }), true),
        case("saveDistrictBaseline", "mutation { saveDistrictBaseline(rules: {}, effectiveFrom: \"2030-09-01\") { id } }", json!({}), false),
        case("saveSchoolPolicy", "mutation($t: ID) { saveSchoolPolicy(rules: {}, effectiveFrom: \"2030-09-01\", termId: $t) { id } }", json!({ "t": f.term }), true),
        case("createCalendarEvent", "mutation($t: ID!) { createCalendarEvent(input: { termId: $t, kind: KEY_EXAM, date: \"2026-11-20\", name: \"越权考试\" }) { id } }", json!({ "t": f.event_term }), true),
        case("deleteCalendarEvent", "mutation($id: ID!) { deleteCalendarEvent(id: $id) }", json!({ "id": f.event }), true),
        case("matchingRound", "query($id: ID!) { matchingRound(id: $id) { id status } }", json!({ "id": f.round }), true),
        case("matchingRounds", "query($t: ID!) { matchingRounds(termId: $t) { id } }", json!({ "t": f.term }), true),
        case("matchingPreview", "query($r: ID!) { matchingPreview(roundId: $r) { assignments { studentId } } }", json!({ "r": f.round }), true),
        case("eligibleMentors", "query($r: ID!) { eligibleMentors(roundId: $r) { id name } }", json!({ "r": f.round }), true),
        case("myMentorChoices", "query($r: ID!) { myMentorChoices(roundId: $r) { id } }", json!({ "r": f.round }), true),
        case("mentorsWithPlaces", "query($r: ID!) { mentorsWithPlaces(roundId: $r) { id placesLeft } }", json!({ "r": f.rush }), true),
        case("myRushPlace", "query($r: ID!) { myRushPlace(roundId: $r) { id } }", json!({ "r": f.rush }), true),
        case("myMatch", "{ myMatch { mentorId why } }", json!({}), false),
        case("mentorTeamApplications", "{ mentorTeamApplications { id studentId reason } }", json!({}), false),
        case("mentorTeams", "{ mentorTeams { applicationId studentId } }", json!({}), false),
        case("openMatchingRound", "mutation($t: ID!) { openMatchingRound(termId: $t, grade: 7, method: TWO_WAY) { id } }", json!({ "t": f.term }), true),
        case("submitMentorChoices", "mutation($r: ID!, $m: ID!) { submitMentorChoices(roundId: $r, mentorIds: [$m]) { id } }", json!({ "r": f.round, "m": f.staff }), true),
        case("submitStudentPreferences", "mutation($r: ID!, $s: ID!) { submitStudentPreferences(roundId: $r, studentIds: [$s]) }", json!({ "r": f.round, "s": f.student }), true),
        case("runMatchingPreview", "mutation($r: ID!) { runMatchingPreview(roundId: $r, seed: 1) { round { id } } }", json!({ "r": f.round }), true),
        case("adjustAssignment", "mutation($r: ID!, $s: ID!, $m: ID!) { adjustAssignment(roundId: $r, studentId: $s, mentorId: $m, reason: \"越权\") { studentId } }", json!({ "r": f.round, "s": f.student, "m": f.staff }), true),
        case("publishMatchingRound", "mutation($r: ID!) { publishMatchingRound(roundId: $r) { id } }", json!({ "r": f.round }), true),
        case("changeMentor", "mutation($s: ID!, $m: ID!) { changeMentor(studentId: $s, mentorId: $m, reason: \"越权\") }", json!({ "s": f.student, "m": f.staff }), true),
        case("selectMentor", "mutation($r: ID!, $m: ID!) { selectMentor(roundId: $r, mentorId: $m) { id } }", json!({ "r": f.rush, "m": f.staff }), true),
        case("applyForMentorTeam", "mutation($s: ID!, $m: ID!) { applyForMentorTeam(studentId: $s, reason: \"越权\", proposedMemberIds: [$m]) { id } }", json!({ "s": f.student, "m": f.staff }), true),
        case("decideMentorTeam", "mutation($a: ID!, $m: ID!) { decideMentorTeam(applicationId: $a, approve: true, leadMentorId: $m, memberIds: []) { id } }", json!({ "a": f.application, "m": f.staff }), true),
        case("assessmentRun", "query($t: ID!) { assessmentRun(termId: $t) { id results { staffName score } } }", json!({ "t": f.term }), true),
        case("myAssessments", "{ myAssessments { termName score reason } }", json!({}), false),
        case("districtAssessmentCounts", "{ districtAssessmentCounts { schoolName excellent } }", json!({}), false),
        case("assessmentExport", "query($r: ID!) { assessmentExport(runId: $r) { base64 } }", json!({ "r": f.term }), true),
        case("qualificationHistory", "query($s: ID!) { qualificationHistory(staffId: $s) { on reason } }", json!({ "s": f.staff }), true),
        case("runAssessment", "mutation($t: ID!) { runAssessment(termId: $t) { id } }", json!({ "t": f.term }), true),
        case("adjustAssessment", "mutation($r: ID!) { adjustAssessment(resultId: $r, rating: EXCELLENT, reason: \"越权调整\") { id } }", json!({ "r": f.student }), true),
        case("publishAssessment", "mutation($r: ID!) { publishAssessment(runId: $r) { id } }", json!({ "r": f.term }), true),
        case("recordQualification", "mutation($s: ID!) { recordQualification(staffId: $s, to: TRAINING, on: \"2026-09-01\") { id } }", json!({ "s": f.staff }), true),
        case("surveys", "{ surveys { id title } }", json!({}), false),
        case("paperFile", "query($id: ID!) { paperFile(id: $id) { filename downloadUrl } }", json!({ "id": f.student }), true),
        case("myPaperFiles", "{ myPaperFiles { filename } }", json!({}), false),
        case("taskCompletion", "{ taskCompletion { classes { name } mentors { name } } }", json!({}), false),
        case("requestPaper", "mutation($s: ID) { requestPaper(kind: GROWTH_LETTER, subjectId: $s) { id } }", json!({ "s": f.student }), true),
        case("schoolAwards", "query($t: ID!) { schoolAwards(termId: $t) { staffName citation } }", json!({ "t": f.term }), true),
        case("myAwards", "{ myAwards { citation } }", json!({}), false),
        case("districtAwardCounts", "{ districtAwardCounts { schoolName count } }", json!({}), false),
        case("nominateAward", "mutation($t: ID!, $s: ID!) { nominateAward(termId: $t, staffId: $s, citation: \"越权\") { id } }", json!({ "t": f.term, "s": f.staff }), true),
        case("withdrawAward", "mutation($id: ID!) { withdrawAward(id: $id) }", json!({ "id": f.staff }), true),
        case("publishAwards", "mutation($t: ID!) { publishAwards(termId: $t) { id } }", json!({ "t": f.term }), true),
        case("surveyResults", "query($s: ID!) { surveyResults(surveyId: $s) { responses } }", json!({ "s": f.term }), true),
        case("createSurvey", "mutation($t: ID!) { createSurvey(termId: $t, title: \"越权问卷\", audience: PARENTS, questions: [{ kind: SCALE, prompt: \"满意度\" }]) { id } }", json!({ "t": f.term }), true),
        case("closeSurvey", "mutation($s: ID!) { closeSurvey(surveyId: $s) { id } }", json!({ "s": f.term }), true),
        case("submitSurvey", "mutation($s: ID!) { submitSurvey(surveyId: $s, answers: [{ scale: 5 }]) }", json!({ "s": f.term }), true),
        case("reviewSheet", "query($t: ID!) { reviewSheet(termId: $t, role: HEAD_TEACHER) { targets { name } } }", json!({ "t": f.term }), true),
        case("reviewMentor", "mutation($t: ID!, $m: ID!) { reviewMentor(termId: $t, staffId: $m, role: HEAD_TEACHER, score: 3) { id } }", json!({ "t": f.term, "m": f.staff }), true),
        case("gradeAssessment", "query($t: ID!) { gradeAssessment(termId: $t) { results { staffName } } }", json!({ "t": f.term }), true),
        case("trainingCourses", "{ trainingCourses { id name sessions { present } } }", json!({}), false),
        case("trainingRecord", "query($s: ID!) { trainingRecord(staffId: $s) { name attended { course } } }", json!({ "s": f.staff }), true),
        case("createTrainingCourse", "mutation { createTrainingCourse(name: \"越权\", provider: SCHOOL, cadence: ONCE, required: false, sessionsRequired: 0) { id } }", json!({}), false),
        case("scheduleTraining", "mutation($c: ID!) { scheduleTraining(courseId: $c, from: \"2026-09-01\", until: \"2026-09-30\") { id } }", json!({ "c": f.term }), true),
        case("recordTrainingAttendance", "mutation($s: ID!, $p: ID!) { recordTrainingAttendance(sessionId: $s, present: [$p]) { id } }", json!({ "s": f.term, "p": f.staff }), true),
        case("careCases", "query($s: ID) { careCases(studentId: $s, openOnly: false) { id seen studentName } }", json!({ "s": f.student }), true),
        case("careCase", "query($id: ID!) { careCase(id: $id) { id seen studentName timeline { id note } } }", json!({ "id": f.care_case }), true),
        case("careAlerts", "{ careAlerts(unreadOnly: false) { id caseId studentName } }", json!({}), false),
        case("raiseConcern", "mutation($s: ID!) { raiseConcern(input: { clientKey: \"iso-care\", studentId: $s, level: CRISIS, category: OTHER, seen: \"越权\" }) { id } }", json!({ "s": f.student }), true),
        case("acknowledgeCareCase", "mutation($c: ID!) { acknowledgeCareCase(caseId: $c) { id } }", json!({ "c": f.care_case }), true),
        case("recordCareAssessment", "mutation($c: ID!) { recordCareAssessment(caseId: $c, input: { riskLevel: WATCH, plan: \"越权\" }) { id } }", json!({ "c": f.care_case }), true),
        case("addCareAction", "mutation($c: ID!, $o: ID) { addCareAction(caseId: $c, input: { description: \"越权\", ownerStaffId: $o }) { id } }", json!({ "c": f.care_case, "o": f.staff }), true),
        case("completeCareAction", "mutation($e: ID!) { completeCareAction(entryId: $e, note: \"越权\") { id } }", json!({ "e": f.care_entry }), true),
        case("recordCareParentContact", "mutation($c: ID!) { recordCareParentContact(caseId: $c, note: \"越权\") { id } }", json!({ "c": f.care_case }), true),
        case("recordCareReferral", "mutation($c: ID!) { recordCareReferral(caseId: $c, input: { referredTo: \"越权\", referredOn: \"2026-11-20\" }) { id } }", json!({ "c": f.care_case }), true),
        case("recordCareReferralOutcome", "mutation($e: ID!) { recordCareReferralOutcome(entryId: $e, outcome: \"越权\") { id } }", json!({ "e": f.care_entry }), true),
        case("recordCareFollowUp", "mutation($c: ID!) { recordCareFollowUp(caseId: $c, note: \"越权\") { id } }", json!({ "c": f.care_case }), true),
        case("amendCareEntry", "mutation($e: ID!) { amendCareEntry(entryId: $e, text: \"越权\", reason: \"越权\") { id } }", json!({ "e": f.care_entry }), true),
        case("closeCareCase", "mutation($c: ID!) { closeCareCase(caseId: $c, summary: \"越权\") { id } }", json!({ "c": f.care_case }), true),
        case("markCareAlertRead", "mutation($a: ID!) { markCareAlertRead(alertId: $a) }", json!({ "a": f.care_alert }), true),
        case("careConferences", "{ careConferences { id agenda cases { id studentName } } }", json!({}), false),
        case("careConference", "query($id: ID!) { careConference(id: $id) { id agenda summary } }", json!({ "id": f.care_conference }), true),
        case("myCareActions", "{ myCareActions { entryId caseId description } }", json!({}), false),
        case("careStaffChoices", "query($c: [ID!]!) { careStaffChoices(caseIds: $c) { id name } }", json!({ "c": [f.care_case] }), true),
        case("careResponseReport", "{ careResponseReport { schoolName levels { cases } } }", json!({}), false),
        case("careResponseBySchool", "{ careResponseBySchool { schoolName levels { cases } } }", json!({}), false),
        case("scheduleCareConference", "mutation($c: ID!) { scheduleCareConference(input: { caseIds: [$c], scheduledAt: \"2026-12-20T08:00:00Z\", agenda: \"越权\" }) { id } }", json!({ "c": f.care_case }), true),
        case("recordCareConference", "mutation($id: ID!, $c: ID!, $o: ID!) { recordCareConference(id: $id, summary: \"越权\", actions: [{ caseId: $c, description: \"越权\", ownerStaffId: $o }]) { id } }", json!({ "id": f.care_conference, "c": f.care_case, "o": f.staff }), true),
        Case {
            op: "importRoster",
            query: "mutation($file: Upload!) { importRoster(file: $file) { ok created updated errors { row message } } }".into(),
            vars: json!({ "file": null }),
            // Class names and student numbers are not ids: the same names may
            // exist in the caller's school, and the import then (rightly)
            // writes there. That nothing foreign changed is proven by the
            // snapshot comparison.
            targeted: false,
            upload: Some(roster.into_bytes()),
        },
        case("schoolDashboard", "{ schoolDashboard { schoolName byMentor { key name } unmatched { studentId name } } }", json!({}), false),
        case("districtDashboard", "{ districtDashboard { districtName schools { key name } } }", json!({}), false),
        case("districtSchoolSummary", "query($s: ID!) { districtSchoolSummary(schoolId: $s) { schoolName byGrade { key } } }", json!({ "s": f.school }), true),
        case("planFilings", "{ planFilings { schoolId schoolName current { id } } }", json!({}), false),
        case("recomputeSchoolInsights", "mutation { recomputeSchoolInsights { schoolName } }", json!({}), false),
        case("reviewSchoolPlan", "mutation($s: ID!, $v: ID!) { reviewSchoolPlan(schoolId: $s, versionId: $v, decision: REVIEWED) { status } }", json!({ "s": f.school, "v": f.event }), true),
    ]
}

/// Whether a response refused the call or came back empty.
fn refused_or_empty(op: &str, body: &Value) -> bool {
    if body["errors"].as_array().is_some_and(|e| !e.is_empty()) {
        return true;
    }
    let d = &body["data"][op];
    d.is_null()
        || d == &json!(false)
        || d["totalCount"] == json!(0)
        || d.as_array().is_some_and(|a| a.is_empty())
        || (d["ok"] == json!(false))
        || (d["ok"] == json!(true) && d["created"] == json!(0) && d["updated"] == json!(0))
}

const ROLES_A: [&str; 7] = [
    "s1.admin",
    "s1.grade4",
    "s1.head1",
    "s1.mentor1",
    "s1.counsellor",
    "s1.parent1",
    "s1.student1",
];

async fn no_operation_crosses_tenants(backend: Backend) -> Result<()> {
    // The `login` case guesses a foreign admin's password many times; the
    // per-username limit (tested elsewhere) would otherwise lock the admin out.
    // No job workers: the daily digest (due since 07:00 China time) would
    // otherwise add inbox items to both schools between the two snapshots.
    let env = vec![
        ("DAOSHI_LOGIN_LIMIT_USER".to_string(), "100000".to_string()),
        ("DAOSHI_WORKERS".to_string(), "0".to_string()),
    ];
    let s = TestServer::start(Options {
        env,
        ..Options::new(backend)
    })
    .await?;
    let targets = [
        foreign(&s, "s2.admin").await?,
        foreign(&s, "y.s1.admin").await?,
    ];
    let mut before = vec![];
    let mut refresh = vec![];
    for f in &targets {
        before.push(snapshot(&s, f).await?);
        let p = s.login_payload(f.admin, tests::PASSWORD).await?;
        refresh.push(
            p["data"]["login"]["refreshToken"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let mut problems = vec![];
    for (ti, f) in targets.iter().enumerate() {
        // School A's roles against both targets; A's district admin against district Y.
        let mut callers: Vec<&str> = ROLES_A.to_vec();
        if ti == 1 {
            callers.push("district");
        }
        for who in callers {
            let token = s.login(who).await?;
            for c in cases(f) {
                let body = match &c.upload {
                    Some(bytes) => {
                        s.gql_upload(
                            &token,
                            &c.query,
                            c.vars.clone(),
                            "roster.csv",
                            bytes.clone(),
                        )
                        .await?
                    }
                    None => s.gql(Some(&token), &c.query, c.vars.clone()).await?,
                };
                let text = body.to_string();
                for secret in &f.secrets {
                    if text.contains(secret.as_str()) {
                        problems.push(format!("{who} {} leaked {secret}: {text}", c.op));
                    }
                }
                if c.targeted && !refused_or_empty(c.op, &body) {
                    problems.push(format!("{who} {} was not refused: {text}", c.op));
                }
            }
        }
    }
    for (i, f) in targets.iter().enumerate() {
        let after = snapshot(&s, f).await?;
        if after != before[i] {
            problems.push(format!(
                "{}'s school changed:\nbefore {}\nafter  {}",
                f.admin, before[i], after
            ));
        }
        let r = s
            .gql(
                None,
                "mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }",
                json!({ "t": refresh[i] }),
            )
            .await?;
        if !r["errors"].is_null() {
            problems.push(format!(
                "{}'s session was revoked from outside: {r}",
                f.admin
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} isolation failures:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(())
}
both!(no_operation_crosses_tenants);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_has_an_isolation_case() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Sqlite)).await?;
    let d = s
        .data_as(
            "s1.admin",
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }",
            json!({}),
        )
        .await?;
    let mut ops = strs(&d, &["__schema", "queryType", "fields", "name"]);
    ops.extend(strs(&d, &["__schema", "mutationType", "fields", "name"]));
    ops.extend(strs(
        &d,
        &["__schema", "subscriptionType", "fields", "name"],
    ));
    let dummy = Foreign {
        admin: "",
        school: String::new(),
        student: "00000000-0000".into(),
        class: String::new(),
        class_name: String::new(),
        student_no: String::new(),
        staff: String::new(),
        term: String::new(),
        guardian: String::new(),
        user: String::new(),
        grant: String::new(),
        teaching: String::new(),
        activity: String::new(),
        message: String::new(),
        talk: String::new(),
        inbox: String::new(),
        event_term: String::new(),
        event: String::new(),
        round: String::new(),
        rush: String::new(),
        application: String::new(),
        care_case: String::new(),
        care_entry: String::new(),
        care_alert: String::new(),
        care_conference: String::new(),
        secrets: BTreeSet::new(),
    };
    let covered: BTreeSet<&str> = cases(&dummy).iter().map(|c| c.op).collect();
    let missing: Vec<&String> = ops
        .iter()
        .filter(|o| !covered.contains(o.as_str()))
        .collect();
    assert!(
        ops.len() > 30,
        "introspection found too few operations: {ops:?}"
    );
    assert!(
        missing.is_empty(),
        "operations without an isolation case: {missing:?}"
    );
    Ok(())
}
