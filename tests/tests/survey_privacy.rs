//! Anonymous surveys keep no link to the person (issue 12), on SQLite and
//! PostgreSQL, checked in the database: an answer row names neither the
//! respondent nor the mentor asked about, and the order answers are stored
//! in (row order, id order) is not the order people answered in; answers
//! about a mentor are tallied per survey and mentor, and the assessment
//! counts a survey view only from enough *people* (one parent answering two
//! mentor questions is one voice). Concurrent submits by many parents lose
//! no answer and store one per parent.

use std::collections::BTreeMap;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

const PW: &str = "Qz7-parent-survey-2026";

const CREATE: &str = "mutation($t: ID!, $q: [SurveyQuestionInput!]!) { createSurvey(termId: $t, title: \"家长满意度调查\", audience: PARENTS, anonymous: true, questions: $q) { id } }";
const SUBMIT: &str =
    "mutation($s: ID!, $a: [SurveyAnswerInput!]!) { submitSurvey(surveyId: $s, answers: $a) }";

fn count(s: &TestServer, sql: &str) -> Result<i64> {
    Ok(s.sql(sql)?.trim().parse()?)
}

/// Parents without an account, each with one child, with that child's
/// current mentor (staff id), from the middle school.
fn parents_by_mentor(s: &TestServer) -> Result<BTreeMap<String, Vec<String>>> {
    let out = s.sql(&format!(
        "SELECT {}, {} FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id \
         JOIN mentor_assignments a ON a.student_id = sg.student_id AND a.ends_on IS NULL \
         WHERE g.user_id IS NULL AND g.school_id = (SELECT school_id FROM users WHERE username = 's2.admin') \
         AND (SELECT count(*) FROM student_guardians x WHERE x.guardian_id = g.id) = 1 \
         AND (SELECT count(*) FROM mentor_assignments y WHERE y.student_id = sg.student_id AND y.ends_on IS NULL) = 1 \
         ORDER BY 2, 1",
        s.uuid_col("g.id"),
        s.uuid_col("a.staff_id")
    ))?;
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in out.lines() {
        let mut p = line.split('|');
        let (Some(g), Some(m)) = (p.next(), p.next()) else {
            continue;
        };
        let list = by.entry(m.to_string()).or_default();
        if !list.contains(&g.to_string()) {
            list.push(g.to_string());
        }
    }
    Ok(by)
}

/// Gives a guardian a parent account (the school admin) and signs it in.
async fn account(s: &TestServer, guardian: &str, n: usize) -> Result<String> {
    let username = format!("s2.survey.parent{n}");
    s.data_as(
        "s2.admin",
        "mutation($g: ID!, $a: AccountInput!) { createAccount(input: { account: $a, guardianId: $g, roles: [PARENT] }) { id } }",
        json!({ "g": guardian, "a": { "username": username, "password": PW, "displayName": format!("家长{n}") } }),
    )
    .await?;
    let body = s.login_payload(&username, PW).await?;
    body["data"]["login"]["accessToken"]
        .as_str()
        .map(String::from)
        .with_context(|| format!("login: {body}"))
}

fn answers(i: usize, a: u8, b: u8) -> Value {
    json!([{ "scale": a }, { "scale": b }, { "text": format!("回答{i:02}") }])
}

