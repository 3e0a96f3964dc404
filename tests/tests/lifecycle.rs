//! The mentor lifecycle through the API on SQLite and PostgreSQL (issue 12):
//! the school admin runs a term's assessment (every result with its
//! explanation), adjusts a rating with a reason (audited, 优秀 within the
//! quota), publishes and exports; a mentor sees only their own published
//! result; the district sees counts per school only; another school sees
//! nothing. Qualification steps follow the path of the seed and keep their
//! history.

use anyhow::{Context, Result, ensure};
use base64::Engine;
use serde_json::{Value, json};
use tests::mentoring::staff_id_of;
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

const RUN_FIELDS: &str = "id termName published excellent qualified needsImprovement excellentCap results { id staffId staffName score rating computedRating reason adjustReason indicators { indicator label value weight explanation } }";

fn run_q() -> String {
    format!(
        "mutation($t: ID!, $d: NaiveDate) {{ runAssessment(termId: $t, asOf: $d) {{ {RUN_FIELDS} }} }}"
    )
}

fn adjust_q() -> String {
    format!(
        "mutation($r: ID!, $g: MentorRating!, $why: String!) {{ adjustAssessment(resultId: $r, rating: $g, reason: $why) {{ {RUN_FIELDS} }} }}"
    )
}

const MINE: &str = "{ myAssessments { termName score rating reason adjustReason indicators { label value explanation } } }";

