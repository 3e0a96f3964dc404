//! Row-level security on PostgreSQL, checked with raw SQL as the
//! application role: no tenant settings, no rows; school A's settings, only
//! school A's rows; a district admin's settings, only that district.

use anyhow::{Result, ensure};
use serde_json::json;
use tests::{Backend, Options, TestServer, psql};

const SCHOOL_TABLES: [&str; 42] = [
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
    "qualification_steps",
    "assessment_runs",
    "assessment_results",
    "surveys",
    "survey_submissions",
    "survey_answers",
    "care_cases",
    "care_events",
    "survey_mentor_views",
    "mentor_reviews",
    "training_courses",
    "training_sessions",
    "training_attendance",
    "robot_webhooks",
    "insight_days",
    "care_conferences",
    "paper_files",
    "mentor_awards",
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
        "care_alerts",
        "notify_prefs",
        "push_subscriptions",
        "plan_reviews",
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
        "DELETE FROM care_cases",
        "UPDATE care_events SET body = 'x'",
        "DELETE FROM care_events",
        "DELETE FROM care_alerts",
        "DELETE FROM care_conferences",
    ] {
        ensure!(
            as_tenant(&app, &a, stmt).is_err(),
            "the app role could run {stmt}"
        );
    }
    Ok(())
}

/// Care alerts: a school session reads and marks only the alerts addressed
/// to its own user, though it may write alerts for others (the plan alerts
/// other people than the one raising).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn care_alerts_are_read_only_by_their_recipient() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    let school = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s1'")?;
    let district = psql(
        owner,
        "SELECT district_id FROM schools WHERE code = 'demo-s1'",
    )?;
    let counsellor = psql(
        owner,
        "SELECT id FROM users WHERE username = 's1.counsellor'",
    )?;
    let admin = psql(owner, "SELECT id FROM users WHERE username = 's1.admin'")?;
    let own = psql(
        owner,
        &format!("SELECT count(*) FROM care_alerts WHERE recipient_user_id = '{counsellor}'"),
    )?;
    ensure!(own != "0", "the demo counsellor has no alerts");
    let c = set_user(&district, &school, "counsellor", &counsellor);
    let seen = as_tenant(&app, &c, "SELECT count(*) FROM care_alerts")?;
    ensure!(seen == own, "the counsellor sees {seen} alerts, owns {own}");
    let a = set_user(&district, &school, "school_admin", &admin);
    let seen = as_tenant(&app, &a, "SELECT count(*) FROM care_alerts")?;
    ensure!(
        seen == "0",
        "the admin sees {seen} of the counsellor's alerts"
    );
    let r = affected(&app, &a, "UPDATE care_alerts SET read_at = now()");
    ensure!(
        touched_nothing(&r),
        "the admin marked others' alerts: {r:?}"
    );
    // Cases: the school's, never another school's.
    let other = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s2'")?;
    let out = as_tenant(
        &app,
        &c,
        &format!("SELECT count(*) FROM care_cases WHERE school_id = '{other}'"),
    )?;
    ensure!(out == "0", "school 1 sees {out} cases of school 2");
    Ok(())
}

// ------------------------------------------------------------ the walls (issue 10, item 7)

/// School-level tables the district admin's aggregate pages read (read-only
/// for it); every other school-level table it cannot read at all.
const DISTRICT_READS: [&str; 11] = [
    "terms",
    "classes",
    "staff",
    "students",
    "mentor_assignments",
    "activities",
    "activity_students",
    "growth_messages",
    "calendar_events",
    "assessment_runs",
    "insight_days",
];

/// Runs statements after the settings in a transaction that is rolled back;
/// returns the last output line, or the error text.
fn try_as(url: &str, settings: &str, stmt: &str) -> std::result::Result<String, String> {
    psql(url, &format!("BEGIN; {settings} {stmt}; ROLLBACK;"))
        .map(|out| out.lines().last().unwrap_or("").to_string())
        .map_err(|e| format!("{e:#}"))
}

fn set_user(district: &str, school: &str, role: &str, user: &str) -> String {
    format!(
        "{} SELECT set_config('app.user_id', '{user}', true);",
        set(district, school, role)
    )
}

/// Rows affected by an UPDATE or DELETE (`stmt` without RETURNING), or the error.
fn affected(url: &str, settings: &str, stmt: &str) -> std::result::Result<String, String> {
    try_as(
        url,
        settings,
        &format!("WITH x AS ({stmt} RETURNING 1) SELECT count(*) FROM x"),
    )
}

fn refused_by_rls(r: &std::result::Result<String, String>) -> bool {
    r.as_ref()
        .err()
        .is_some_and(|e| e.contains("row-level security"))
}

