//! `bench-dashboard`: generates a district in PostgreSQL with
//! `generate_series` (schools, classes, students, mentors, pairs,
//! activities, growth messages; the demo's policies), recomputes every
//! school's insight rows (timed: the full recompute), copies them over the
//! previous days (the term's trend history), then times the district and
//! school dashboards (p50/p95, the server's own service functions under the
//! application role when it can connect as it) beside a raw-aggregate SQL
//! query over the raw rows, in the same run. Not a test: see
//! `docs/BENCHMARKS.md` for the command and the last figures.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use backend::config::Config;
use backend::insights::{aggregate, service};
use backend::org::entities::school;
use backend::tenancy::{Caller, Ctx};
use chrono::NaiveDate;
use clap::Parser;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use secrecy::ExposeSecret;
use shared::org::{Role, SchoolStage};
use uuid::Uuid;

/// The district to generate and how often to ask.
#[derive(Parser, Debug)]
#[command(about = "Dashboard benchmark on a generated district (PostgreSQL only)")]
struct Args {
    /// Schools.
    #[arg(long, default_value_t = 300)]
    schools: i64,
    /// Students (spread evenly over the schools).
    #[arg(long, default_value_t = 300_000)]
    students: i64,
    /// Mentors (staff), spread evenly.
    #[arg(long, default_value_t = 25_000)]
    mentors: i64,
    /// Activities (one student each), over the term so far.
    #[arg(long, default_value_t = 3_000_000)]
    activities: i64,
    /// Days of trend history (copies of today's rows).
    #[arg(long, default_value_t = 60)]
    history_days: i64,
    /// Timed runs per dashboard.
    #[arg(long, default_value_t = 40)]
    runs: usize,
    /// Timed runs of the raw-aggregate baseline.
    #[arg(long, default_value_t = 5)]
    raw_runs: usize,
}

