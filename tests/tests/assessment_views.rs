//! Reviewers' views and who sees which mentor's assessment (issue 12), on
//! SQLite and PostgreSQL: head teachers and grade leaders review the mentors
//! of their class's or grade's students only within the review window (from
//! 30 days before the term ends until publication); their views feed the
//! assessment; running the assessment again keeps the admin's adjustments
//! (reason, result id) and the quota; after publication a grade leader sees
//! their grade's mentors' results and nobody else's, a mentor only their own.

use std::collections::BTreeSet;

use anyhow::{Context, Result, ensure};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

const SHEET: &str = "query($t: ID!, $r: ReviewerRole!) { reviewSheet(termId: $t, role: $r) { open opensOn targets { staffId name students mine { score comment } } } }";
const REVIEW: &str = "mutation($t: ID!, $m: ID!, $r: ReviewerRole!, $s: Int!, $c: String) { reviewMentor(termId: $t, staffId: $m, role: $r, score: $s, comment: $c) { score comment } }";
const RUN: &str = "mutation($t: ID!, $d: NaiveDate) { runAssessment(termId: $t, asOf: $d) { id excellent excellentCap results { id staffId rating computedRating adjustReason adjustedAt indicators { indicator value explanation } } } }";
const ADJUST: &str = "mutation($r: ID!, $g: MentorRating!, $why: String!) { adjustAssessment(resultId: $r, rating: $g, reason: $why) { excellent excellentCap } }";
const GRADE: &str =
    "query($t: ID!) { gradeAssessment(termId: $t) { results { staffId staffName rating } } }";

fn count(s: &TestServer, sql: &str) -> Result<i64> {
    Ok(s.sql(sql)?.trim().parse()?)
}

fn china_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn indicator<'a>(r: &'a Value, which: &str) -> Option<&'a Value> {
    r["indicators"]
        .as_array()?
        .iter()
        .find(|i| i["indicator"] == json!(which))
}