/// Zero rows touched, or refused outright (no privilege or no policy).
fn touched_nothing(r: &std::result::Result<String, String>) -> bool {
    match r {
        Ok(n) => n == "0",
        Err(e) => e.contains("permission denied") || e.contains("row-level security"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tenant_table_has_per_command_forced_policies() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let owner = &s.db.url;
    let unforced = psql(
        owner,
        "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'seaql_migrations' AND NOT (relrowsecurity AND relforcerowsecurity)",
    )?;
    ensure!(unforced.is_empty(), "tables without forced RLS: {unforced}");
    let tables = psql(
        owner,
        "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relrowsecurity AND relforcerowsecurity",
    )?;
    ensure!(
        tables == "55",
        "{tables} tables with forced RLS, expected 55"
    );
    // The only FOR ALL policy is the operator's, bound to the migrating role.
    let all = psql(
        owner,
        "SELECT string_agg(tablename || '.' || policyname, ',') FROM pg_policies WHERE schemaname = 'public' AND cmd = 'ALL' AND (policyname <> 'operator' OR 'public' = ANY (roles) OR 'daoshi_app' = ANY (roles))",
    )?;
    ensure!(all.is_empty(), "policies for all commands: {all}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_admin_is_read_only_and_sees_aggregated_tables_only() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    seed_matching(&s, "s1").await?;
    // Records of every kind in s1, through the API.
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    let district = psql(owner, "SELECT id FROM districts WHERE code = 'demo'")?;
    let district_user = psql(owner, "SELECT id FROM users WHERE username = 'district'")?;
    let dist = set_user(&district, "", "district_admin", &district_user);
    let mut probed = 0;
    for t in SCHOOL_TABLES {
        let sample = psql(
            owner,
            &format!(
                "SELECT row_to_json(x)::text || '|' || x.school_id FROM {t} x WHERE district_id = '{district}' LIMIT 1"
            ),
        )?;
        let Some((json, school)) = sample.rsplit_once('|') else {
            continue;
        };
        probed += 1;
        let json = json.replace('\'', "''");
        let copy =
            format!("INSERT INTO {t} SELECT * FROM json_populate_record(NULL::{t}, '{json}')");
        // The district admin may not insert the row; its school may (the
        // copy then fails only on the primary key, past RLS).
        let r = try_as(&app, &dist, &copy);
        ensure!(refused_by_rls(&r), "{t}: district insert: {r:?}");
        let admin = psql(
            owner,
            &format!(
                "SELECT u.id FROM users u JOIN role_grants g ON g.user_id = u.id WHERE g.role = 'school_admin' AND g.school_id = '{school}' LIMIT 1"
            ),
        )?;
        let sch = set_user(&district, school, "school_admin", &admin);
        let r = try_as(&app, &sch, &copy);
        ensure!(
            r.as_ref().is_err_and(|e| e.contains("duplicate key")),
            "{t}: the school's own insert did not pass RLS: {r:?}"
        );
        // Updates and deletes touch nothing for the district.
        for stmt in [
            format!("UPDATE {t} SET school_id = school_id"),
            format!("DELETE FROM {t}"),
        ] {
            let r = affected(&app, &dist, &stmt);
            ensure!(touched_nothing(&r), "district: {stmt}: {r:?}");
        }
        // Reads: the aggregated tables whole (published growth messages
        // only), nothing of the others.
        let filter = match t {
            "growth_messages" | "assessment_runs" => "status = 'published'",
            "insight_days" => "scope IN ('grade', 'school')",
            _ => "true",
        };
        let expected = if DISTRICT_READS.contains(&t) {
            psql(
                owner,
                &format!("SELECT count(*) FROM {t} WHERE district_id = '{district}' AND {filter}"),
            )?
        } else {
            "0".to_string()
        };
        let seen = as_tenant(&app, &dist, &format!("SELECT count(*) FROM {t}"))?;
        ensure!(
            seen == expected,
            "{t}: district reads {seen}, expected {expected}"
        );
    }
    ensure!(
        probed >= 18,
        "only {probed} school tables had rows to probe"
    );
    // The school's own updates still work.
    let school_a = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s1'")?;
    let admin_a = psql(owner, "SELECT id FROM users WHERE username = 's1.admin'")?;
    let a = set_user(&district, &school_a, "school_admin", &admin_a);
    let own = psql(
        owner,
        &format!("SELECT count(*) FROM students WHERE school_id = '{school_a}'"),
    )?;
    let r = affected(&app, &a, "UPDATE students SET name = name");
    ensure!(
        r.as_deref() == Ok(own.as_str()),
        "school updates {r:?} of {own} students"
    );
    // Accounts: the district sees its admins, not the people of the schools.
    let people = as_tenant(
        &app,
        &dist,
        "SELECT count(*) FROM users u WHERE EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role IN ('student', 'parent', 'mentor', 'head_teacher'))",
    )?;
    ensure!(people == "0", "the district reads {people} school accounts");
    let admins = as_tenant(
        &app,
        &dist,
        "SELECT count(*) FROM users WHERE school_id IS NOT NULL",
    )?;
    ensure!(
        admins == "3",
        "the district reads {admins} school-admin accounts, expected 3"
    );
    // The audit log: district-level records only.
    let foreign = as_tenant(
        &app,
        &dist,
        "SELECT count(*) FROM audit_log WHERE school_id IS NOT NULL",
    )?;
    ensure!(
        foreign == "0",
        "the district reads {foreign} school audit records"
    );
    // Its own district-level writes still work: rename a school, create a
    // school admin account and grant.
    let r = affected(&app, &dist, "UPDATE schools SET name = name");
    ensure!(r.as_deref() == Ok("3"), "district renames schools: {r:?}");
    let r = try_as(
        &app,
        &dist,
        &format!(
            "INSERT INTO users (id, username, password_hash, display_name, district_id, school_id, active, created_at) VALUES (gen_random_uuid(), 'rls.new.admin', 'x', 'x', '{district}', '{school_a}', true, now()) RETURNING id; \
             INSERT INTO role_grants (id, user_id, role, district_id, school_id, created_at) SELECT gen_random_uuid(), id, 'school_admin', '{district}', '{school_a}', now() FROM users WHERE username = 'rls.new.admin' RETURNING role"
        ),
    );
    ensure!(
        r.as_deref() == Ok("school_admin"),
        "district creates a school admin: {r:?}"
    );
    // …but grants nothing else.
    let r = try_as(
        &app,
        &dist,
        &format!(
            "INSERT INTO role_grants (id, user_id, role, district_id, school_id, created_at) VALUES (gen_random_uuid(), '{admin_a}', 'mentor', '{district}', '{school_a}', now())"
        ),
    );
    ensure!(refused_by_rls(&r), "district grants a mentor role: {r:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_session_cannot_touch_the_district_and_the_audit_log_is_checked() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let owner = &s.db.url;
    let app = s.db.app_url()?;
    let district = psql(owner, "SELECT id FROM districts WHERE code = 'demo'")?;
    let school_a = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s1'")?;
    let school_b = psql(owner, "SELECT id FROM schools WHERE code = 'demo-s2'")?;
    let admin_a = psql(owner, "SELECT id FROM users WHERE username = 's1.admin'")?;
    let head_a = psql(owner, "SELECT id FROM users WHERE username = 's1.head1'")?;
    let head_b = psql(owner, "SELECT id FROM users WHERE username = 's2.head1'")?;
    let a = set_user(&district, &school_a, "school_admin", &admin_a);

    // District and school rows: no updates, no new schools.
    for stmt in [
        "UPDATE districts SET name = 'x'".to_string(),
        "UPDATE schools SET name = 'x'".to_string(),
        format!("UPDATE schools SET name = 'x' WHERE id = '{school_a}'"),
        "DELETE FROM schools".to_string(),
    ] {
        let r = affected(&app, &a, &stmt);
        ensure!(touched_nothing(&r), "school session: {stmt}: {r:?}");
    }
    let r = try_as(
        &app,
        &a,
        &format!(
            "INSERT INTO schools (id, district_id, code, name, stage, created_at) VALUES (gen_random_uuid(), '{district}', 'rls-x', 'x', 'primary', now())"
        ),
    );
    ensure!(refused_by_rls(&r), "school session creates a school: {r:?}");

    // Grants: school roles to its own accounts only, never a district role.
    let grant = |user: &str, role: &str, school: &str| {
        format!(
            "INSERT INTO role_grants (id, user_id, role, district_id, school_id, created_at) VALUES (gen_random_uuid(), '{user}', '{role}', '{district}', {school}, now()) RETURNING role"
        )
    };
    let own_school = format!("'{school_a}'");
    let r = try_as(&app, &a, &grant(&head_a, "counsellor", &own_school));
    ensure!(
        r.as_deref() == Ok("counsellor"),
        "school grants a school role: {r:?}"
    );
    for (user, role, school) in [
        (&head_a, "district_admin", own_school.clone()),
        (&head_a, "district_admin", "NULL".to_string()),
        (&head_b, "counsellor", own_school.clone()),
        (&head_b, "counsellor", format!("'{school_b}'")),
    ] {
        let r = try_as(&app, &a, &grant(user, role, &school));
        ensure!(
            refused_by_rls(&r),
            "school grants {role} at {school}: {r:?}"
        );
    }
    let r = affected(
        &app,
        &a,
        "DELETE FROM role_grants WHERE role = 'district_admin'",
    );
    ensure!(touched_nothing(&r), "school revokes district grants: {r:?}");
    // Accounts stay in their school; one's own row may change otherwise.
    let r = affected(
        &app,
        &a,
        &format!("UPDATE users SET school_id = '{school_b}' WHERE id = '{head_a}'"),
    );
    ensure!(
        r.is_err(),
        "school moves an account to another school: {r:?}"
    );
    let r = affected(
        &app,
        &a,
        &format!("UPDATE users SET school_id = NULL WHERE id = '{admin_a}'"),
    );
    ensure!(r.is_err(), "a user makes themself district-level: {r:?}");
    let r = affected(
        &app,
        &a,
        &format!("UPDATE users SET display_name = display_name WHERE id = '{admin_a}'"),
    );
    ensure!(r.as_deref() == Ok("1"), "own account update: {r:?}");

    // The audit log: one's own user and tenant only; never rewritten.
    let audit = |actor: &str, d: &str, school: &str| {
        format!(
            "INSERT INTO audit_log (id, district_id, school_id, actor_user_id, actor_role, action, subject_type, at) VALUES (gen_random_uuid(), {d}, {school}, {actor}, 'school_admin', 'rls.test', 'user', now())"
        )
    };
    let (me, d, sa) = (
        format!("'{admin_a}'"),
        format!("'{district}'"),
        format!("'{school_a}'"),
    );
    let r = try_as(&app, &a, &audit(&me, &d, &sa));
    ensure!(r.is_ok(), "own audit record refused: {r:?}");
    let other_district = psql(owner, "SELECT id FROM districts WHERE code = 'y'")?;
    for (actor, dd, ss) in [
        (format!("'{head_a}'"), d.clone(), sa.clone()),
        (me.clone(), d.clone(), format!("'{school_b}'")),
        (me.clone(), d.clone(), "NULL".to_string()),
        (me.clone(), format!("'{other_district}'"), sa.clone()),
        ("NULL".to_string(), d.clone(), sa.clone()),
    ] {
        let r = try_as(&app, &a, &audit(&actor, &dd, &ss));
        ensure!(refused_by_rls(&r), "audit as {actor} at {dd}/{ss}: {r:?}");
    }
    // Inside login no tenant is set yet: the record must match the account.
    let login = format!("SELECT set_config('app.user_id', '{admin_a}', true);");
    let r = try_as(&app, &login, &audit(&me, &d, &sa));
    ensure!(r.is_ok(), "login audit record refused: {r:?}");
    let r = try_as(&app, &login, &audit(&me, &d, &format!("'{school_b}'")));
    ensure!(refused_by_rls(&r), "login audit for another school: {r:?}");
    for stmt in ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"] {
        let r = try_as(&app, &a, stmt);
        ensure!(
            r.as_ref().is_err_and(|e| e.contains("permission denied")),
            "{stmt}: {r:?}"
        );
    }
    Ok(())
}

/// Runs `daoshi serve` with an app connection RLS would not bind; it must exit
/// with a clear message instead of listening.
async fn refuses_to_serve(s: &TestServer, app_url: &str, expected: &str) -> Result<()> {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::process::Command::new(tests::daoshi_bin()?)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(s.env().iter().cloned())
            .env("DATABASE_APP_URL", app_url)
            .kill_on_drop(true)
            .output(),
    )
    .await??;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(!out.status.success(), "serve exited successfully: {stdout}");
    ensure!(
        !stdout.contains("listening"),
        "serve listened with {app_url}: {stdout}"
    );
    ensure!(
        stderr.contains("refusing to start") && stderr.contains(expected),
        "unclear refusal: {stderr}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_an_app_role_rls_would_not_bind() -> Result<()> {
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    // The owner URL here is a superuser.
    refuses_to_serve(&s, &s.db.url, "superuser").await?;
    // A role owning a table (in this test's database only).
    psql(&s.db.url, "ALTER TABLE terms OWNER TO daoshi_app")?;
    refuses_to_serve(
        &s,
        &s.db.app_url()?,
        "owns (or can act as the owner of) tables: terms",
    )
    .await?;
    psql(&s.db.url, "ALTER TABLE terms OWNER TO CURRENT_USER")?;
    // The proper role still starts.
    let replica = s.start_replica().await?;
    let body = replica.gql(None, "{ __typename }", json!({})).await?;
    ensure!(body["data"]["__typename"] == "Query", "{body}");
    Ok(())
}