fn pct(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn line(what: &str, v: &[Duration]) {
    println!(
        "{what:<44} p50 {:>9.1} ms   p95 {:>9.1} ms   (n={})",
        pct(v.to_vec(), 0.5),
        pct(v.to_vec(), 0.95),
        v.len()
    );
}

async fn exec(db: &DatabaseConnection, what: &str, sql: &str) -> Result<()> {
    let t = Instant::now();
    db.execute_unprepared(sql)
        .await
        .with_context(|| format!("generating {what}"))?;
    println!(
        "  generated {what:<24} {:>8.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn generate(db: &DatabaseConnection, a: &Args, d: Uuid, today: NaiveDate) -> Result<()> {
    let (s, n, m, acts) = (a.schools, a.students, a.mentors, a.activities);
    let classes = (n / s / 3 / 45).max(1);
    let mentors_per_school = (m / s).max(1);
    let ts = today - chrono::Duration::days(90);
    let te = today + chrono::Duration::days(50);
    let days = (today - ts).num_days() + 1;
    let base = "(CASE s % 3 WHEN 0 THEN 4 WHEN 1 THEN 7 ELSE 10 END)";
    let stage = "(CASE s % 3 WHEN 0 THEN 'primary' WHEN 1 THEN 'middle' ELSE 'high' END)";
    exec(db, "district", &format!(
        "INSERT INTO districts (id, code, name, created_at) VALUES ('{d}', 'bench', '基准测试区', now())"
    )).await?;
    exec(db, "schools", &format!(
        "INSERT INTO schools (id, district_id, code, name, stage, created_at) SELECT md5('s'||s)::uuid, '{d}', 'b-'||s, '基准学校'||s, {stage}, now() FROM generate_series(1,{s}) s"
    )).await?;
    exec(db, "terms", &format!(
        "INSERT INTO terms (id, district_id, school_id, name, academic_year, starts_on, ends_on) SELECT md5('tm'||s)::uuid, '{d}', md5('s'||s)::uuid, '本学期', '2026-2027', '{ts}', '{te}' FROM generate_series(1,{s}) s"
    )).await?;
    exec(db, "classes", &format!(
        "INSERT INTO classes (id, district_id, school_id, grade, name, head_teacher_id, created_at) SELECT md5('c'||s||'-'||g||'-'||c)::uuid, '{d}', md5('s'||s)::uuid, {base} + g, ({base} + g)||'年级'||c||'班', NULL, now() FROM generate_series(1,{s}) s, generate_series(0,2) g, generate_series(1,{classes}) c"
    )).await?;
    let who = format!(
        "(SELECT i, 1 + (i - 1) % {s} AS s, ((i - 1) / {s}) % 3 AS g, 1 + ((i - 1) / {s} / 3) % {classes} AS c, ((i - 1) / {s}) % {mentors_per_school} AS m FROM generate_series(1,{n}) i)"
    );
    exec(db, "students", &format!(
        "INSERT INTO students (id, district_id, school_id, student_no, name, gender, class_id, special_needs, family_flags, lives_in_town, user_id, created_at, joined_on) SELECT md5('st'||i)::uuid, '{d}', md5('s'||s)::uuid, 'B'||i, '学生'||i, '男', md5('c'||s||'-'||g||'-'||c)::uuid, '[]', '[]', false, NULL, now(), NULL FROM {who} x"
    )).await?;
    exec(db, "staff", &format!(
        "INSERT INTO staff (id, district_id, school_id, staff_no, name, gender, phone, party_member, specialties, qualification, user_id, created_at) SELECT md5('t'||j)::uuid, '{d}', md5('s'||(1 + (j - 1) % {s}))::uuid, 'T'||j, '教师'||j, NULL, NULL, false, '[]', CASE WHEN j % 10 = 0 THEN 'probation' ELSE 'appointed' END, NULL, now() FROM generate_series(1,{m}) j"
    )).await?;
    // Every 50th student is left unmatched.
    exec(db, "mentor_assignments", &format!(
        "INSERT INTO mentor_assignments (id, district_id, school_id, student_id, staff_id, starts_on, ends_on, stage, created_at) SELECT md5('ma'||i)::uuid, '{d}', md5('s'||s)::uuid, md5('st'||i)::uuid, md5('t'||(m * {s} + s))::uuid, '{ts}', NULL, 'preference', now() FROM {who} x WHERE i % 50 <> 0"
    )).await?;
    let act = format!(
        "(SELECT a, i, s, m FROM (SELECT a, 1 + (a - 1) % {n} AS i FROM generate_series(1,{acts}) a) y, LATERAL (SELECT 1 + (i - 1) % {s} AS s, ((i - 1) / {s}) % {mentors_per_school} AS m) z)"
    );
    exec(db, "activities", &format!(
        "INSERT INTO activities (id, district_id, school_id, client_key, kind, occurred_on, occurred_at, place, channel, trigger, guidance_areas, optional_action, summary, follow_up, follow_up_due, staff_id, with_head_teacher, co_staff_ids, recorded_by, created_at) SELECT md5('a'||a)::uuid, '{d}', md5('s'||s)::uuid, 'b'||a, (ARRAY['TALK','HOME_VISIT','PARENT_CONTACT','TALK','PARENT_CONTACT'])[1 + a % 5], '{ts}'::date + ((a::bigint * 7919) % {days})::int, now(), NULL, (ARRAY['FACE_TO_FACE','HOME','PHONE','ONLINE'])[1 + a % 4], NULL, '[]', NULL, '基准记录', NULL, NULL, md5('t'||(m * {s} + s))::uuid, false, '[]', md5('t'||(m * {s} + s))::uuid, now() FROM {act} x"
    )).await?;
    exec(db, "activity_students", &format!(
        "INSERT INTO activity_students (id, district_id, school_id, activity_id, student_id) SELECT md5('as'||a)::uuid, '{d}', md5('s'||s)::uuid, md5('a'||a)::uuid, md5('st'||i)::uuid FROM {act} x"
    )).await?;
    exec(db, "growth_messages", &format!(
        "INSERT INTO growth_messages (id, district_id, school_id, student_id, staff_id, term_id, body, bright_spots, status, reviewed_by, review_comment, published_on, created_at, updated_at) SELECT md5('gm'||i)::uuid, '{d}', md5('s'||s)::uuid, md5('st'||i)::uuid, md5('t'||(m * {s} + s))::uuid, md5('tm'||s)::uuid, '寄语', '[]', (ARRAY['draft','submitted','reviewed','published'])[1 + i % 4], NULL, NULL, CASE WHEN i % 4 = 3 THEN '{today}'::date - 1 END, now(), now() FROM {who} x WHERE i % 50 <> 0"
    )).await?;
    exec(db, "analyze", "ANALYZE").await?;
    Ok(())
}

fn caller(d: Uuid, school: Option<Uuid>) -> Caller {
    Caller {
        user_id: Uuid::new_v4(),
        roles: vec![if school.is_some() {
            Role::SchoolAdmin
        } else {
            Role::DistrictAdmin
        }],
        district_id: d,
        school_id: school,
        grades: vec![],
    }
}

/// The raw-aggregate baseline: the dashboard's indicators straight from the
/// raw rows (coverage, contacts and face-to-face share, students with each
/// kind of activity, growth messages), optionally for one school.
fn raw_sql(ts: NaiveDate, today: NaiveDate, school: Option<Uuid>) -> String {
    let f = school.map_or(String::new(), |s| format!(" AND school_id = '{s}'"));
    let fa = school.map_or(String::new(), |s| format!(" AND a.school_id = '{s}'"));
    format!(
        "WITH st AS (SELECT school_id, count(*) n FROM students WHERE true{f} GROUP BY 1),
         ma AS (SELECT school_id, count(DISTINCT student_id) n FROM mentor_assignments WHERE starts_on <= '{today}' AND (ends_on IS NULL OR ends_on >= '{today}'){f} GROUP BY 1),
         ac AS (SELECT school_id, count(*) FILTER (WHERE kind IN ('HOME_VISIT','PARENT_CONTACT')) contacts, count(*) FILTER (WHERE kind IN ('HOME_VISIT','PARENT_CONTACT') AND channel IN ('FACE_TO_FACE','HOME')) face FROM activities WHERE occurred_on BETWEEN '{ts}' AND '{today}'{f} GROUP BY 1),
         dn AS (SELECT a.school_id, a.kind, count(DISTINCT x.student_id) n FROM activities a JOIN activity_students x ON x.activity_id = a.id WHERE a.occurred_on BETWEEN '{ts}' AND '{today}'{fa} GROUP BY 1, 2),
         gm AS (SELECT school_id, count(*) w, count(*) FILTER (WHERE status IN ('reviewed','published')) r, count(*) FILTER (WHERE status = 'published') p FROM growth_messages WHERE true{f} GROUP BY 1)
         SELECT s.id, st.n, ma.n, ac.contacts, ac.face, gm.w, gm.r, gm.p, (SELECT json_object_agg(kind, n) FROM dn WHERE dn.school_id = s.id)
         FROM schools s LEFT JOIN st ON st.school_id = s.id LEFT JOIN ma ON ma.school_id = s.id LEFT JOIN ac ON ac.school_id = s.id LEFT JOIN gm ON gm.school_id = s.id"
    )
}

async fn time_raw(db: &DatabaseConnection, sql: &str, runs: usize) -> Result<Vec<Duration>> {
    let mut v = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        db.query_all(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            sql.to_string(),
        ))
        .await?;
        v.push(t.elapsed());
    }
    Ok(v)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let config = Config::from_env()?;
    if !config.database_url.expose_secret().starts_with("postgres") {
        bail!("bench-dashboard needs DATABASE_URL of an empty PostgreSQL database");
    }
    let owner = backend::db::connect_owner(&config).await?;
    backend::db::migrate(&owner).await?;
    let today = backend::clock::today();
    let d = Uuid::new_v4();
    println!(
        "Generating {} schools, {} students, {} mentors, {} activities (today {today})",
        args.schools, args.students, args.mentors, args.activities
    );
    let t = Instant::now();
    generate(&owner, &args, d, today).await?;
    let schools = school::Entity::find()
        .order_by_asc(school::Column::Code)
        .all(&owner)
        .await?;
    {
        let ctx = Ctx::begin_for_write(&owner, None)
            .await
            .map_err(|e| e.into_anyhow())?;
        for s in &schools {
            let stage = SchoolStage::from_code(&s.stage).unwrap_or(SchoolStage::Middle);
            backend::policy::demo::seed_demo(&ctx, d, s.id, stage).await?;
        }
        ctx.finish(true).await.map_err(|e| e.into_anyhow())?;
    }
    println!("Generated in {:.1} s", t.elapsed().as_secs_f64());

    // The full recompute: every school's rows for today.
    let t = Instant::now();
    let mut rows = 0;
    for s in &schools {
        let ctx = Ctx::begin_for_write(&owner, None)
            .await
            .map_err(|e| e.into_anyhow())?;
        rows += aggregate::recompute_school(&ctx, s, today)
            .await
            .map_err(|e| e.into_anyhow())?;
        ctx.finish(true).await.map_err(|e| e.into_anyhow())?;
    }
    let recompute = t.elapsed();
    println!(
        "Full recompute: {} schools, {rows} rows in {:.2} s ({:.0} ms per school)",
        schools.len(),
        recompute.as_secs_f64(),
        recompute.as_secs_f64() * 1000.0 / schools.len().max(1) as f64
    );
    owner
        .execute_unprepared(&format!(
            "INSERT INTO insight_days SELECT md5(i.id::text || k)::uuid, district_id, school_id, term_id, day - k, scope, scope_key, stage, students, matched, mentors, mentors_over_cap, max_load, load_cap, tasks, on_track_percent, task_students, task_on_track, messages_written, messages_reviewed, messages_published, contacts, contacts_face, care_open, care_acknowledged, care_ack_minutes, mentors_appointed, mentors_training, computed_at FROM insight_days i, generate_series(1, {}) k WHERE day = '{today}' AND scope IN ('school', 'grade'); ANALYZE insight_days",
            args.history_days - 1
        ))
        .await?;

    // Dashboards as the server runs them: the application role when it can
    // connect as it (RLS on), else the owner.
    let (app, how) = match backend::db::connect_app(&config).await {
        Ok(db) => (db, "application role, RLS on"),
        Err(_) => (
            owner.clone(),
            "owner connection (set DATABASE_APP_PASSWORD for the app role)",
        ),
    };
    println!("Dashboards via the {how}:");
    let mut dist = vec![];
    for _ in 0..args.runs {
        let t = Instant::now();
        let ctx = Ctx::begin(&app, Some(caller(d, None)))
            .await
            .map_err(|e| e.into_anyhow())?;
        let out = service::district_dashboard(&ctx, today)
            .await
            .map_err(|e| e.into_anyhow())?;
        ctx.finish(true).await.map_err(|e| e.into_anyhow())?;
        dist.push(t.elapsed());
        if out.schools.len() != schools.len() {
            bail!("district dashboard shows {} schools", out.schools.len());
        }
    }
    let mut sch = vec![];
    for k in 0..args.runs {
        let s = &schools[k * 7919 % schools.len()];
        let t = Instant::now();
        let ctx = Ctx::begin(&app, Some(caller(d, Some(s.id))))
            .await
            .map_err(|e| e.into_anyhow())?;
        service::school_dashboard(&ctx, today)
            .await
            .map_err(|e| e.into_anyhow())?;
        ctx.finish(true).await.map_err(|e| e.into_anyhow())?;
        sch.push(t.elapsed());
    }
    let ts = today - chrono::Duration::days(90);
    let raw_d = time_raw(&owner, &raw_sql(ts, today, None), args.raw_runs).await?;
    let raw_s = time_raw(&owner, &raw_sql(ts, today, Some(schools[0].id)), args.runs).await?;
    println!();
    line("district dashboard (pre-aggregated)", &dist);
    line("district raw-aggregate SQL baseline", &raw_d);
    line("school dashboard (pre-aggregated)", &sch);
    line("school raw-aggregate SQL baseline", &raw_s);
    println!(
        "{:<44} {:>9.2} s",
        "full recompute (every school, today)",
        recompute.as_secs_f64()
    );
    Ok(())
}
