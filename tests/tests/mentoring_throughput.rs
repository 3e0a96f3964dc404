//! An ignored throughput measurement of activity logging on PostgreSQL.

use std::time::Instant;

use anyhow::{Result, bail};
use tests::mentoring::*;
use tests::{Backend, Options, TestServer};

/// Logging throughput on PostgreSQL: activities/s through GraphQL with
/// concurrent clients against raw SQL inserts of the same rows (one
/// transaction per activity and its student link, as many concurrent `psql`
/// sessions as clients), the baseline measured before and after the GraphQL
/// run to expose noise from other load on the machine.
/// `cargo test -p tests --test mentoring -- --ignored --nocapture`
/// (`DAOSHI_BENCH_CLIENTS`, `DAOSHI_BENCH_PER_CLIENT` override 8 × 50).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "measurement: run explicitly"]
async fn logging_throughput_postgres() -> Result<()> {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let clients = env("DAOSHI_BENCH_CLIENTS", 8);
    let per_client = env("DAOSHI_BENCH_PER_CLIENT", 50);
    let n = clients * per_client;
    let s = TestServer::start(Options::new(Backend::Postgres)).await?;
    let student = student_of(&s, "s2.student1").await?;
    let token = s.login("s2.mentor1").await?;
    // Warm up.
    s.gql(Some(&token), LOG, talk("warm", &student, "预热"))
        .await?;
    let ids = s.sql(
        "SELECT district_id, school_id, staff_id, recorded_by FROM activities WHERE client_key = 'warm'",
    )?;
    let f: Vec<String> = ids.split('|').map(String::from).collect();
    let raw = |tag: &str| -> Result<f64> {
        let mut files = vec![];
        for c in 0..clients {
            let mut script = String::new();
            for i in 0..per_client {
                script.push_str(&format!(
                    "BEGIN; WITH a AS (INSERT INTO activities (id, district_id, school_id, client_key, kind, occurred_on, occurred_at, channel, trigger, guidance_areas, summary, staff_id, with_head_teacher, co_staff_ids, recorded_by, created_at) VALUES (gen_random_uuid(), '{d}', '{sc}', 'raw-{tag}-{c}-{i}', 'TALK', CURRENT_DATE, now(), 'FACE_TO_FACE', 'BEFORE_EXAM', '[\"PSYCHOLOGICAL\"]', '性能测试', '{st}', false, '[]', '{u}', now()) RETURNING id, district_id, school_id) INSERT INTO activity_students (id, district_id, school_id, activity_id, student_id) SELECT gen_random_uuid(), district_id, school_id, id, '{student}' FROM a; COMMIT;\n",
                    d = f[0], sc = f[1], st = f[2], u = f[3]
                ));
            }
            let file =
                std::env::temp_dir().join(format!("daoshi-bench-{}.sql", uuid::Uuid::new_v4()));
            std::fs::write(&file, script)?;
            files.push(file);
        }
        let started = Instant::now();
        let mut children = vec![];
        for file in &files {
            children.push(
                std::process::Command::new("psql")
                    .args([s.db.url.as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-f"])
                    .arg(file)
                    .stdout(std::process::Stdio::null())
                    .spawn()?,
            );
        }
        for mut c in children {
            if !c.wait()?.success() {
                bail!("psql failed");
            }
        }
        let secs = started.elapsed().as_secs_f64();
        for file in files {
            let _ = std::fs::remove_file(file);
        }
        Ok(n as f64 / secs)
    };

    let raw_before = raw("a")?;
    let started = Instant::now();
    let mut tasks = vec![];
    for c in 0..clients {
        let token = token.clone();
        let student = student.clone();
        let s = &s;
        tasks.push(async move {
            for i in 0..per_client {
                let r = s
                    .gql(
                        Some(&token),
                        LOG,
                        talk(&format!("bench-{c}-{i}"), &student, "性能测试"),
                    )
                    .await?;
                if !r["errors"].is_null() {
                    bail!("{r}");
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    for r in futures::future::join_all(tasks).await {
        r?;
    }
    let gql_secs = started.elapsed().as_secs_f64();
    let gql_rate = n as f64 / gql_secs;
    let raw_after = raw("b")?;

    let rows: i64 = s
        .sql("SELECT count(*) FROM activities WHERE client_key LIKE 'bench-%' OR client_key LIKE 'raw-%'")?
        .parse()?;
    assert_eq!(rows, 3 * n as i64);
    let raw_mean = (raw_before + raw_after) / 2.0;
    println!(
        "logging throughput (PostgreSQL, {n} activities, {clients} concurrent clients): GraphQL {gql_rate:.0}/s ({gql_secs:.2} s); raw SQL {raw_before:.0}/s before, {raw_after:.0}/s after; ratio GraphQL/raw {:.2}",
        gql_rate / raw_mean
    );
    Ok(())
}
