//! Events into the inbox (issue 14): a published matching round reaches
//! the placed students and their parents, an opened survey its audience,
//! a published assessment the assessed mentors, a care alert its
//! recipients (ids and a link only) — and nobody else (a parent of another
//! child, another school, another role gets nothing).

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::matching::{OPEN, PREVIEW, drop_demo_round, first_term, s as text};
use tests::notify::{drain, inbox, kinds, server, wait_for};
use tests::{Backend, TestServer, both};

/// Every demo account a notice could wrongly reach.
const EVERYONE: &[&str] = &[
    "s1.parent1",
    "s1.student1",
    "s1.mentor1",
    "s2.parent1",
    "s2.student1",
    "s2.mentor1",
    "s2.head1",
    "s2.counsellor",
    "s2.admin",
    "y.s2.parent1",
    "y.s2.student1",
];

/// The accounts holding a notice of `kind`, checking no notice names the
/// student `name` (when given).
async fn holders(s: &TestServer, kind: &str, name: Option<&str>) -> Result<Vec<&'static str>> {
    let mut got = vec![];
    for who in EVERYONE {
        let i = inbox(s, who).await?;
        let n = kinds(&i, kind);
        for item in &n {
            if let Some(name) = name {
                ensure!(
                    !item.to_string().contains(name),
                    "{who}: names the student: {item}"
                );
            }
        }
        ensure!(n.len() <= 1, "{who}: {kind} delivered twice: {i}");
        if !n.is_empty() {
            got.push(*who);
        }
    }
    Ok(got)
}

async fn a_published_round_reaches_placed_students_and_their_parents(
    backend: Backend,
) -> Result<()> {
    let s = server(backend).await?;
    drop_demo_round(&s)?;
    let term = first_term(&s, "s2.admin").await?;
    let d = s
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 7, "m": "BLIND_BOX", "c": 15 }),
        )
        .await?;
    let round = text(&d["openMatchingRound"]["id"]);
    s.data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 3 }))
        .await?;
    // Nothing before publication.
    ensure!(kinds(&inbox(&s, "s2.parent1").await?, "matching_result").is_empty());
    s.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishMatchingRound(roundId: $r) { status } }",
        json!({ "r": round }),
    )
    .await?;
    let mine = wait_for(&s, "s2.student1", "matching_result").await?;
    ensure!(mine[0]["link"] == "/student", "{mine:?}");
    let theirs = wait_for(&s, "s2.parent1", "matching_result").await?;
    ensure!(theirs[0]["link"] == "/parent", "{theirs:?}");
    drain(&s, "notify.event").await?;
    let got = holders(&s, "matching_result", None).await?;
    ensure!(got == ["s2.parent1", "s2.student1"], "delivered to {got:?}");
    // Every placed student with an account, and only they, among all users.
    let expected = s.sql(
        "SELECT count(DISTINCT st.user_id) FROM matching_results r JOIN students st ON st.id = r.student_id \
         WHERE r.staff_id IS NOT NULL AND st.user_id IS NOT NULL",
    )?;
    let students_notified = s.sql(
        "SELECT count(*) FROM inbox_items i JOIN students st ON st.user_id = i.user_id WHERE i.kind = 'matching_result'",
    )?;
    ensure!(
        expected == students_notified,
        "{expected} vs {students_notified}"
    );
    Ok(())
}
both!(a_published_round_reaches_placed_students_and_their_parents);

async fn an_opened_survey_reaches_its_audience_only(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let d = s.data_as("s2.admin", "{ terms { id } }", json!({})).await?;
    let term = d["terms"][0]["id"].clone();
    let create = "mutation($t: ID!, $a: SurveyAudience!) { createSurvey(termId: $t, title: \"家长满意度调查\", audience: $a, anonymous: true, questions: [{ kind: SCALE, prompt: \"满意度\" }]) { id } }";
    s.data_as("s2.admin", create, json!({ "t": term, "a": "PARENTS" }))
        .await?;
    let got = wait_for(&s, "s2.parent1", "survey_opened").await?;
    ensure!(got[0]["link"] == "/surveys", "{got:?}");
    drain(&s, "notify.event").await?;
    ensure!(
        holders(&s, "survey_opened", None).await? == ["s2.parent1"],
        "a parents' survey reached someone else"
    );
    s.data_as("s2.admin", create, json!({ "t": term, "a": "STUDENTS" }))
        .await?;
    wait_for(&s, "s2.student1", "survey_opened").await?;
    drain(&s, "notify.event").await?;
    let got = holders(&s, "survey_opened", None).await?;
    ensure!(got == ["s2.parent1", "s2.student1"], "{got:?}");
    Ok(())
}
both!(an_opened_survey_reaches_its_audience_only);

