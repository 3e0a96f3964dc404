//! Surveys through the API on SQLite and PostgreSQL (issue 12): the school
//! admin builds one (bounded sizes, clear errors that change nothing); the
//! parents (or students) it is addressed to answer once, also under
//! concurrent submits; an anonymous survey's stored answers carry no link to
//! the respondent (checked in the database); results are aggregated with
//! small groups suppressed; the mentor questions feed the assessment.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code};

async fn raw(s: &TestServer, who: &str, q: &str, vars: Value) -> Result<Value> {
    let t = s.login(who).await?;
    s.gql(Some(&t), q, vars).await
}

const CREATE: &str = "mutation($t: ID!, $title: String!, $a: SurveyAudience!, $anon: Boolean!, $q: [SurveyQuestionInput!]!) { createSurvey(termId: $t, title: $title, audience: $a, anonymous: $anon, questions: $q) { id title open anonymous questions { kind prompt options aboutMentor } } }";
const SUBMIT: &str =
    "mutation($s: ID!, $a: [SurveyAnswerInput!]!) { submitSurvey(surveyId: $s, answers: $a) }";
const LIST: &str =
    "{ surveys { id title answered open responses questions { kind prompt options } } }";
const RESULTS: &str = "query($s: ID!) { surveyResults(surveyId: $s) { responses suppressed questions { prompt labels counts answered meanTenths texts } } }";

fn questions() -> Value {
    json!([
        { "kind": "SINGLE_CHOICE", "prompt": "孩子是否愿意与导师交流？", "options": ["愿意", "一般", "不愿意"] },
        { "kind": "SCALE", "prompt": "您对孩子导师的满意度", "aboutMentor": true },
        { "kind": "TEXT", "prompt": "您的建议" }
    ])
}

fn count(s: &TestServer, sql: &str) -> Result<i64> {
    Ok(s.sql(sql)?.trim().parse()?)
}

async fn term_of(s: &TestServer) -> Result<(String, String)> {
    let d = s
        .data_as("s2.admin", "{ terms { id startsOn endsOn } }", json!({}))
        .await?;
    let mut terms = d["terms"].as_array().cloned().unwrap_or_default();
    terms.sort_by_key(|t| t["startsOn"].as_str().map(String::from));
    Ok((
        terms[0]["id"].as_str().context("term")?.into(),
        terms[0]["endsOn"].as_str().context("end")?.into(),
    ))
}