async fn reviews_rerun_and_visibility(backend: Backend) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    std::fs::write(&clock, "0")?;
    let s = TestServer::start(Options {
        env: vec![("DAOSHI_CLOCK_FILE".into(), clock.display().to_string())],
        ..Options::new(backend)
    })
    .await?;
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let term = terms[0]["id"].as_str().context("term")?.to_string();
    let ends_s = terms[0]["endsOn"].as_str().context("end")?.to_string();
    let ends = NaiveDate::parse_from_str(&ends_s, "%Y-%m-%d")?;
    let at = |day: NaiveDate| -> Result<()> {
        let skew = (day - china_today()).num_days().max(0) * 86_400;
        std::fs::write(&clock, skew.to_string())?;
        Ok(())
    };
    // Before the window: the sheet says when it opens, a view is refused.
    at(ends - Duration::days(45))?;
    let d = s
        .data_as("s2.head1", SHEET, json!({ "t": term, "r": "HEAD_TEACHER" }))
        .await?;
    let sheet = &d["reviewSheet"];
    ensure!(sheet["open"] == json!(false), "{d}");
    ensure!(
        sheet["opensOn"] == json!((ends - Duration::days(30)).to_string()),
        "{d}"
    );
    let targets = sheet["targets"].as_array().context("targets")?.clone();
    ensure!(!targets.is_empty(), "head1 has no mentors to review: {d}");
    let m1 = targets[0]["staffId"].as_str().context("id")?.to_string();
    let b = raw(
        &s,
        "s2.head1",
        REVIEW,
        json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": 4 }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");

    // In the window.
    at(ends - Duration::days(10))?;
    for (score, comment) in [(6, "好"), (3, "长".repeat(201).as_str())] {
        let b = raw(
            &s,
            "s2.head1",
            REVIEW,
            json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": score, "c": comment }),
        )
        .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    }
    ensure!(count(&s, "SELECT count(*) FROM mentor_reviews")? == 0);
    // Not a mentor of head1's class; not head1's role; not this school.
    let own: BTreeSet<String> = targets
        .iter()
        .filter_map(|t| t["staffId"].as_str().map(String::from))
        .collect();
    let others = s.sql(&format!(
        "SELECT {} FROM staff WHERE school_id = (SELECT school_id FROM users WHERE username = 's2.admin')",
        s.uuid_col("id")
    ))?;
    let stranger = others
        .lines()
        .find(|id| !own.contains(*id))
        .context("a mentor of another class")?
        .to_string();
    let b = raw(
        &s,
        "s2.head1",
        REVIEW,
        json!({ "t": term, "m": stranger, "r": "HEAD_TEACHER", "s": 4 }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    for who in ["s2.mentor1", "s2.parent1", "s2.student1"] {
        let b = raw(
            &s,
            who,
            REVIEW,
            json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": 4 }),
        )
        .await?;
        ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{who}: {b}");
    }
    let b = raw(
        &s,
        "s1.head1",
        REVIEW,
        json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": 4 }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");

    // head1 gives a view and revises it: one row.
    for (score, comment) in [(2, "初评"), (5, "关心学生，家校沟通及时")] {
        s.data_as(
            "s2.head1",
            REVIEW,
            json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": score, "c": comment }),
        )
        .await?;
    }
    ensure!(count(&s, "SELECT count(*) FROM mentor_reviews")? == 1);
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE action = 'review_mentor'"
        )? == 2
    );
    // The grade leader reviews a mentor of grade 7.
    let d = s
        .data_as(
            "s2.grade7",
            SHEET,
            json!({ "t": term, "r": "GRADE_LEADER" }),
        )
        .await?;
    let grade_targets = d["reviewSheet"]["targets"].as_array().context("t")?.clone();
    ensure!(grade_targets.len() > 1, "{d}");
    let m2 = grade_targets[0]["staffId"]
        .as_str()
        .context("id")?
        .to_string();
    s.data_as(
        "s2.grade7",
        REVIEW,
        json!({ "t": term, "m": m2, "r": "GRADE_LEADER", "s": 3, "c": "记录较完整" }),
    )
    .await?;
    let b = raw(
        &s,
        "s2.head1",
        SHEET,
        json!({ "t": term, "r": "GRADE_LEADER" }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");

    // The run: the views count (one reviewer is enough: given by name).
    let d = s
        .data_as("s2.admin", RUN, json!({ "t": term, "d": ends_s }))
        .await?;
    let run = d["runAssessment"].clone();
    let run_id = run["id"].as_str().context("run")?.to_string();
    let results = run["results"].as_array().context("results")?.clone();
    let row = |id: &str| results.iter().find(|r| r["staffId"] == json!(id)).cloned();
    let r1 = row(&m1).context("m1 assessed")?;
    let hv = indicator(&r1, "HEAD_TEACHER_VIEW").context("hv")?;
    ensure!(hv["value"] == json!(1000), "{hv}");
    ensure!(
        hv["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("1人1份"),
        "{hv}"
    );
    let r2 = row(&m2).context("m2 assessed")?;
    let gv = indicator(&r2, "GRADE_LEADER_VIEW").context("gv")?;
    ensure!(gv["value"] == json!(500), "{gv}");

    // Adjust one rating, then run again: the adjustment stays, with its
    // reason and time, on the same result.
    let target = results
        .iter()
        .find(|r| r["rating"] == json!("QUALIFIED"))
        .context("a qualified mentor")?
        .clone();
    s.data_as(
        "s2.admin",
        ADJUST,
        json!({ "r": target["id"], "g": "NEEDS_IMPROVEMENT", "why": "家访记录不完整" }),
    )
    .await?;
    let d = s
        .data_as("s2.admin", RUN, json!({ "t": term, "d": ends_s }))
        .await?;
    let again = &d["runAssessment"];
    ensure!(again["id"] == json!(run_id), "{again}");
    let kept = again["results"]
        .as_array()
        .context("results")?
        .iter()
        .find(|r| r["staffId"] == target["staffId"])
        .context("still assessed")?;
    ensure!(kept["id"] == target["id"], "the result changed id: {kept}");
    ensure!(kept["rating"] == json!("NEEDS_IMPROVEMENT"), "{kept}");
    ensure!(kept["computedRating"] == json!("QUALIFIED"), "{kept}");
    ensure!(kept["adjustReason"] == json!("家访记录不完整"), "{kept}");
    ensure!(kept["adjustedAt"].is_string(), "{kept}");
    // 优秀 adjustments up to the quota, then again: still within it.
    for r in again["results"].as_array().context("r")? {
        if r["rating"] != json!("QUALIFIED") {
            continue;
        }
        let b = raw(
            &s,
            "s2.admin",
            ADJUST,
            json!({ "r": r["id"], "g": "EXCELLENT", "why": "表现突出" }),
        )
        .await?;
        if error_code(&b).is_some() {
            break;
        }
    }
    let adjusted = count(
        &s,
        "SELECT count(*) FROM assessment_results WHERE adjust_reason IS NOT NULL",
    )?;
    let d = s
        .data_as("s2.admin", RUN, json!({ "t": term, "d": ends_s }))
        .await?;
    let third = &d["runAssessment"];
    ensure!(
        third["excellent"].as_i64() <= third["excellentCap"].as_i64(),
        "{third}"
    );
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM assessment_results WHERE adjust_reason IS NOT NULL"
        )? == adjusted,
        "an adjustment was lost"
    );

    // Before publication a grade leader sees nothing; after it, their
    // grade's mentors only.
    let d = s.data_as("s2.grade7", GRADE, json!({ "t": term })).await?;
    ensure!(d["gradeAssessment"].is_null(), "{d}");
    s.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishAssessment(runId: $r) { published } }",
        json!({ "r": run_id }),
    )
    .await?;
    let d = s.data_as("s2.grade7", GRADE, json!({ "t": term })).await?;
    let seen: BTreeSet<String> = d["gradeAssessment"]["results"]
        .as_array()
        .context("grade results")?
        .iter()
        .filter_map(|r| r["staffId"].as_str().map(String::from))
        .collect();
    let grade7 = s.sql(&format!(
        "SELECT DISTINCT {} FROM mentor_assignments a JOIN students st ON st.id = a.student_id JOIN classes c ON c.id = st.class_id \
         WHERE c.grade = 7 AND c.school_id = (SELECT school_id FROM users WHERE username = 's2.admin')",
        s.uuid_col("a.staff_id")
    ))?;
    let all: BTreeSet<String> = third["results"]
        .as_array()
        .context("r")?
        .iter()
        .filter_map(|r| r["staffId"].as_str().map(String::from))
        .collect();
    let expected: BTreeSet<String> = grade7
        .lines()
        .map(String::from)
        .filter(|m| all.contains(m))
        .collect();
    ensure!(
        !seen.is_empty() && seen == expected,
        "grade leader saw {seen:?}, expected {expected:?}"
    );
    ensure!(seen.len() < all.len(), "the grade leader saw every mentor");
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE action = 'read_grade_assessment'"
        )? == 1
    );
    // Nobody else reads a grade's or the school's results.
    for who in ["s2.head1", "s2.mentor1", "s2.parent1", "s2.student1"] {
        let b = raw(&s, who, GRADE, json!({ "t": term })).await?;
        ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{who}: {b}");
    }
    for who in ["s2.grade7", "s2.head1", "s2.mentor1"] {
        let b = raw(
            &s,
            who,
            "query($t: ID!) { assessmentRun(termId: $t) { id } }",
            json!({ "t": term }),
        )
        .await?;
        ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{who}: {b}");
    }
    let b = raw(&s, "s1.grade4", GRADE, json!({ "t": term })).await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let b = raw(&s, "district", GRADE, json!({ "t": term })).await?;
    ensure!(error_code(&b).is_some(), "{b}");
    // A mentor: their own result only.
    let d = s
        .data_as(
            "s2.mentor1",
            "{ myAssessments { termName rating } }",
            json!({}),
        )
        .await?;
    ensure!(
        d["myAssessments"].as_array().is_some_and(|a| a.len() == 1),
        "{d}"
    );
    // Published: the window is closed.
    let b = raw(
        &s,
        "s2.head1",
        REVIEW,
        json!({ "t": term, "m": m1, "r": "HEAD_TEACHER", "s": 1 }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");
    Ok(())
}
both!(reviews_rerun_and_visibility);