async fn a_published_assessment_reaches_the_assessed_mentors(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let (term, ends) = (terms[0]["id"].clone(), terms[0]["endsOn"].clone());
    let d = s
        .data_as(
            "s2.admin",
            "mutation($t: ID!, $d: NaiveDate) { runAssessment(termId: $t, asOf: $d) { id } }",
            json!({ "t": term, "d": ends }),
        )
        .await?;
    let run = d["runAssessment"]["id"].clone();
    ensure!(kinds(&inbox(&s, "s2.mentor1").await?, "assessment_published").is_empty());
    s.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishAssessment(runId: $r) { id } }",
        json!({ "r": run }),
    )
    .await?;
    let got = wait_for(&s, "s2.mentor1", "assessment_published").await?;
    ensure!(got[0]["link"] == "/mentor/record", "{got:?}");
    drain(&s, "notify.event").await?;
    let got = holders(&s, "assessment_published", None).await?;
    // Exactly the accounts of the mentors the run assessed.
    let assessed = s.sql(&format!(
        "SELECT u.username FROM assessment_results r JOIN staff st ON st.id = r.staff_id \
         JOIN users u ON u.id = st.user_id WHERE r.run_id = {} ORDER BY u.username",
        s.uuid_lit(run.as_str().context("run id")?)
    ))?;
    let mut expected: Vec<&str> = EVERYONE
        .iter()
        .copied()
        .filter(|u| assessed.lines().any(|l| l.trim() == *u))
        .collect();
    expected.sort();
    let mut got = got;
    got.sort();
    ensure!(
        got.contains(&"s2.mentor1") && got == expected,
        "{got:?} vs {expected:?}"
    );
    Ok(())
}
both!(a_published_assessment_reaches_the_assessed_mentors);

async fn a_care_alert_reaches_its_recipients_as_ids_and_a_link(backend: Backend) -> Result<()> {
    let s = server(backend).await?;
    let student = tests::care::named_student(&s, "s2").await?;
    let name = s.sql(&format!(
        "SELECT name FROM students WHERE id = {}",
        s.uuid_lit(&student)
    ))?;
    let d = s
        .data_as(
            "s2.mentor1",
            tests::care::RAISE,
            tests::care::crisis("notify-1", &student),
        )
        .await?;
    let case = text(&d["raiseConcern"]["id"]);
    let mut alerted = vec![];
    for who in EVERYONE {
        if !tests::care::alerts_about(&s, who, &case).await?.is_empty() {
            alerted.push(*who);
        }
    }
    ensure!(!alerted.is_empty(), "nobody alerted");
    // The inbox copy goes to exactly the alerted, synchronously.
    let got = holders(&s, "care_alert", Some(&name)).await?;
    ensure!(got == alerted, "inbox {got:?} vs alerts {alerted:?}");
    let i = inbox(&s, alerted[0]).await?;
    let item: &Value = &kinds(&i, "care_alert")[0];
    ensure!(item["link"] == json!(format!("/care/{case}")), "{item}");
    let body = item.to_string();
    for private in ["CRISIS", "危机", "SELF_HARM", "自伤"] {
        ensure!(
            !body.contains(private),
            "the notice tells {private}: {body}"
        );
    }
    ensure!(!alerted.contains(&"s2.parent1"), "a parent was alerted");
    let _ = item["id"].as_str().context("id")?;
    Ok(())
}
both!(a_care_alert_reaches_its_recipients_as_ids_and_a_link);
