//! WeCom/DingTalk group robots and the dead-job page (issue 14), against
//! local receivers that check each platform's message format and
//! DingTalk's signature (`tests::receivers`): the school admin adds robots
//! (bad ones refused, others' roles refused), a test post arrives, a
//! published matching round is announced to the grade's and the school's
//! groups as counts and a link (no names); a failing robot's posts retry,
//! show on the integration page, end dead, and are retried from the
//! dead-job page by the admin of that school only.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::matching::{OPEN, PREVIEW, drop_demo_round, first_term, s as text};
use tests::notify::{drain, server_with};
use tests::receivers::{Received, Receivers};
use tests::{Backend, TestServer, both, error_code};

const ADD: &str = "mutation($n: String!, $p: RobotPlatform!, $g: Int, $u: String!, $s: String) { addRobotWebhook(name: $n, platform: $p, grade: $g, url: $u, secret: $s) { id urlHint signed } }";
const LIST: &str = "{ robotWebhooks { id name lastOkAt lastError failures } deadJobs { id kind attempts lastError } }";
const SECRET: &str = "SEC0123456789abcdef";

/// The posts received, but the daily task digest (its job runs at the
/// server's start, before or after the robots are added).
fn robots(r: &[Received]) -> Vec<(&'static str, Value)> {
    r.iter()
        .filter_map(|x| match x {
            Received::Robot(p, v) if !v.to_string().contains("今日导师任务提醒") => {
                Some((*p, v.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The state of the survey announcement's robot job.
fn survey_job_state(s: &TestServer) -> Result<String> {
    s.sql("SELECT state FROM jobs WHERE kind = 'notify.robot' AND payload LIKE '%问卷%'")
}

async fn setup(backend: Backend) -> Result<(TestServer, Receivers, String, String)> {
    let r = Receivers::start().await?;
    r.expect_dingtalk_secret(SECRET);
    let s = server_with(backend, &[("DAOSHI_OUTBOUND_ALLOW_LOCAL", "1")]).await?;
    let wecom = format!("{}/cgi-bin/webhook/send?key=k-123", r.origin);
    let ding = format!("{}/robot/send?access_token=t-456", r.origin);
    Ok((s, r, wecom, ding))
}

async fn robots_post_counts_and_links_in_each_format(backend: Backend) -> Result<()> {
    let (s, r, wecom, ding) = setup(backend).await?;
    let admin = s.login("s2.admin").await?;
    // Refused: another host, a URL without its key, a WeCom secret, a mentor.
    for (p, u, sec) in [
        (
            "WECOM",
            "https://evil.example/cgi-bin/webhook/send?key=x".to_string(),
            None,
        ),
        ("WECOM", format!("{}/cgi-bin/webhook/send", r.origin), None),
        ("WECOM", wecom.clone(), Some(SECRET)),
        ("DINGTALK", ding.clone(), Some("not-a-secret")),
    ] {
        let b = s
            .gql(
                Some(&admin),
                ADD,
                json!({ "n": "全校教师群", "p": p, "u": u, "s": sec }),
            )
            .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{u}: {b}");
    }
    let mentor = s.login("s2.mentor1").await?;
    let b = s
        .gql(
            Some(&mentor),
            ADD,
            json!({ "n": "x", "p": "WECOM", "u": wecom }),
        )
        .await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    ensure!(s.sql("SELECT count(*) FROM robot_webhooks")? == "0");

    let w = s
        .data_as(
            "s2.admin",
            ADD,
            json!({ "n": "全校教师群", "p": "WECOM", "u": wecom }),
        )
        .await?;
    ensure!(
        !w.to_string().contains("k-123"),
        "the key is shown back: {w}"
    );
    let d = s
        .data_as(
            "s2.admin",
            ADD,
            json!({ "n": "七年级家长群", "p": "DINGTALK", "g": 7, "u": ding, "s": SECRET }),
        )
        .await?;
    ensure!(d["addRobotWebhook"]["signed"] == true, "{d}");
    // Another grade's group hears nothing of grade 7.
    s.data_as(
        "s2.admin",
        ADD,
        json!({ "n": "八年级群", "p": "WECOM", "g": 8, "u": format!("{}/cgi-bin/webhook/send?key=g8", r.origin) }),
    )
    .await?;
    // Another school's admin sees none of them.
    let other = s.data_as("s1.admin", LIST, json!({})).await?;
    ensure!(other["robotWebhooks"] == json!([]), "{other}");

    // A test post.
    let id = d["addRobotWebhook"]["id"].clone();
    let t = s
        .data_as(
            "s2.admin",
            "mutation($id: ID!) { testRobotWebhook(id: $id) { lastOkAt lastError } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(!t["testRobotWebhook"]["lastOkAt"].is_null(), "{t}");
    ensure!(robots(&r.received()).len() == 1, "{:?}", r.received());

    // A published grade-7 round, announced to the grade's and the school's groups.
    drop_demo_round(&s)?;
    let term = first_term(&s, "s2.admin").await?;
    let o = s
        .data_as(
            "s2.admin",
            OPEN,
            json!({ "t": term, "g": 7, "m": "BLIND_BOX", "c": 15 }),
        )
        .await?;
    let round = text(&o["openMatchingRound"]["id"]);
    let p = s
        .data_as("s2.admin", PREVIEW, json!({ "r": round, "seed": 5 }))
        .await?;
    let names: Vec<String> = p["runMatchingPreview"]["assignments"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| [text(&a["studentName"]), text(&a["mentorName"])])
        .filter(|n| !n.is_empty())
        .collect();
    let placed = p["runMatchingPreview"]["stats"]["placed"]
        .as_i64()
        .context("placed")?;
    s.data_as(
        "s2.admin",
        "mutation($r: ID!) { publishMatchingRound(roundId: $r) { status } }",
        json!({ "r": round }),
    )
    .await?;
    let got = r
        .wait_for(Duration::from_secs(30), "the announcements", |x| {
            robots(x).len() >= 3
        })
        .await?;
    drain(&s, "notify.event").await?;
    drain(&s, "notify.robot").await?;
    let posts = robots(&r.received());
    ensure!(posts.len() == 3, "posts: {posts:?}");
    ensure!(
        got.iter().all(|x| !matches!(x, Received::Refused(_))),
        "refused: {got:?}"
    );
    let ding_text = posts
        .iter()
        .find(|(p, v)| *p == "dingtalk" && v["markdown"]["title"] == "导师匹配结果已公布")
        .map(|(_, v)| {
            v["markdown"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .context("the grade group's post")?;
    ensure!(
        ding_text.contains(&format!("{placed} 名学生")),
        "{ding_text}"
    );
    let all = posts.iter().map(|(_, v)| v.to_string()).collect::<String>();
    for n in &names {
        ensure!(!all.contains(n.as_str()), "a post names {n}");
    }
    // The grade-8 group (WeCom too) got nothing: one WeCom post, the school's.
    ensure!(
        posts.iter().filter(|(p, _)| *p == "wecom").count() == 1,
        "{posts:?}"
    );
    Ok(())
}
both!(robots_post_counts_and_links_in_each_format);

async fn failures_retry_show_and_die_then_the_admin_retries(backend: Backend) -> Result<()> {
    let (s, r, wecom, _) = setup(backend).await?;
    let w = s
        .data_as(
            "s2.admin",
            ADD,
            json!({ "n": "全校教师群", "p": "WECOM", "u": wecom }),
        )
        .await?;
    let id = w["addRobotWebhook"]["id"].clone();
    r.fail_robots(true);
    let t = s
        .data_as(
            "s2.admin",
            "mutation($id: ID!) { testRobotWebhook(id: $id) { lastError } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(
        t["testRobotWebhook"]["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("500")),
        "{t}"
    );
    // A survey's announcement fails on every attempt (back-off skipped).
    let d = s.data_as("s2.admin", "{ terms { id } }", json!({})).await?;
    s.data_as(
        "s2.admin",
        "mutation($t: ID!) { createSurvey(termId: $t, title: \"问卷\", audience: STUDENTS, anonymous: true, questions: [{ kind: SCALE, prompt: \"满意度\" }]) { id } }",
        json!({ "t": d["terms"][0]["id"] }),
    )
    .await?;
    let start = std::time::Instant::now();
    loop {
        let state = survey_job_state(&s)?;
        if state == "dead" {
            break;
        }
        ensure!(
            start.elapsed() < Duration::from_secs(60),
            "never dead: {state}"
        );
        s.sql("UPDATE jobs SET run_at = 0 WHERE kind = 'notify.robot' AND state = 'queued'")?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let page = s.data_as("s2.admin", LIST, json!({})).await?;
    let robot = &page["robotWebhooks"][0];
    ensure!(robot["failures"].as_i64() >= Some(5), "{robot}");
    let survey_job = s.sql(&format!(
        "SELECT {} FROM jobs WHERE kind = 'notify.robot' AND payload LIKE '%问卷%'",
        s.uuid_col("id")
    ))?;
    let dead: Vec<Value> = page["deadJobs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|j| j["id"] == survey_job.as_str())
        .cloned()
        .collect();
    ensure!(
        dead.len() == 1 && dead[0]["kind"] == "notify.robot",
        "{survey_job}: {page}"
    );
    ensure!(dead[0]["attempts"] == 5, "{page}");
    // Nobody else sees or retries it.
    let other = s.data_as("s1.admin", LIST, json!({})).await?;
    ensure!(other["deadJobs"] == json!([]), "{other}");
    let retry = "mutation($id: ID!) { retryDeadJob(id: $id) }";
    let t = s.login("s1.admin").await?;
    let b = s
        .gql(Some(&t), retry, json!({ "id": dead[0]["id"] }))
        .await?;
    ensure!(error_code(&b).as_deref() == Some("NOT_FOUND"), "{b}");
    let t = s.login("s2.mentor1").await?;
    let b = s.gql(Some(&t), "{ deadJobs { id } }", json!({})).await?;
    ensure!(error_code(&b).as_deref() == Some("FORBIDDEN"), "{b}");
    // Fixed: the retry delivers, the robot is healthy again.
    r.fail_robots(false);
    s.data_as("s2.admin", retry, json!({ "id": dead[0]["id"] }))
        .await?;
    r.wait_for(Duration::from_secs(30), "the retried post", |x| {
        robots(x).len() == 1
    })
    .await?;
    let start = std::time::Instant::now();
    while survey_job_state(&s)? != "done" {
        ensure!(
            start.elapsed() < Duration::from_secs(10),
            "the retried job is not done"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = s.data_as("s2.admin", LIST, json!({})).await?;
    ensure!(
        page["robotWebhooks"][0]["failures"] == 0
            && page["deadJobs"]
                .as_array()
                .is_some_and(|a| a.iter().all(|j| j["id"] != survey_job.as_str())),
        "{page}"
    );
    Ok(())
}
both!(failures_retry_show_and_die_then_the_admin_retries);