async fn surveys_end_to_end(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let (term, ends) = term_of(&s).await?;
    let vars = |title: &str, audience: &str, anon: bool, q: Value| json!({ "t": term, "title": title, "a": audience, "anon": anon, "q": q });

    // The demo's open parent survey is there already.
    let seeded = count(&s, "SELECT count(*) FROM surveys")?;
    // Bad input: a clear error, nothing stored.
    let too_many: Vec<Value> = (0..21)
        .map(|_| json!({ "kind": "SCALE", "prompt": "满意度" }))
        .collect();
    let b = raw(
        &s,
        "s2.admin",
        CREATE,
        vars("家长问卷", "PARENTS", true, json!(too_many)),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let b = raw(
        &s,
        "s2.admin",
        CREATE,
        vars(" ", "PARENTS", true, questions()),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    ensure!(b.to_string().contains("标题"), "{b}");
    let one_option =
        json!([{ "kind": "SINGLE_CHOICE", "prompt": "选择", "options": ["只有一个"] }]);
    let b = raw(
        &s,
        "s2.admin",
        CREATE,
        vars("家长问卷", "PARENTS", true, one_option),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    ensure!(count(&s, "SELECT count(*) FROM surveys")? == seeded);
    // Only the admin builds surveys.
    for who in ["s2.mentor1", "s2.parent1", "district"] {
        let b = raw(
            &s,
            who,
            CREATE,
            vars("家长问卷", "PARENTS", true, questions()),
        )
        .await?;
        ensure!(error_code(&b).is_some(), "{who}: {b}");
    }

    let d = s
        .data_as(
            "s2.admin",
            CREATE,
            vars(
                "2026学年第一学期家长满意度调查",
                "PARENTS",
                true,
                questions(),
            ),
        )
        .await?;
    let parents_survey = d["createSurvey"]["id"].as_str().context("id")?.to_string();

    // Who sees it.
    let d = s.data_as("s2.parent1", LIST, json!({})).await?;
    let list = d["surveys"].as_array().context("list")?;
    let mine = list
        .iter()
        .find(|x| x["id"] == json!(parents_survey))
        .context("the new survey")?;
    ensure!(mine["answered"] == json!(false), "{d}");
    ensure!(
        list.iter().all(|x| x["responses"].is_null()),
        "a parent sees response counts: {d}"
    );
    for who in ["s2.student1", "s1.parent1", "s2.mentor1"] {
        let d = s.data_as(who, LIST, json!({})).await?;
        ensure!(d["surveys"] == json!([]), "{who}: {d}");
    }

    // Bad answers change nothing; the student and another school's parent cannot answer.
    let bad = json!([{ "choice": 3 }, { "scale": 6 }, { "text": "长".repeat(501) }]);
    let b = raw(
        &s,
        "s2.parent1",
        SUBMIT,
        json!({ "s": parents_survey, "a": bad }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    let good = json!([{ "choice": 0 }, { "scale": 5 }, { "text": "导师很用心" }]);
    let b = raw(
        &s,
        "s2.student1",
        SUBMIT,
        json!({ "s": parents_survey, "a": good }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    let b = raw(
        &s,
        "s1.parent1",
        SUBMIT,
        json!({ "s": parents_survey, "a": good }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let sv = s.uuid_lit(&parents_survey);
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_answers WHERE survey_id = {sv}")
        )? == 0
    );
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_submissions WHERE survey_id = {sv}")
        )? == 0
    );

    let d = s
        .data_as(
            "s2.parent1",
            SUBMIT,
            json!({ "s": parents_survey, "a": good }),
        )
        .await?;
    ensure!(d["submitSurvey"] == json!(true), "{d}");
    let b = raw(
        &s,
        "s2.parent1",
        SUBMIT,
        json!({ "s": parents_survey, "a": good }),
    )
    .await?;
    ensure!(error_code(&b).as_deref() == Some("CONFLICT"), "{b}");
    let d = s.data_as("s2.parent1", LIST, json!({})).await?;
    let answered = d["surveys"]
        .as_array()
        .context("list")?
        .iter()
        .find(|x| x["id"] == json!(parents_survey))
        .context("survey")?["answered"]
        .clone();
    ensure!(answered == json!(true), "{d}");

    // Anonymous: the stored answer has no respondent and no time, and no
    // column of it holds the parent's id.
    let parent = s
        .sql(&format!(
            "SELECT {} FROM users WHERE username = 's2.parent1'",
            s.uuid_col("id")
        ))?
        .trim()
        .to_string();
    let lit = s.uuid_lit(&parent);
    ensure!(
        count(
            &s,
            &format!(
                "SELECT count(*) FROM survey_answers WHERE respondent_id IS NOT NULL OR id = {lit} OR mentor_id = {lit} OR survey_id = {lit}"
            )
        )? == 0
    );
    let columns = match backend {
        Backend::Postgres => s.sql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'survey_answers'")?,
        Backend::Sqlite => s.sql("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('survey_answers') ORDER BY name)")?,
    };
    ensure!(
        columns.trim() == "answers,district_id,id,mentor_id,respondent_id,school_id,survey_id",
        "survey_answers holds more than answers: {columns}"
    );
    // The submission mark names the parent but nothing links it to the answer.
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_submissions WHERE respondent_id = {lit}")
        )? == 1
    );

    // Results: one response is too small a group to show anything.
    let d = s
        .data_as("s2.admin", RESULTS, json!({ "s": parents_survey }))
        .await?;
    ensure!(
        d["surveyResults"]["suppressed"] == json!(true)
            && d["surveyResults"]["questions"] == json!([]),
        "{d}"
    );
    let b = raw(&s, "s2.mentor1", RESULTS, json!({ "s": parents_survey })).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");

    // More parents of mentor1's students answer (stored as the service
    // stores anonymous answers): the aggregate shows, and feeds the
    // assessment's 家长评价.
    let mentor = s
        .sql(&format!(
            "SELECT {} FROM staff JOIN users ON staff.user_id = users.id WHERE users.username = 's2.mentor1'",
            s.uuid_col("staff.id")
        ))?
        .trim()
        .to_string();
    let tenant = |c: &str| -> Result<String> {
        Ok(s.sql(&format!(
            "SELECT {} FROM surveys WHERE id = {}",
            s.uuid_col(c),
            s.uuid_lit(&parents_survey)
        ))?
        .trim()
        .to_string())
    };
    let (district, school) = (tenant("district_id")?, tenant("school_id")?);
    for (i, v) in [4, 5, 4, 3].iter().enumerate() {
        s.sql(&format!(
            "INSERT INTO survey_answers (id, district_id, school_id, survey_id, respondent_id, mentor_id, answers) VALUES ({}, {}, {}, {}, NULL, NULL, '[{{\"kind\":\"CHOICE\",\"value\":1}},{{\"kind\":\"SCALE\",\"value\":{v}}},{{\"kind\":\"TEXT\",\"value\":\"建议{i}\"}}]')",
            s.uuid_lit(&uuid::Uuid::new_v4().to_string()),
            s.uuid_lit(&district),
            s.uuid_lit(&school),
            s.uuid_lit(&parents_survey),
        ))?;
    }
    // The tally the service keeps per survey and mentor (an anonymous
    // answer row names no mentor): four more parents of mentor1's students.
    s.sql(&format!(
        "UPDATE survey_mentor_views SET respondents = respondents + 4, answers = answers + 4, total = total + 16 WHERE survey_id = {} AND mentor_id = {}",
        s.uuid_lit(&parents_survey),
        s.uuid_lit(&mentor),
    ))?;
    ensure!(
        count(
            &s,
            &format!(
                "SELECT count(*) FROM survey_mentor_views WHERE survey_id = {} AND respondents = 5",
                s.uuid_lit(&parents_survey)
            )
        )? == 1,
        "parent1's answer was not tallied for mentor1"
    );
    let d = s
        .data_as("s2.admin", RESULTS, json!({ "s": parents_survey }))
        .await?;
    let r = &d["surveyResults"];
    ensure!(r["suppressed"] == json!(false), "{d}");
    ensure!(r["questions"][0]["counts"] == json!([1, 4, 0]), "{d}");
    ensure!(r["questions"][1]["meanTenths"] == json!(42), "{d}");
    ensure!(
        r["questions"][2]["texts"]
            .as_array()
            .is_some_and(|t| t.len() == 5),
        "{d}"
    );

    let run = s
        .data_as(
            "s2.admin",
            "mutation($t: ID!, $d: NaiveDate) { runAssessment(termId: $t, asOf: $d) { results { staffId indicators { indicator value explanation } } } }",
            json!({ "t": term, "d": ends }),
        )
        .await?;
    let mine = run["runAssessment"]["results"]
        .as_array()
        .context("results")?
        .iter()
        .find(|r| r["staffId"] == json!(mentor))
        .context("mentor1")?
        .clone();
    let pv = mine["indicators"]
        .as_array()
        .context("ind")?
        .iter()
        .find(|i| i["indicator"] == json!("PARENT_VIEW"))
        .context("parent view")?
        .clone();
    ensure!(
        pv["value"].is_number(),
        "parents' views did not count: {pv}"
    );
    ensure!(
        pv["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("5人5份评价"),
        "{pv}"
    );

    // One response per respondent under concurrent submits (a named survey
    // for students this time: the answer keeps the student).
    let d = s
        .data_as(
            "s2.admin",
            CREATE,
            vars(
                "学生心声",
                "STUDENTS",
                false,
                json!([{ "kind": "SCALE", "prompt": "你喜欢和导师谈心吗" }]),
            ),
        )
        .await?;
    let students_survey = d["createSurvey"]["id"].as_str().context("id")?.to_string();
    let token = s.login("s2.student1").await?;
    let v = json!({ "s": students_survey, "a": [{ "scale": 4 }] });
    let calls = (0..6).map(|_| s.gql(Some(&token), SUBMIT, v.clone()));
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
    ensure!(ok == 1, "{ok} submits succeeded");
    let sid = s.uuid_lit(&students_survey);
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_answers WHERE survey_id = {sid}")
        )? == 1
    );
    ensure!(
        count(
            &s,
            &format!("SELECT count(*) FROM survey_submissions WHERE survey_id = {sid}")
        )? == 1
    );
    ensure!(
        count(
            &s,
            &format!(
                "SELECT count(*) FROM survey_answers WHERE survey_id = {sid} AND respondent_id IS NOT NULL"
            )
        )? == 1
    );

    // Closed: no more answers.
    s.data_as(
        "s2.admin",
        "mutation($s: ID!) { closeSurvey(surveyId: $s) { open } }",
        json!({ "s": parents_survey }),
    )
    .await?;
    let d = s.data_as("s2.parent1", LIST, json!({})).await?;
    ensure!(!d.to_string().contains(&parents_survey), "{d}");
    Ok(())
}
both!(surveys_end_to_end);
