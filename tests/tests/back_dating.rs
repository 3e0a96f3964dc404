//! 补记 (back-dated activities) through the API, on both databases: a mentor
//! may date an activity up to the policy's `backdate_days` back (default 30);
//! earlier only the head teacher or the school admin, with a reason that is
//! audited; never in the future. The task engine credits an activity to the
//! window it happened in: the demo's transfer student's overdue home visit is
//! done by a visit dated inside its window, logged later.

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tests::mentoring::*;
use tests::{Backend, Options, TestServer, both, error_code};

const DAYS: &str = "query($s: ID!) { activities(studentId: $s, first: 100) { edges { node { id clientKey occurredOn } } } }";

fn dated(key: &str, student: &str, days_ago: i64, reason: Option<&str>) -> Value {
    let at = (Utc::now() - Duration::days(days_ago)).to_rfc3339();
    json!({ "i": { "clientKey": key, "kind": "HOME_VISIT", "channel": "HOME", "studentIds": [student],
        "occurredAt": at, "backdateReason": reason } })
}

fn problems(r: &Value) -> String {
    r["errors"][0]["extensions"]["problems"].to_string()
}

async fn back_dating_follows_the_policy(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let mentor = s.login("s2.mentor1").await?;
    let head = s.login("s2.head1").await?;

    // Ten days back: fine, recorded on that day.
    let r = s
        .gql(Some(&mentor), LOG, dated("bd-10", &student, 10, None))
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    let list = s
        .data_as("s2.mentor1", DAYS, json!({ "s": student }))
        .await?;
    let on = list["activities"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["node"]["clientKey"] == "bd-10")
        .map(|e| e["node"]["occurredOn"].clone())
        .context("the back-dated activity")?;
    let china_day = |days_ago: i64| {
        (Utc::now() + Duration::hours(8) - Duration::days(days_ago))
            .date_naive()
            .to_string()
    };
    assert_eq!(on, json!(china_day(10)));

    // Forty days back: not for a mentor, reason or not; nothing written.
    for reason in [None, Some("假期家访补记")] {
        let r = s
            .gql(Some(&mentor), LOG, dated("bd-40", &student, 40, reason))
            .await?;
        assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
        assert!(problems(&r).contains("30天"), "{r}");
    }
    assert_eq!(count_rows(&s, "bd-40")?, 0);

    // The head teacher may, with a reason; without one it is refused.
    let r = s
        .gql(Some(&head), LOG, dated("bd-40h", &student, 40, None))
        .await?;
    assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    assert!(problems(&r).contains("原因"), "{r}");
    let r = s
        .gql(
            Some(&head),
            LOG,
            dated("bd-40h", &student, 40, Some("暑假家访，纸质记录补录")),
        )
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    let id = r["data"]["logActivity"]["id"].clone();
    let trail = s.data_as("s2.admin", TRAIL, json!({ "id": id })).await?;
    assert!(
        trail.to_string().contains("activity.backdate"),
        "the back-dating is audited: {trail}"
    );

    // The future: refused for everyone.
    for token in [&mentor, &head] {
        let r = s
            .gql(Some(token), LOG, dated("bd-future", &student, -2, None))
            .await?;
        assert_eq!(error_code(&r).as_deref(), Some("VALIDATION"), "{r}");
    }
    assert_eq!(count_rows(&s, "bd-future")?, 0);

    // The school's policy sets the limit: 50 days lets the mentor reach 40.
    let cur = s
        .data_as(
            "s2.admin",
            "{ schoolPolicy { current { rules termId } } }",
            json!({}),
        )
        .await?;
    let mut rules = cur["schoolPolicy"]["current"]["rules"].clone();
    assert_eq!(rules["tasks"]["backdate_days"], json!(30), "{rules}");
    assert_eq!(rules["tasks"]["due_soon_days"], json!(14), "{rules}");
    rules["tasks"]["backdate_days"] = json!(50);
    s.data_as(
        "s2.admin",
        "mutation($r: JSON!, $f: NaiveDate!, $t: ID) { saveSchoolPolicy(rules: $r, effectiveFrom: $f, termId: $t) { id } }",
        json!({ "r": rules, "f": "2026-09-01", "t": cur["schoolPolicy"]["current"]["termId"] }),
    )
    .await?;
    let r = s
        .gql(Some(&mentor), LOG, dated("bd-40m", &student, 40, None))
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    Ok(())
}
both!(back_dating_follows_the_policy);

async fn a_visit_counts_in_the_window_it_happened(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let mentor = s.login("s2.mentor1").await?;
    // The demo's transfer student: joined in term, home visit overdue since
    // the grace days after joining ran out.
    let d = s
        .data_as(
            "s2.mentor1",
            "{ myStudentsTasks { students { studentId requirements { kind status window { from to } } } } }",
            json!({}),
        )
        .await?;
    let (student, to) = d["myStudentsTasks"]["students"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|s| {
            let hv = s["requirements"]
                .as_array()?
                .iter()
                .find(|r| r["kind"] == "HOME_VISIT" && r["status"] == "OVERDUE")?;
            let to = hv["window"]["to"].as_str()?;
            (to > "2026-09-01").then(|| {
                (
                    s["studentId"].as_str().unwrap_or_default().to_string(),
                    to.to_string(),
                )
            })
        })
        .with_context(|| format!("no transfer student among {d}"))?;
    // Logged today, dated the window's last day (noon, China time).
    let at = format!("{to}T12:00:00+08:00");
    let r = s
        .gql(
            Some(&mentor),
            LOG,
            json!({ "i": { "clientKey": "hv-late-log", "kind": "HOME_VISIT", "channel": "HOME", "studentIds": [student], "occurredAt": at } }),
        )
        .await?;
    assert!(r["errors"].is_null(), "{r}");
    let id = r["data"]["logActivity"]["id"].clone();
    let t = s
        .data_as(
            "s2.mentor1",
            "query($s: ID!) { studentTasks(studentId: $s) { students { requirements { kind status evidenceIds } } } }",
            json!({ "s": student }),
        )
        .await?;
    let hv = t["studentTasks"]["students"][0]["requirements"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["kind"] == "HOME_VISIT"))
        .context("home visit row")?;
    assert_eq!(hv["status"], json!("DONE"), "{hv}");
    assert_eq!(hv["evidenceIds"], json!([id]));
    Ok(())
}
both!(a_visit_counts_in_the_window_it_happened);
