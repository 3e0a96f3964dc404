//! Logins in bulk for imported staff and guardians, with one-time passwords
//! printed per class, and granting and revoking roles (issue 15, item 3).

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const BULK: &str = "mutation($k: BulkAccountKind!, $c: ID) { createAccountsInBulk(kind: $k, classId: $c) { remaining slips { group name detail username password } } }";
const CLASSES: &str = "{ classes { id name } }";
const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken mustChangePassword user { id roles } } }";
const GRANT: &str = "mutation($u: ID!, $r: Role!, $g: Int) { grantRole(userId: $u, role: $r, grade: $g) { id role grade } }";
const REVOKE: &str = "mutation($g: ID!) { revokeRole(grantId: $g) }";

/// Every slip of one kind, calling again while some remain.
async fn all_slips(
    s: &TestServer,
    token: &str,
    kind: &str,
    class: Option<&str>,
) -> Result<Vec<Value>> {
    let mut out = vec![];
    loop {
        let b = s
            .gql(Some(token), BULK, json!({ "k": kind, "c": class }))
            .await?;
        let d = &b["data"]["createAccountsInBulk"];
        let slips = d["slips"].as_array().with_context(|| format!("{b}"))?;
        out.extend(slips.iter().cloned());
        if d["remaining"] == json!(0) || slips.is_empty() {
            return Ok(out);
        }
    }
}

async fn login(s: &TestServer, user: &str, password: &str) -> Result<Value> {
    let b = s
        .gql(None, LOGIN, json!({ "u": user, "p": password }))
        .await?;
    Ok(b["data"]["login"].clone())
}

async fn bulk_logins_for_guardians_and_staff(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.login("s1.admin").await?;
    let mentor = s.login("s1.mentor1").await?;
    let b = s.gql(Some(&mentor), BULK, json!({ "k": "STAFF" })).await?;
    assert_eq!(error_code(&b).as_deref(), Some("FORBIDDEN"), "{b}");
    let b = s
        .gql(Some(&admin), BULK, json!({ "k": "GUARDIANS" }))
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    // Another school's class is not found, and nothing is made.
    let other = s.data_as("s2.admin", CLASSES, json!({})).await?;
    let other_class = other["classes"][0]["id"].as_str().context("s2 class")?;
    let b = s
        .gql(
            Some(&admin),
            BULK,
            json!({ "k": "GUARDIANS", "c": other_class }),
        )
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("NOT_FOUND"), "{b}");

    // The guardians of one class without an account get one each.
    let classes = s.data_as("s1.admin", CLASSES, json!({})).await?;
    let class = &classes["classes"][0];
    let (class_id, class_name) = (
        class["id"].as_str().context("class id")?,
        class["name"].as_str().context("class name")?,
    );
    let waiting = s.sql(&format!(
        "SELECT count(DISTINCT g.id) FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id \
         JOIN students st ON st.id = sg.student_id WHERE st.class_id = {} AND g.user_id IS NULL",
        s.uuid_lit(class_id)
    ))?;
    let slips = all_slips(&s, &admin, "GUARDIANS", Some(class_id)).await?;
    assert_eq!(slips.len().to_string(), waiting.trim(), "{slips:?}");
    assert!(!slips.is_empty());
    let names: HashSet<&str> = slips
        .iter()
        .filter_map(|x| x["username"].as_str())
        .collect();
    assert_eq!(names.len(), slips.len(), "usernames are unique");
    for x in &slips {
        assert_eq!(x["group"], json!(class_name), "{x}");
        assert!(
            x["detail"].as_str().unwrap_or_default().contains("学生"),
            "{x}"
        );
    }
    // Done: a second run makes nothing.
    assert!(
        all_slips(&s, &admin, "GUARDIANS", Some(class_id))
            .await?
            .is_empty()
    );
    // A slip's one-time password signs in as a parent who must change it.
    let first = &slips[0];
    let l = login(
        &s,
        first["username"].as_str().unwrap_or_default(),
        first["password"].as_str().unwrap_or_default(),
    )
    .await?;
    assert_eq!(l["mustChangePassword"], json!(true), "{l}");
    assert_eq!(l["user"]["roles"], json!(["PARENT"]), "{l}");
    // The password is stored only as a hash.
    let stored = s.sql(&format!(
        "SELECT count(*) FROM users WHERE password_hash LIKE '%{}%'",
        first["password"].as_str().unwrap_or_default()
    ))?;
    assert_eq!(stored.trim(), "0");

    // Staff without an account: mentors, head teachers also as such.
    let staff = all_slips(&s, &admin, "STAFF", None).await?;
    assert!(!staff.is_empty());
    let heads = s.sql(
        "SELECT count(*) FROM staff st WHERE st.school_id = (SELECT school_id FROM users WHERE username = 's1.admin') AND st.user_id IS NOT NULL AND EXISTS \
         (SELECT 1 FROM classes c WHERE c.head_teacher_id = st.id) AND EXISTS \
         (SELECT 1 FROM role_grants g WHERE g.user_id = st.user_id AND g.role = 'head_teacher')",
    )?;
    let all_heads =
        s.sql("SELECT count(DISTINCT head_teacher_id) FROM classes WHERE head_teacher_id IS NOT NULL AND school_id = (SELECT school_id FROM users WHERE username = 's1.admin')")?;
    assert_eq!(
        heads.trim(),
        all_heads.trim(),
        "every head teacher can act as one"
    );
    let t = &staff[0];
    let l = login(
        &s,
        t["username"].as_str().unwrap_or_default(),
        t["password"].as_str().unwrap_or_default(),
    )
    .await?;
    assert!(
        l["user"]["roles"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("MENTOR"))),
        "{l}"
    );
    let new_user = l["user"]["id"].as_str().context("user id")?.to_string();

    // Roles: a grade leader needs a grade; a grant can be revoked.
    let b = s
        .gql(
            Some(&admin),
            GRANT,
            json!({ "u": new_user, "r": "GRADE_LEADER" }),
        )
        .await?;
    assert_eq!(error_code(&b).as_deref(), Some("VALIDATION"), "{b}");
    let b = s
        .gql(
            Some(&admin),
            GRANT,
            json!({ "u": new_user, "r": "COUNSELLOR" }),
        )
        .await?;
    let grant = b["data"]["grantRole"]["id"]
        .as_str()
        .with_context(|| format!("{b}"))?
        .to_string();
    let b = s.gql(Some(&admin), REVOKE, json!({ "g": grant })).await?;
    assert_eq!(b["data"]["revokeRole"], json!(true), "{b}");
    let n =
        s.sql("SELECT count(*) FROM audit_log WHERE action IN ('role.grant', 'role.revoke')")?;
    assert_eq!(n.trim(), "2");
    let made = s.sql(
        "SELECT count(*) FROM audit_log WHERE action = 'account.create' AND reason = 'bulk'",
    )?;
    assert_eq!(made.trim(), (slips.len() + staff.len()).to_string());
    Ok(())
}
both!(bulk_logins_for_guardians_and_staff);