async fn anonymous_answers_keep_no_link(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    let term = terms[0]["id"].as_str().context("term")?.to_string();
    let ends = terms[0]["endsOn"].as_str().context("end")?.to_string();
    // Two questions about the mentor: each parent gives two answers.
    let q = json!([
        { "kind": "SCALE", "prompt": "导师是否了解孩子", "aboutMentor": true },
        { "kind": "SCALE", "prompt": "您对导师的满意度", "aboutMentor": true },
        { "kind": "TEXT", "prompt": "建议" }
    ]);
    let d = s
        .data_as("s2.admin", CREATE, json!({ "t": term, "q": q }))
        .await?;
    let survey = d["createSurvey"]["id"].as_str().context("id")?.to_string();
    let sv = s.uuid_lit(&survey);

    // Mentors A and B: two parents each (four answers each: enough answers,
    // too few people); then four more parents of other mentors.
    let by = parents_by_mentor(&s)?;
    let mut mentors: Vec<(&String, &Vec<String>)> = by.iter().collect();
    mentors.sort_by_key(|(m, g)| (std::cmp::Reverse(g.len()), (*m).clone()));
    ensure!(
        mentors.len() >= 4 && mentors[1].1.len() >= 2,
        "demo: {by:?}"
    );
    let (a, b) = (mentors[0].0.clone(), mentors[1].0.clone());
    let mut plan: Vec<(String, String)> = vec![];
    for g in mentors[0].1.iter().take(2) {
        plan.push((g.clone(), a.clone()));
    }
    for g in mentors[1].1.iter().take(2) {
        plan.push((g.clone(), b.clone()));
    }
    for (m, g) in mentors.iter().skip(2).take(4) {
        plan.push((g[0].clone(), (*m).clone()));
    }
    ensure!(plan.len() == 8, "{plan:?}");
    let mut tokens = vec![];
    for (i, (g, _)) in plan.iter().enumerate() {
        tokens.push(account(&s, g, i).await?);
    }
    // They answer one after another, in a known order.
    for (i, t) in tokens.iter().enumerate() {
        let d = s
            .gql(
                Some(t),
                SUBMIT,
                json!({ "s": survey, "a": answers(i, 5, 4) }),
            )
            .await?;
        ensure!(d["data"]["submitSurvey"] == json!(true), "{d}");
    }
    let b2 = s
        .gql(
            Some(&tokens[0]),
            SUBMIT,
            json!({ "s": survey, "a": answers(0, 1, 1) }),
        )
        .await?;
    ensure!(error_code(&b2).as_deref() == Some("CONFLICT"), "{b2}");

    // In the database: no respondent, no mentor, on any answer row; no
    // column holds a parent's user id or a mentor's staff id.
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_answers WHERE survey_id = {sv}")
        )? == 8
    );
    ensure!(
        count(
            &s,
            &format!(
                "SELECT count(*) FROM survey_answers WHERE survey_id = {sv} AND (respondent_id IS NOT NULL OR mentor_id IS NOT NULL)"
            )
        )? == 0,
        "an anonymous answer names a person"
    );
    let user_ids = s.sql(&format!(
        "SELECT {} FROM users WHERE username LIKE 's2.survey.parent%'",
        s.uuid_col("id")
    ))?;
    for id in user_ids.lines().chain([a.as_str(), b.as_str()]) {
        let lit = s.uuid_lit(id);
        ensure!(
            count(
                &s,
                &format!(
                    "SELECT count(*) FROM survey_answers WHERE id = {lit} OR survey_id = {lit} OR respondent_id = {lit} OR mentor_id = {lit} OR answers LIKE '%{id}%'"
                )
            )? == 0
        );
    }
    // The order of storage is not the order of answering: neither the rows'
    // physical order nor their ids follow the submissions (8! orders; the
    // chance either matches by accident is 1 in 20,160).
    let physical = match backend {
        Backend::Postgres => "ctid",
        Backend::Sqlite => "rowid",
    };
    let asked: Vec<String> = (0..8).map(|i| format!("回答{i:02}")).collect();
    for order in [physical, "id"] {
        let out = s.sql(&format!(
            "SELECT answers FROM survey_answers WHERE survey_id = {sv} ORDER BY {order}"
        ))?;
        let stored: Vec<String> = out
            .lines()
            .filter_map(|l| l.find("回答").map(|k| l[k..k + 8].to_string()))
            .collect();
        let mut sorted = stored.clone();
        sorted.sort();
        ensure!(sorted == asked, "an answer was lost or doubled: {stored:?}");
        ensure!(
            stored != asked,
            "answers stored in the order given ({order})"
        );
    }
    // The submission marks name the parents, and only that they answered.
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_submissions WHERE survey_id = {sv}")
        )? == 8
    );

    // The tallies: people and answers per mentor.
    let tally = |m: &str| -> Result<String> {
        s.sql(&format!(
            "SELECT respondents, answers, total FROM survey_mentor_views WHERE survey_id = {sv} AND mentor_id = {}",
            s.uuid_lit(m)
        ))
    };
    ensure!(tally(&a)?.trim() == "2|4|18", "{}", tally(&a)?);
    ensure!(tally(&b)?.trim() == "2|4|18", "{}", tally(&b)?);

    // The assessment counts people: two parents are too few, however many
    // answers (four, above the minimum of three) they gave.
    let d = s
        .data_as(
            "s2.admin",
            "mutation($t: ID!, $d: NaiveDate) { runAssessment(termId: $t, asOf: $d) { results { staffId indicators { indicator value explanation } } } }",
            json!({ "t": term, "d": ends }),
        )
        .await?;
    for m in [&a, &b] {
        let v = d["runAssessment"]["results"]
            .as_array()
            .context("results")?
            .iter()
            .find(|r| r["staffId"] == json!(m))
            .and_then(|r| {
                r["indicators"]
                    .as_array()?
                    .iter()
                    .find(|i| i["indicator"] == json!("PARENT_VIEW"))
                    .cloned()
            })
            .context("parent view")?;
        ensure!(v["value"].is_null(), "two parents counted: {v}");
        ensure!(
            v["explanation"]
                .as_str()
                .unwrap_or_default()
                .contains("人数不足"),
            "{v}"
        );
    }
    Ok(())
}
both!(anonymous_answers_keep_no_link);

