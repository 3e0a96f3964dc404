//! Dashboards (issue 13) on both databases: the district's responses carry
//! no student or staff name or id (probed for every one of the demo); the
//! school dashboard's task figures are the supervision tables' figures; a
//! grade leader sees their grade only; the district reviews a school plan
//! (returns it, then accepts it) and the school admin sees the status. On
//! PostgreSQL the district's narrowed reader role selects no personal row.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::{Backend, Options, TestServer, both, error_code, psql};

const KIND: &str = "kind done due overdue students studentsDone studentsOverdue onTrackPercent";

fn totals() -> String {
    format!(
        "students matched coveragePercent mentors mentorsOverCap maxLoad loadCap tasks {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} messagesWritten messagesReviewed messagesPublished contacts contactsFaceToFace faceToFacePercent careOpen careAcknowledged careAvgResponseMinutes mentorsAppointed mentorsInTraining"
    )
}

fn part() -> String {
    format!("key name group totals {{ {} }}", totals())
}

fn school_query() -> String {
    format!(
        "{{ schoolDashboard {{ schoolName termName asOf grades totals {{ {t} }} byGrade {{ {p} }} byClass {{ {p} }} byMentor {{ {p} }} trend {{ day onTrackPercent coveragePercent }} unmatched {{ studentId name className }} }} }}",
        t = totals(),
        p = part()
    )
}

fn district_query() -> String {
    format!(
        "{{ districtDashboard {{ districtName asOf totals {{ {t} }} schools {{ {p} }} stages {{ {p} }} trend {{ day onTrackPercent coveragePercent faceToFacePercent messagesPublished }} terms {{ {p} }} }} }}",
        t = totals(),
        p = part()
    )
}

/// Every student's and staff member's name and id in the database.
fn personal_strings(s: &TestServer) -> Result<Vec<String>> {
    let mut out = vec![];
    for (table, cols) in [
        ("students", ["name", "student_no"]),
        ("staff", ["name", "staff_no"]),
    ] {
        let rows = s.sql(&format!(
            "SELECT {}, {}, {} FROM {table}",
            s.uuid_col("id"),
            cols[0],
            cols[1]
        ))?;
        for line in rows.lines() {
            for f in line.split('|') {
                if f.chars().count() >= 2 {
                    out.push(f.to_string());
                }
            }
        }
    }
    ensure!(out.len() > 100, "too few people to probe: {}", out.len());
    Ok(out)
}

/// The task counts of a dashboard equal those of the supervision table.
fn same_counts(what: &str, dash: &Value, sup: &Value) -> Result<()> {
    for f in ["students", "studentsWithOverdue", "onTrackPercent"] {
        ensure!(
            dash[f] == sup[f],
            "{what}: {f} {} vs supervision {}",
            dash[f],
            sup[f]
        );
    }
    ensure!(
        dash["byKind"] == sup["byKind"],
        "{what}: by kind {} vs supervision {}",
        dash["byKind"],
        sup["byKind"]
    );
    Ok(())
}

