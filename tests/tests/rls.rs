//! Row-level security on PostgreSQL, checked with raw SQL as the
//! application role: no tenant settings, no rows; school A's settings, only
//! school A's rows; a district admin's settings, only that district.

use anyhow::{Result, ensure};
use serde_json::json;
use tests::{Backend, Options, TestServer, psql};

const SCHOOL_TABLES: [&str; 24] = [
    "terms",
    "classes",
    "staff",
    "teaching",
    "students",
    "guardians",
    "student_guardians",
    "mentor_assignments",
    "activities",
    "activity_students",
    "activity_amendments",
    "growth_messages",
    "growth_file_notes",
    "exam_results",
    "talk_requests",
    "matching_rounds",
    "matching_choices",
    "matching_mentor_prefs",
    "matching_results",
    "rush_quotas",
    "rush_places",
    "mentor_team_applications",
    "mentor_team_members",
    "calendar_events",
];

/// Matching rows in a school: a previewed two-way round, a rush round and a
/// mentor-team application, so the matching tables are not empty.
async fn seed_matching(s: &TestServer, prefix: &str) -> Result<()> {
    let admin = format!("{prefix}.admin");
    let d = s
        .data_as(&admin, "{ terms { id } classes { grade } }", json!({}))
        .await?;
    let grade = d["classes"][0]["grade"].clone();
    let open = "mutation($t: ID!, $g: Int!, $m: RoundMethod!) { openMatchingRound(termId: $t, grade: $g, method: $m) { id } }";
    let r = s
        .data_as(
            &admin,
            open,
            json!({ "t": d["terms"][0]["id"], "g": grade, "m": "TWO_WAY" }),
        )
        .await?;
    s.data_as(
        &admin,
        "mutation($r: ID!) { runMatchingPreview(roundId: $r) { round { id } } }",
        json!({ "r": r["openMatchingRound"]["id"] }),
    )
    .await?;
    s.data_as(
        &admin,
        open,
        json!({ "t": d["terms"][1]["id"], "g": grade, "m": "SELF_SELECTION" }),
    )
    .await?;
    let head = format!("{prefix}.head1");
    let st = s
        .data_as(
            &head,
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    s.data_as(
        &head,
        "mutation($s: ID!) { applyForMentorTeam(studentId: $s, reason: \"随班就读\", proposedMemberIds: []) { id } }",
        json!({ "s": st["students"]["edges"][0]["node"]["id"] }),
    )
    .await?;
    Ok(())
}

/// Runs a query after the settings in one transaction; returns its last output line.
fn as_tenant(url: &str, settings: &str, query: &str) -> Result<String> {
    let out = psql(url, &format!("BEGIN; {settings} {query}; COMMIT;"))?;
    Ok(out.lines().last().unwrap_or("").to_string())
}

fn set(district: &str, school: &str, role: &str) -> String {
    format!(
        "SELECT set_config('app.district_id', '{district}', true), set_config('app.school_id', '{school}', true), set_config('app.role', '{role}', true);"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_role_sees_only_its_tenant() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    seed_matching(&s, "s1").await?;
    seed_matching(&s, "s2").await?;
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    // The app role is not the owner and cannot bypass RLS.
    let role = psql(
        &app,
        "SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user",
    )?;
    ensure!(role == "f", "daoshi_app may bypass RLS: {role}");
    let school_a = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s1'")?;
    let district = psql(
        owner,
        "SELECT district_id FROM schools WHERE code = 'demo-s1'",
    )?;
    let other_district = psql(owner, "SELECT id FROM districts WHERE code = 'y'")?;

    let mut tables: Vec<&str> = SCHOOL_TABLES.to_vec();
    tables.extend([
        "districts",
        "schools",
        "users",
        "role_grants",
        "refresh_tokens",
        "audit_log",
    ]);
    for t in &tables {
        let total = psql(owner, &format!("SELECT count(*) FROM {t}"))?;
        let none = psql(&app, &format!("SELECT count(*) FROM {t}"))?;
        ensure!(
            none == "0",
            "{t}: {none} rows visible without a tenant (owner sees {total})"
        );
    }
    let a = set(&district, &school_a, "school_admin");
    for t in SCHOOL_TABLES {
        let out = as_tenant(
            &app,
            &a,
            &format!("SELECT count(*), count(*) FILTER (WHERE school_id <> '{school_a}') FROM {t}"),
        )?;
        let (seen, foreign) = out.split_once('|').unwrap_or(("", ""));
        let own = psql(
            owner,
            &format!("SELECT count(*) FROM {t} WHERE school_id = '{school_a}'"),
        )?;
        ensure!(foreign == "0", "{t}: school A sees {foreign} foreign rows");
        ensure!(seen == own, "{t}: school A sees {seen} of its {own} rows");
    }
    // A school's context cannot write into another school.
    let school_b = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s2'")?;
    let insert = format!(
        "INSERT INTO terms (id, district_id, school_id, name, academic_year, starts_on, ends_on) VALUES (gen_random_uuid(), '{district}', '{school_b}', 'x', 'x', '2030-01-01', '2030-02-01')"
    );
    ensure!(
        as_tenant(&app, &a, &insert).is_err(),
        "school A wrote a row into school B"
    );
    // Updates of foreign rows touch nothing.
    let upd = as_tenant(
        &app,
        &a,
        &format!(
            "WITH u AS (UPDATE students SET name = 'x' WHERE school_id = '{school_b}' RETURNING 1) SELECT count(*) FROM u"
        ),
    )?;
    ensure!(upd == "0", "school A updated {upd} rows of school B");
    // The district admin (no school) sees its district's schools, not district Y's.
    let d = set(&district, "", "district_admin");
    let out = as_tenant(
        &app,
        &d,
        &format!(
            "SELECT count(*), count(*) FILTER (WHERE district_id = '{other_district}') FROM students"
        ),
    )?;
    let own = psql(
        owner,
        &format!("SELECT count(*) FROM students WHERE district_id = '{district}'"),
    )?;
    ensure!(
        out == format!("{own}|0"),
        "district view: {out}, expected {own}|0"
    );
    // A school role without a school set sees nothing (the district widening is for district admins only).
    let bad = set(&district, "", "mentor");
    let out = as_tenant(&app, &bad, "SELECT count(*) FROM students")?;
    ensure!(out == "0", "a mentor without a school sees {out} students");
    // The audit log is append-only for the app.
    let del = as_tenant(&app, &a, "DELETE FROM audit_log");
    ensure!(del.is_err(), "the app role could delete audit records");
    // Mentoring records are tamper-evident: activities are never deleted,
    // amendments and growth-file notes never rewritten.
    for stmt in [
        "DELETE FROM activities",
        "UPDATE activity_amendments SET reason = 'x'",
        "DELETE FROM activity_amendments",
        "UPDATE growth_file_notes SET body = 'x'",
        "DELETE FROM growth_file_notes",
    ] {
        ensure!(
            as_tenant(&app, &a, stmt).is_err(),
            "the app role could run {stmt}"
        );
    }
    Ok(())
}
