//! Organisation data through the API: who sees which students, CRUD with
//! validation that changes nothing on error, sensitive reads audited.

use anyhow::Result;
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const STUDENTS: &str = "query($first: Int, $after: String, $classId: ID) { students(first: $first, after: $after, classId: $classId) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name studentNo className grade mentors { name } } } } }";

fn ids(data: &Value) -> Vec<String> {
    data["students"]["edges"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|n| n["node"]["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn who_sees_which_students(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    // School admin: the whole school (12 classes × 6), paged.
    let all = s
        .data_as("s1.admin", STUDENTS, json!({ "first": 200 }))
        .await?;
    assert_eq!(all["students"]["totalCount"], json!(72));
    let page1 = s
        .data_as("s1.admin", STUDENTS, json!({ "first": 50 }))
        .await?;
    assert_eq!(page1["students"]["pageInfo"]["hasNextPage"], json!(true));
    let cursor = page1["students"]["pageInfo"]["endCursor"].clone();
    let page2 = s
        .data_as(
            "s1.admin",
            STUDENTS,
            json!({ "first": 50, "after": cursor }),
        )
        .await?;
    assert_eq!(ids(&page1).len() + ids(&page2).len(), 72);
    assert!(ids(&page2).iter().all(|id| !ids(&page1).contains(id)));

    // A school-2 student is NOT_FOUND for school 1, like a missing one.
    let s2 = s
        .data_as("s2.admin", STUDENTS, json!({ "first": 1 }))
        .await?;
    let foreign = ids(&s2)[0].clone();
    let token = s.login("s1.admin").await?;
    let q = "query($id: ID!) { student(id: $id) { id name } }";
    let b = s.gql(Some(&token), q, json!({ "id": foreign })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"));
    let missing = s
        .gql(
            Some(&token),
            q,
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
        )
        .await?;
    assert_eq!(b["errors"][0]["message"], missing["errors"][0]["message"]);

    // The district sees aggregates, never lists.
    let d = s.login("district").await?;
    let b = s.gql(Some(&d), STUDENTS, json!({})).await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"));
    let schools = s
        .data_as("district", "{ schools { name studentCount } }", json!({}))
        .await?;
    assert_eq!(schools["schools"].as_array().map(Vec::len), Some(3));

    // Mentor: own mentees only, and each lists them as mentor.
    let m = s
        .data_as("s1.mentor1", STUDENTS, json!({ "first": 200 }))
        .await?;
    let me = s
        .data_as("s1.mentor1", "{ me { displayName } }", json!({}))
        .await?;
    let name = me["me"]["displayName"].clone();
    let edges = m["students"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!edges.is_empty() && edges.len() <= 15, "{m}");
    for e in &edges {
        assert!(
            e["node"]["mentors"]
                .as_array()
                .is_some_and(|ms| ms.iter().any(|x| x["name"] == name))
        );
    }
    // Head teacher: the class (6) plus own mentees.
    let h = s
        .data_as("s1.head1", STUDENTS, json!({ "first": 200 }))
        .await?;
    assert!(h["students"]["totalCount"].as_i64().unwrap_or(0) >= 6);
    // Parent: both children. Student: self.
    let p = s.data_as("s1.parent1", STUDENTS, json!({})).await?;
    assert_eq!(p["students"]["totalCount"], json!(2));
    let st = s.data_as("s1.student1", STUDENTS, json!({})).await?;
    assert_eq!(st["students"]["totalCount"], json!(1));
    // A parent cannot open another child of the school.
    let other = ids(&all)
        .into_iter()
        .find(|i| !ids(&p).contains(i))
        .unwrap_or_default();
    let pt = s.login("s1.parent1").await?;
    let b = s.gql(Some(&pt), q, json!({ "id": other })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"));
    Ok(())
}
both!(who_sees_which_students);

async fn sensitive_reads_are_restricted_and_audited(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let st = s
        .data_as(
            "s1.student1",
            "{ students { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let id = ids(&st)[0].clone();
    let q = "query($id: ID!) { student(id: $id) { name sensitive { familyFlags specialNeeds } } }";
    // The mentor may read it; the student and parent may not.
    s.data_as("s1.mentor1", q, json!({ "id": id })).await?;
    for who in ["s1.student1", "s1.parent1"] {
        let t = s.login(who).await?;
        let b = s.gql(Some(&t), q, json!({ "id": id })).await?;
        assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{who}: {b}");
    }
    let trail = s
        .data_as(
            "s1.admin",
            "query($id: ID!) { auditTrail(subjectId: $id) { action actorRole } }",
            json!({ "id": id }),
        )
        .await?;
    let reads: Vec<&Value> = trail["auditTrail"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["action"] == "student.sensitive.read")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(reads.len(), 1, "{trail}");
    assert_eq!(reads[0]["actorRole"], json!("mentor"));
    Ok(())
}
both!(sensitive_reads_are_restricted_and_audited);

async fn crud_validates_first_and_changes_nothing_on_error(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let t = s.login("s2.admin").await?;
    let classes = s
        .gql(Some(&t), "{ classes { id name grade } }", json!({}))
        .await?;
    let class_id = classes["data"]["classes"][0]["id"].clone();
    let create = "mutation($i: StudentInput!) { createStudent(input: $i) { id name className } }";
    let before =
        s.gql(Some(&t), STUDENTS, json!({ "first": 1 })).await?["data"]["students"]["totalCount"]
            .clone();
    // Every bad field is reported at once.
    let bad = s
        .gql(
            Some(&t),
            create,
            json!({ "i": { "studentNo": "1", "name": "", "gender": "X", "classId": class_id } }),
        )
        .await?;
    assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"));
    let problems = bad["errors"][0]["extensions"]["problems"]
        .as_array()
        .map(Vec::len);
    assert_eq!(problems, Some(3), "{bad}");
    // Unknown class: nothing written.
    let b = s
        .gql(Some(&t), create, json!({ "i": { "studentNo": "20990001", "name": "新同学", "gender": "女", "classId": uuid::Uuid::new_v4().to_string() } }))
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"));
    let after =
        s.gql(Some(&t), STUDENTS, json!({ "first": 1 })).await?["data"]["students"]["totalCount"]
            .clone();
    assert_eq!(before, after);
    // A good one is created; its number is then taken.
    let ok = s
        .gql(Some(&t), create, json!({ "i": { "studentNo": "20990001", "name": "新同学", "gender": "女", "classId": class_id } }))
        .await?;
    assert!(ok["errors"].is_null(), "{ok}");
    let dup = s
        .gql(Some(&t), create, json!({ "i": { "studentNo": "20990001", "name": "另一位", "gender": "男", "classId": class_id } }))
        .await?;
    assert_eq!(error_code(&dup).as_deref(), Some("CONFLICT"));
    // Class, staff, term, account round trip.
    let c = s
        .gql(Some(&t), "mutation { createClass(input: { grade: 7, name: \"七年级(9)班\" }) { id name studentCount } }", json!({}))
        .await?;
    assert_eq!(c["data"]["createClass"]["studentCount"], json!(0), "{c}");
    let bad_grade = s
        .gql(
            Some(&t),
            "mutation { createClass(input: { grade: 2, name: \"二年级(1)班\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&bad_grade).as_deref(), Some("VALIDATION"));
    let staff = s
        .gql(Some(&t), "mutation { createStaff(input: { staffNo: \"T2999\", name: \"新老师\", phone: \"13912345678\", specialties: [\"生涯规划\"] }) { id name qualification } }", json!({}))
        .await?;
    let staff_id = staff["data"]["createStaff"]["id"].clone();
    assert_eq!(
        staff["data"]["createStaff"]["qualification"],
        json!("UNTRAINED"),
        "{staff}"
    );
    let acct = s
        .gql(Some(&t), "mutation($s: ID!) { createAccount(input: { account: { username: \"s2.newteacher\", password: \"long-enough-pw\", displayName: \"新老师\" }, staffId: $s, roles: [MENTOR] }) { username grants { role } } }", json!({ "s": staff_id }))
        .await?;
    assert_eq!(
        acct["data"]["createAccount"]["grants"][0]["role"],
        json!("MENTOR"),
        "{acct}"
    );
    s.login_payload("s2.newteacher", "long-enough-pw").await?["data"]["login"]["accessToken"]
        .as_str()
        .map(|_| ())
        .ok_or_else(|| anyhow::anyhow!("new account cannot log in"))?;
    let term = s
        .gql(Some(&t), "mutation { createTerm(input: { name: \"2027学年第一学期\", academicYear: \"2027-2028\", startsOn: \"2027-09-01\", endsOn: \"2027-08-01\" }) { id } }", json!({}))
        .await?;
    assert_eq!(error_code(&term).as_deref(), Some("VALIDATION"));
    // Roles below school admin cannot write.
    let m = s.login("s2.mentor1").await?;
    let b = s
        .gql(
            Some(&m),
            "mutation { createClass(input: { grade: 7, name: \"七年级(8)班\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"));
    Ok(())
}
both!(crud_validates_first_and_changes_nothing_on_error);

async fn fixture_sql_reads_and_writes_both_databases(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let st = s
        .data_as(
            "s1.student1",
            "{ students { edges { node { id name } } } }",
            json!({}),
        )
        .await?;
    let id = ids(&st)[0].clone();
    let got = s.sql(&format!(
        "SELECT {} FROM students WHERE id = {}",
        s.uuid_col("id"),
        s.uuid_lit(&id)
    ))?;
    assert_eq!(got, id);
    s.sql(&format!(
        "UPDATE students SET name = '改名测试' WHERE id = {}",
        s.uuid_lit(&id)
    ))?;
    let after = s
        .data_as(
            "s1.student1",
            "{ students { edges { node { name } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        after["students"]["edges"][0]["node"]["name"],
        json!("改名测试")
    );
    Ok(())
}
both!(fixture_sql_reads_and_writes_both_databases);