async fn many_parents_at_once_lose_nothing(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn } }", json!({}))
        .await?;
    let term = d["terms"][0]["id"].as_str().context("term")?.to_string();
    let q = json!([
        { "kind": "SCALE", "prompt": "您对导师的满意度", "aboutMentor": true },
        { "kind": "SCALE", "prompt": "学校沟通", "aboutMentor": false },
        { "kind": "TEXT", "prompt": "建议" }
    ]);
    let d = s
        .data_as("s2.admin", CREATE, json!({ "t": term, "q": q }))
        .await?;
    let survey = d["createSurvey"]["id"].as_str().context("id")?.to_string();
    let sv = s.uuid_lit(&survey);
    let guardians: Vec<String> = parents_by_mentor(&s)?
        .into_values()
        .flatten()
        .take(6)
        .collect();
    ensure!(guardians.len() == 6);
    let mut tokens = vec![];
    for (i, g) in guardians.iter().enumerate() {
        tokens.push(account(&s, g, 100 + i).await?);
    }
    // Six parents, each pressing submit three times, all at once.
    let (srv, sid) = (&s, &survey);
    let mut calls = vec![];
    for (i, t) in tokens.iter().enumerate() {
        for _ in 0..3 {
            calls.push(srv.gql(Some(t), SUBMIT, json!({ "s": sid, "a": answers(i, 4, 3) })));
        }
    }
    let bodies = futures::future::join_all(calls).await;
    let mut ok = 0;
    for b in bodies {
        let b = b?;
        if b["data"]["submitSurvey"] == json!(true) {
            ok += 1;
        } else {
            ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");
        }
    }
    ensure!(ok == 6, "{ok} submits succeeded");
    let out = s.sql(&format!(
        "SELECT answers FROM survey_answers WHERE survey_id = {sv}"
    ))?;
    let mut texts: Vec<String> = out
        .lines()
        .filter_map(|l| l.find("回答").map(|k| l[k..k + 8].to_string()))
        .collect();
    texts.sort();
    let want: Vec<String> = (0..6).map(|i| format!("回答{i:02}")).collect();
    ensure!(texts == want, "answers lost or doubled: {texts:?}");
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_submissions WHERE survey_id = {sv}")
        )? == 6
    );
    // Every parent counted once in the tallies.
    let people = s.sql(&format!(
        "SELECT sum(respondents), sum(answers), sum(total) FROM survey_mentor_views WHERE survey_id = {sv}"
    ))?;
    ensure!(people.trim() == "6|6|24", "{people}");
    Ok(())
}
both!(many_parents_at_once_lose_nothing);