async fn first_term(s: &TestServer, who: &str) -> Result<(String, String)> {
    let d = s
        .data_as(who, "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let t = terms.first().context("a term")?;
    Ok((
        t["id"].as_str().context("id")?.into(),
        t["endsOn"].as_str().context("end")?.into(),
    ))
}

fn count(s: &TestServer, sql: &str) -> Result<i64> {
    Ok(s.sql(sql)?.trim().parse()?)
}

async fn the_assessment_visibility_matrix(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let (term, ends) = first_term(&s, "s2.admin").await?;

    // Nobody but the school admin runs or reads the run.
    for who in [
        "s2.mentor1",
        "s2.head1",
        "s2.parent1",
        "s2.student1",
        "district",
    ] {
        let b = raw(&s, who, &run_q(), json!({ "t": term, "d": ends })).await?;
        ensure!(error_code(&b).is_some(), "{who} ran an assessment: {b}");
    }
    // Another school's admin cannot name this school's term.
    let b = raw(&s, "s1.admin", &run_q(), json!({ "t": term, "d": ends })).await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");

    let d = s
        .data_as("s2.admin", &run_q(), json!({ "t": term, "d": ends }))
        .await?;
    let run = &d["runAssessment"];
    let results = run["results"].as_array().context("results")?;
    ensure!(results.len() > 3, "too few mentors: {run}");
    ensure!(!run["published"].as_bool().unwrap_or(true));
    let cap = run["excellentCap"].as_i64().context("cap")?;
    ensure!(run["excellent"].as_i64() <= Some(cap), "{run}");
    for r in results {
        ensure!(!r["reason"].as_str().unwrap_or_default().is_empty(), "{r}");
        let ind = r["indicators"].as_array().context("indicators")?;
        ensure!(ind.len() == 7, "{r}");
        ensure!(
            ind.iter()
                .all(|i| !i["explanation"].as_str().unwrap_or_default().is_empty()),
            "{r}"
        );
    }
    let run_id = run["id"].as_str().context("run id")?.to_string();

    // The mentor's own row.
    let me = staff_id_of(&s, "s2.mentor1").await?;
    let mine = results
        .iter()
        .find(|r| r["staffId"] == json!(me))
        .context("mentor1 assessed")?;
    let mine_id = mine["id"].as_str().context("id")?.to_string();
    // Tasks from the task engine are explained with counts.
    ensure!(
        mine["indicators"][0]["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("到期任务")
            || mine["indicators"][0]["explanation"]
                .as_str()
                .unwrap_or_default()
                .contains("没有到期"),
        "{mine}"
    );

    // Not published: the mentor sees nothing yet.
    let d = s.data_as("s2.mentor1", MINE, json!({})).await?;
    ensure!(d["myAssessments"] == json!([]), "{d}");

    // An adjustment needs a reason; a bad one changes nothing.
    let b = raw(
        &s,
        "s2.admin",
        &adjust_q(),
        json!({ "r": mine_id, "g": "NEEDS_IMPROVEMENT", "why": " " }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let b = raw(
        &s,
        "s2.admin",
        &adjust_q(),
        json!({ "r": mine_id, "g": "NEEDS_IMPROVEMENT", "why": "长".repeat(201) }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM assessment_results WHERE adjust_reason IS NOT NULL"
        )? == 0
    );
    // Only the admin adjusts.
    let b = raw(
        &s,
        "s2.mentor1",
        &adjust_q(),
        json!({ "r": mine_id, "g": "EXCELLENT", "why": "自评优秀" }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let b = raw(
        &s,
        "s1.admin",
        &adjust_q(),
        json!({ "r": mine_id, "g": "EXCELLENT", "why": "越权调整" }),
    )
    .await?;
    ensure!(error_code(&b).is_some(), "{b}");

    let d = s
        .data_as(
            "s2.admin",
            &adjust_q(),
            json!({ "r": mine_id, "g": "NEEDS_IMPROVEMENT", "why": "本学期家访记录不完整" }),
        )
        .await?;
    let after = &d["adjustAssessment"];
    let row = after["results"]
        .as_array()
        .context("results")?
        .iter()
        .find(|r| r["id"] == json!(mine_id))
        .context("row")?;
    ensure!(row["rating"] == json!("NEEDS_IMPROVEMENT"), "{row}");
    ensure!(
        row["adjustReason"] == json!("本学期家访记录不完整"),
        "{row}"
    );
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE action = 'adjust_assessment'"
        )? == 1,
        "the adjustment is audited"
    );

    // 优秀 never beyond the quota, however the admin adjusts.
    let mut refused = false;
    for r in after["results"].as_array().context("results")? {
        if r["rating"] == json!("EXCELLENT") || r["id"] == json!(mine_id) {
            continue;
        }
        let b = raw(
            &s,
            "s2.admin",
            &adjust_q(),
            json!({ "r": r["id"], "g": "EXCELLENT", "why": "表现突出" }),
        )
        .await?;
        if error_code(&b).is_some() {
            ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
            ensure!(b.to_string().contains("优秀名额"), "{b}");
            refused = true;
            break;
        }
        let run = &b["data"]["adjustAssessment"];
        ensure!(
            run["excellent"].as_i64() <= run["excellentCap"].as_i64(),
            "{run}"
        );
    }
    ensure!(refused, "the quota was never reached");

    // District: nothing before publication.
    let counts_q =
        "{ districtAssessmentCounts { schoolName termName excellent qualified needsImprovement } }";
    let d = s.data_as("district", counts_q, json!({})).await?;
    ensure!(d["districtAssessmentCounts"] == json!([]), "{d}");
    let b = raw(&s, "s2.admin", counts_q, json!({})).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");

    let b = raw(
        &s,
        "s2.mentor1",
        "mutation($r: ID!) { publishAssessment(runId: $r) { id } }",
        json!({ "r": run_id }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let d = s
        .data_as("s2.admin", "mutation($r: ID!) { publishAssessment(runId: $r) { published excellent qualified needsImprovement } }", json!({ "r": run_id }))
        .await?;
    let p = &d["publishAssessment"];
    ensure!(p["published"] == json!(true), "{p}");

    // Published is final.
    let b = raw(&s, "s2.admin", &run_q(), json!({ "t": term, "d": ends })).await?;
    ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");
    let b = raw(
        &s,
        "s2.admin",
        &adjust_q(),
        json!({ "r": mine_id, "g": "QUALIFIED", "why": "改回合格" }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");

    // The mentor sees their own result with its explanation, nobody else's.
    let d = s.data_as("s2.mentor1", MINE, json!({})).await?;
    let list = d["myAssessments"].as_array().context("mine")?;
    ensure!(list.len() == 1, "{d}");
    ensure!(list[0]["rating"] == json!("NEEDS_IMPROVEMENT"), "{d}");
    ensure!(
        list[0]["adjustReason"] == json!("本学期家访记录不完整"),
        "{d}"
    );
    ensure!(
        list[0]["indicators"]
            .as_array()
            .is_some_and(|a| a.len() == 7),
        "{d}"
    );
    let b = raw(
        &s,
        "s2.mentor1",
        &format!("query($t: ID!) {{ assessmentRun(termId: $t) {{ {RUN_FIELDS} }} }}"),
        json!({ "t": term }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    // Another school's mentor sees nothing of it.
    let d = s.data_as("s1.mentor1", MINE, json!({})).await?;
    ensure!(d["myAssessments"] == json!([]), "{d}");

    // The district: counts per school, no names, no scores.
    let d = s.data_as("district", counts_q, json!({})).await?;
    let c = d["districtAssessmentCounts"].as_array().context("counts")?;
    ensure!(c.len() == 1, "{d}");
    ensure!(
        c[0]["excellent"] == p["excellent"] && c[0]["needsImprovement"] == p["needsImprovement"],
        "{d}"
    );
    let name = row["staffName"].as_str().unwrap_or_default();
    ensure!(
        !d.to_string().contains(name),
        "the district saw a mentor's name"
    );

    // The export: an xlsx for the admin only, audited.
    let ex = "query($r: ID!) { assessmentExport(runId: $r) { filename contentType base64 } }";
    let b = raw(&s, "s2.mentor1", ex, json!({ "r": run_id })).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let b = raw(&s, "s1.admin", ex, json!({ "r": run_id })).await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let d = s.data_as("s2.admin", ex, json!({ "r": run_id })).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(d["assessmentExport"]["base64"].as_str().context("b64")?)?;
    ensure!(bytes.starts_with(b"PK"), "not a zip");
    ensure!(
        d["assessmentExport"]["filename"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".xlsx")
    );
    ensure!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE action = 'export_assessment'"
        )? == 1
    );
    Ok(())
}
both!(the_assessment_visibility_matrix);

async fn qualification_steps_follow_the_seed(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let mentor = staff_id_of(&s, "s2.mentor1").await?;
    let rec = "mutation($s: ID!, $q: Qualification!, $on: NaiveDate!, $why: String) { recordQualification(staffId: $s, to: $q, on: $on, reason: $why) { staffId on previous standing reason } }";
    let hist =
        "query($s: ID!) { qualificationHistory(staffId: $s) { on previous standing reason } }";
    let today = s.sql("SELECT CURRENT_DATE")?.trim().to_string();

    // Appointed → deferred needs a reason.
    let b = raw(
        &s,
        "s2.admin",
        rec,
        json!({ "s": mentor, "q": "DEFERRED", "on": today, "why": "" }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    // Not the teacher's own call, nor another school's.
    let b = raw(
        &s,
        "s2.mentor1",
        rec,
        json!({ "s": mentor, "q": "TRAINING", "on": today }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let b = raw(
        &s,
        "s1.admin",
        rec,
        json!({ "s": mentor, "q": "TRAINING", "on": today }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");

    s.data_as(
        "s2.admin",
        rec,
        json!({ "s": mentor, "q": "DEFERRED", "on": today, "why": "学生反馈沟通方式需改进" }),
    )
    .await?;
    // A deferred teacher retrains before appointment.
    let b = raw(
        &s,
        "s2.admin",
        rec,
        json!({ "s": mentor, "q": "APPOINTED", "on": today }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    s.data_as(
        "s2.admin",
        rec,
        json!({ "s": mentor, "q": "TRAINING", "on": today }),
    )
    .await?;
    s.data_as(
        "s2.admin",
        rec,
        json!({ "s": mentor, "q": "PROBATION", "on": today }),
    )
    .await?;

    let d = s
        .data_as("s2.mentor1", hist, json!({ "s": mentor }))
        .await?;
    let h = d["qualificationHistory"].as_array().context("history")?;
    // The demo's way to appointment (trained, probation, appointed), then ours.
    ensure!(h.len() == 6, "{d}");
    ensure!(
        h[0]["previous"] == json!("UNTRAINED") && h[2]["standing"] == json!("APPOINTED"),
        "{d}"
    );
    ensure!(
        h[3]["previous"] == json!("APPOINTED") && h[3]["standing"] == json!("DEFERRED"),
        "{d}"
    );
    ensure!(h[3]["reason"] == json!("学生反馈沟通方式需改进"), "{d}");
    ensure!(h[5]["standing"] == json!("PROBATION"), "{d}");
    // Another teacher's history is not a colleague's to read.
    let b = raw(&s, "s2.head1", hist, json!({ "s": mentor })).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    // The standing is the last step's.
    let q = s.sql(&format!(
        "SELECT qualification FROM staff WHERE id = {}",
        s.uuid_lit(&mentor)
    ))?;
    ensure!(q.trim() == "probation", "{q}");
    Ok(())
}
both!(qualification_steps_follow_the_seed);