async fn district_sees_aggregates_that_match_the_supervision_tables(
    backend: Backend,
) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    // Today's figures, recomputed by each school admin (the refresh).
    for admin in ["s1.admin", "s2.admin", "s3.admin"] {
        let d = s
            .data_as(
                admin,
                "mutation { recomputeSchoolInsights { asOf totals { students } } }",
                json!({}),
            )
            .await?;
        ensure!(
            d["recomputeSchoolInsights"]["asOf"].is_string(),
            "{admin}: nothing computed: {d}"
        );
    }
    let sup_q = format!(
        "{{ schoolTaskCounts {{ schoolId schoolName counts {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} byGrade {{ grade counts {{ students studentsWithOverdue onTrackPercent byKind {{ {KIND} }} }} }} }} }}"
    );
    let sup = s.data_as("district", &sup_q, json!({})).await?;
    let d = s.data_as("district", &district_query(), json!({})).await?;
    let dash = &d["districtDashboard"];
    let name = s.sql("SELECT name FROM districts WHERE code = 'demo'")?;
    ensure!(dash["districtName"] == json!(name), "title: {dash}");
    let schools = dash["schools"].as_array().context("schools")?;
    ensure!(schools.len() == 3, "{dash}");
    let sup_schools = sup["schoolTaskCounts"].as_array().context("sup")?;
    let people = personal_strings(&s)?;
    let mut district_students = 0;
    for sc in schools {
        let su = sup_schools
            .iter()
            .find(|x| x["schoolId"] == sc["key"])
            .context("school missing from supervision")?;
        same_counts(
            sc["name"].as_str().unwrap_or_default(),
            &sc["totals"]["tasks"],
            &su["counts"],
        )?;
        let t = &sc["totals"];
        ensure!(
            t["matched"].as_i64() <= t["students"].as_i64() && t["students"].as_i64() > Some(0),
            "coverage: {t}"
        );
        district_students += t["students"].as_i64().unwrap_or(0);

        // The school's per-grade summary matches the supervision grades.
        let sum = s
            .data_as(
                "district",
                &format!(
                    "query($s: ID!) {{ districtSchoolSummary(schoolId: $s) {{ schoolName stage asOf byGrade {{ {} }} }} }}",
                    part()
                ),
                json!({ "s": sc["key"] }),
            )
            .await?;
        let grades = sum["districtSchoolSummary"]["byGrade"]
            .as_array()
            .context("grades")?;
        let sup_grades = su["byGrade"].as_array().context("sup grades")?;
        ensure!(grades.len() == sup_grades.len(), "{sum} vs {su}");
        for g in grades {
            let sg = sup_grades
                .iter()
                .find(|x| {
                    x["grade"].as_i64().map(|n| n.to_string()).as_deref() == g["key"].as_str()
                })
                .context("grade")?;
            same_counts(
                &format!("grade {}", g["key"]),
                &g["totals"]["tasks"],
                &sg["counts"],
            )?;
        }
        let text = sum.to_string();
        for p in &people {
            ensure!(!text.contains(p.as_str()), "school summary carries {p:?}");
        }
    }
    ensure!(
        dash["totals"]["students"].as_i64() == Some(district_students),
        "district total: {}",
        dash["totals"]
    );
    ensure!(
        dash["stages"].as_array().map_or(0, Vec::len) == 3,
        "stages: {}",
        dash["stages"]
    );
    ensure!(
        !dash["trend"].as_array().context("trend")?.is_empty(),
        "no trend"
    );
    let filings = s
        .data_as(
            "district",
            "{ planFilings { schoolName current { version name effectiveFrom } baselineVersion status comment } }",
            json!({}),
        )
        .await?;
    for (what, body) in [("dashboard", &d), ("filings", &filings)] {
        let text = body.to_string();
        for p in &people {
            ensure!(!text.contains(p.as_str()), "district {what} carries {p:?}");
        }
    }

    // The school admin's dashboard: the same figures, names at school level.
    let a = s.data_as("s2.admin", &school_query(), json!({})).await?;
    let sd = &a["schoolDashboard"];
    let mine = sup_schools
        .iter()
        .find(|x| {
            schools
                .iter()
                .any(|sc| sc["key"] == x["schoolId"] && sc["name"] == sd["schoolName"])
        })
        .context("s2 in supervision")?;
    same_counts("s2 school", &sd["totals"]["tasks"], &mine["counts"])?;
    ensure!(
        !sd["byMentor"].as_array().context("mentors")?.is_empty(),
        "no mentor rows: {sd}"
    );
    ensure!(
        sd["byClass"].as_array().map_or(0, Vec::len) > 1,
        "classes: {sd}"
    );
    let matched = sd["totals"]["matched"].as_i64().unwrap_or(-1);
    let students = sd["totals"]["students"].as_i64().unwrap_or(-1);
    let unmatched = sd["unmatched"].as_array().context("unmatched")?.len() as i64;
    ensure!(
        unmatched == (students - matched).min(200),
        "unmatched listed {unmatched}, coverage {matched}/{students}"
    );
    Ok(())
}
both!(district_sees_aggregates_that_match_the_supervision_tables);

async fn a_grade_leader_sees_only_their_grade(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let admin = s.data_as("s2.admin", &school_query(), json!({})).await?;
    let leader = s.data_as("s2.grade7", &school_query(), json!({})).await?;
    let a = &admin["schoolDashboard"];
    let l = &leader["schoolDashboard"];
    ensure!(l["grades"] == json!([7]), "grades: {}", l["grades"]);
    let grades = l["byGrade"].as_array().context("grades")?;
    ensure!(
        grades.len() == 1 && grades[0]["key"] == json!("7"),
        "grade rows: {grades:?}"
    );
    ensure!(
        l["byMentor"] == json!([]) && l["unmatched"] == json!([]),
        "a grade leader got names: {l}"
    );
    let classes = l["byClass"].as_array().context("classes")?;
    ensure!(!classes.is_empty(), "no classes: {l}");
    ensure!(
        classes.iter().all(|c| c["group"] == json!("7")),
        "other grades' classes: {classes:?}"
    );
    let seven = a["byGrade"]
        .as_array()
        .context("admin grades")?
        .iter()
        .find(|g| g["key"] == json!("7"))
        .context("admin grade 7")?;
    ensure!(
        l["totals"]["students"] == seven["totals"]["students"]
            && l["totals"]["tasks"] == seven["totals"]["tasks"],
        "leader totals {} vs the admin's grade 7 {}",
        l["totals"],
        seven["totals"]
    );
    // Neither the grade leader nor a mentor reads the district's views or files.
    for (who, q) in [
        ("s2.grade7", "{ districtDashboard { districtName } }"),
        ("s2.grade7", "{ planFilings { schoolName } }"),
        ("s2.mentor1", "{ schoolDashboard { schoolName } }"),
        ("s2.admin", "{ districtDashboard { districtName } }"),
    ] {
        let t = s.login(who).await?;
        let r = s.gql(Some(&t), q, json!({})).await?;
        ensure!(
            error_code(&r).as_deref() == Some("FORBIDDEN"),
            "{who} {q}: {r}"
        );
    }
    Ok(())
}
both!(a_grade_leader_sees_only_their_grade);

async fn the_district_returns_then_accepts_a_school_plan(backend: Backend) -> Result<()> {
    let s = TestServer::start(Options::new(backend)).await?;
    let q = "{ planFilings { schoolId schoolName current { id version } diffFromBaseline { path } status comment } }";
    let f = s.data_as("district", q, json!({})).await?;
    let list = f["planFilings"].as_array().context("filings")?;
    ensure!(list.len() == 3, "{f}");
    let filed = list
        .iter()
        .find(|x| x["current"].is_object())
        .context("no school files a plan in the demo")?;
    ensure!(filed["status"] == json!("PENDING"), "{filed}");
    let school = filed["schoolId"].clone();
    let version = filed["current"]["id"].clone();
    let review = "mutation($s: ID!, $v: ID!, $d: PlanDecision!, $c: String) { reviewSchoolPlan(schoolId: $s, versionId: $v, decision: $d, comment: $c) { status comment } }";
    let t = s.login("district").await?;
    // Returning without a comment changes nothing.
    let r = s
        .gql(
            Some(&t),
            review,
            json!({ "s": school, "v": version, "d": "RETURNED", "c": "  " }),
        )
        .await?;
    ensure!(error_code(&r).as_deref() == Some("VALIDATION"), "{r}");
    let long = "很".repeat(501);
    let r = s
        .gql(
            Some(&t),
            review,
            json!({ "s": school, "v": version, "d": "RETURNED", "c": long }),
        )
        .await?;
    ensure!(error_code(&r).as_deref() == Some("VALIDATION"), "{r}");
    let r = s
        .data_as(
            "district",
            review,
            json!({ "s": school, "v": version, "d": "RETURNED", "c": "请补充家访频次说明" }),
        )
        .await?;
    ensure!(r["reviewSchoolPlan"]["status"] == json!("RETURNED"), "{r}");
    // The school admin sees it returned with the comment.
    let admin = s
        .sql(&format!(
            "SELECT u.username FROM users u JOIN role_grants g ON g.user_id = u.id WHERE g.role = 'school_admin' AND g.school_id = {} LIMIT 1",
            s.uuid_lit(school.as_str().unwrap_or_default())
        ))?;
    let mine = s.data_as(&admin, q, json!({})).await?;
    ensure!(
        mine["planFilings"][0]["status"] == json!("RETURNED")
            && mine["planFilings"][0]["comment"] == json!("请补充家访频次说明"),
        "{admin}: {mine}"
    );
    // A school admin cannot review.
    let at = s.login(&admin).await?;
    let r = s
        .gql(
            Some(&at),
            review,
            json!({ "s": school, "v": version, "d": "REVIEWED" }),
        )
        .await?;
    ensure!(error_code(&r).as_deref() == Some("FORBIDDEN"), "{r}");
    s.data_as(
        "district",
        review,
        json!({ "s": school, "v": version, "d": "REVIEWED" }),
    )
    .await?;
    let mine = s.data_as(&admin, q, json!({})).await?;
    ensure!(
        mine["planFilings"][0]["status"] == json!("REVIEWED"),
        "{mine}"
    );
    Ok(())
}
both!(the_district_returns_then_accepts_a_school_plan);

/// On PostgreSQL the district's dashboard role admits aggregates only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_reader_role_selects_no_personal_row() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    let district = psql(owner, "SELECT id FROM districts WHERE code = 'demo'")?;
    let set = format!(
        "SELECT set_config('app.district_id', '{district}', true), set_config('app.school_id', '', true), set_config('app.role', 'district_reader', true);"
    );
    for t in [
        "students",
        "staff",
        "guardians",
        "mentor_assignments",
        "activities",
        "activity_students",
        "growth_messages",
        "care_cases",
        "users",
        "classes",
    ] {
        let out = psql(
            &app,
            &format!("BEGIN; {set} SELECT count(*) FROM {t}; COMMIT;"),
        )?;
        let n = out.lines().last().unwrap_or_default();
        ensure!(n == "0", "district_reader reads {n} rows of {t}");
    }
    let out = psql(
        &app,
        &format!(
            "BEGIN; {set} SELECT count(*) FILTER (WHERE scope IN ('school', 'grade')), count(*) FILTER (WHERE scope NOT IN ('school', 'grade')) FROM insight_days; COMMIT;"
        ),
    )?;
    let last = out.lines().last().unwrap_or_default();
    let (agg, personal) = last.split_once('|').context("counts")?;
    ensure!(agg != "0" && personal == "0", "insight rows: {last}");
    let all = psql(
        owner,
        "SELECT count(*) FROM insight_days WHERE scope IN ('class', 'mentor')",
    )?;
    ensure!(all != "0", "no school-level rows to hide");
    Ok(())
}
