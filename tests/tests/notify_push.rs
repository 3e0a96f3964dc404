//! Web Push and preferences (issue 14), against a local push service that
//! checks the VAPID signature and decrypts each message with the
//! subscriber's key (`tests::receivers`): a subscribed parent's phone gets
//! the notice encrypted and signed; a subscription the service declares
//! gone (410) is removed; a kind turned off stays off (per channel);
//! parents' pushes wait out the school's quiet hours while the inbox gets
//! the notice at once.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use tests::notify::{drain, inbox, kinds, server_with, wait_for};
use tests::receivers::{Received, Receivers, Subscription};
use tests::{Backend, TestServer, both, error_code};

const SUBSCRIBE: &str = "mutation($e: String!, $p: String!, $a: String!) { subscribePush(endpoint: $e, p256dh: $p, auth: $a) }";
const SURVEY: &str = "mutation($t: ID!) { createSurvey(termId: $t, title: \"家长问卷\", audience: PARENTS, anonymous: true, questions: [{ kind: SCALE, prompt: \"满意度\" }]) { id } }";
const SET: &str = "mutation($k: String!, $i: Boolean!, $p: Boolean!) { setNotifyPreference(kind: $k, inbox: $i, push: $p) { kind inbox push } }";

/// Sets the server's clock so that it is `hour`:30 in China now.
fn china_hour(clock: &Path, hour: i64) -> Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let china = (now + 8 * 3600).rem_euclid(86_400);
    let skew = hour * 3600 + 1800 - china;
    std::fs::write(clock, skew.to_string())?;
    Ok(())
}

async fn start(backend: Backend, clock: &Path) -> Result<(TestServer, Receivers)> {
    let r = Receivers::start().await?;
    let s = server_with(
        backend,
        &[
            ("DAOSHI_OUTBOUND_ALLOW_LOCAL", "1"),
            ("DAOSHI_CLOCK_FILE", &clock.display().to_string()),
        ],
    )
    .await?;
    let k = s
        .data_as(
            "s2.parent1",
            "{ pushSettings { vapidPublicKey devices } }",
            json!({}),
        )
        .await?;
    r.expect_vapid_key(
        k["pushSettings"]["vapidPublicKey"]
            .as_str()
            .context("key")?,
    );
    Ok((s, r))
}

async fn subscribe(s: &TestServer, user: &str, sub: &Subscription) -> Result<Value> {
    let t = s.login(user).await?;
    s.gql(
        Some(&t),
        SUBSCRIBE,
        json!({ "e": sub.endpoint, "p": sub.p256dh, "a": sub.auth }),
    )
    .await
}

async fn open_survey(s: &TestServer) -> Result<()> {
    let d = s.data_as("s2.admin", "{ terms { id } }", json!({})).await?;
    s.data_as("s2.admin", SURVEY, json!({ "t": d["terms"][0]["id"] }))
        .await?;
    Ok(())
}

fn pushes(r: &[Received]) -> Vec<(String, Value)> {
    r.iter()
        .filter_map(|x| match x {
            Received::Push(id, v) => Some((id.clone(), v.clone())),
            _ => None,
        })
        .collect()
}

fn refused(r: &[Received]) -> Vec<String> {
    r.iter()
        .filter_map(|x| match x {
            Received::Refused(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

async fn a_push_arrives_encrypted_and_signed_and_gone_devices_go(backend: Backend) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    china_hour(&clock, 12)?;
    let (s, r) = start(backend, &clock).await?;
    // Bad subscriptions are refused, changing nothing.
    let good = r.subscriber("p1", false)?;
    for (e, p, a) in [
        (
            "https://push.evil.example/x",
            good.p256dh.as_str(),
            good.auth.as_str(),
        ),
        (good.endpoint.as_str(), "AAAA", good.auth.as_str()),
        (good.endpoint.as_str(), good.p256dh.as_str(), "not-16-bytes"),
    ] {
        let t = s.login("s2.parent1").await?;
        let b = s
            .gql(Some(&t), SUBSCRIBE, json!({ "e": e, "p": p, "a": a }))
            .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{b}");
    }
    ensure!(s.sql("SELECT count(*) FROM push_subscriptions")? == "0");
    let b = subscribe(&s, "s2.parent1", &good).await?;
    ensure!(b["data"]["subscribePush"] == true, "{b}");
    let gone = r.subscriber("g1", true)?;
    ensure!(subscribe(&s, "s2.parent1", &gone).await?["data"]["subscribePush"] == true);
    // Another parent's device on another school: nothing for them.
    let other = r.subscriber("o1", false)?;
    ensure!(subscribe(&s, "s1.parent1", &other).await?["data"]["subscribePush"] == true);
    open_survey(&s).await?;
    let got = r
        .wait_for(Duration::from_secs(30), "the push", |x| {
            !pushes(x).is_empty()
        })
        .await?;
    drain(&s, "notify.event").await?;
    drain(&s, "notify.push").await?;
    let p = pushes(&r.received());
    ensure!(p.len() == 1 && p[0].0 == "p1", "pushes: {p:?}");
    ensure!(refused(&got).is_empty(), "refused: {:?}", refused(&got));
    let msg = &p[0].1;
    ensure!(
        msg["title"] == "新的问卷" && msg["link"] == "/surveys",
        "{msg}"
    );
    // The gone device is removed; the others stay.
    let left = s.sql(
        "SELECT count(*) FROM push_subscriptions s JOIN users u ON u.id = s.user_id WHERE u.username = 's2.parent1'",
    )?;
    ensure!(left == "1", "{left} subscriptions left");
    ensure!(s.sql("SELECT count(*) FROM push_subscriptions WHERE last_ok_at IS NOT NULL")? == "1");
    Ok(())
}
both!(a_push_arrives_encrypted_and_signed_and_gone_devices_go);

async fn preferences_hold_per_kind_and_channel(backend: Backend) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    china_hour(&clock, 12)?;
    let (s, r) = start(backend, &clock).await?;
    let sub = r.subscriber("p1", false)?;
    subscribe(&s, "s2.parent1", &sub).await?;
    // Pushes of surveys off; the inbox stays.
    let d = s
        .data_as(
            "s2.parent1",
            SET,
            json!({ "k": "survey_opened", "i": true, "p": false }),
        )
        .await?;
    ensure!(d["setNotifyPreference"]["push"] == false, "{d}");
    // Care alerts always reach the inbox; an unknown kind is refused.
    let t = s.login("s2.counsellor").await?;
    for (k, i) in [("care_alert", false), ("no_such_kind", true)] {
        let b = s
            .gql(Some(&t), SET, json!({ "k": k, "i": i, "p": true }))
            .await?;
        ensure!(error_code(&b).as_deref() == Some("VALIDATION"), "{k}: {b}");
    }
    let prefs = s
        .data_as(
            "s2.parent1",
            "{ notifyPreferences { kind inbox push inboxLocked } }",
            json!({}),
        )
        .await?;
    let survey = prefs["notifyPreferences"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["kind"] == "survey_opened").cloned())
        .context("survey kind")?;
    ensure!(
        survey["inbox"] == true && survey["push"] == false,
        "{survey}"
    );
    open_survey(&s).await?;
    wait_for(&s, "s2.parent1", "survey_opened").await?;
    drain(&s, "notify.event").await?;
    ensure!(s.sql("SELECT count(*) FROM jobs WHERE kind = 'notify.push'")? == "0");
    ensure!(pushes(&r.received()).is_empty());
    // Inbox off too: the next survey leaves nothing.
    s.data_as(
        "s2.parent1",
        SET,
        json!({ "k": "survey_opened", "i": false, "p": false }),
    )
    .await?;
    open_survey(&s).await?;
    drain(&s, "notify.event").await?;
    ensure!(kinds(&inbox(&s, "s2.parent1").await?, "survey_opened").len() == 1);
    Ok(())
}
both!(preferences_hold_per_kind_and_channel);

async fn quiet_hours_defer_a_parents_push_to_the_morning(backend: Backend) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = dir.path().join("clock");
    china_hour(&clock, 23)?;
    let (s, r) = start(backend, &clock).await?;
    let q = s
        .data_as(
            "s2.parent1",
            "{ pushSettings { quietFromHour quietToHour } }",
            json!({}),
        )
        .await?;
    ensure!(
        q["pushSettings"]["quietFromHour"] == 21 && q["pushSettings"]["quietToHour"] == 7,
        "{q}"
    );
    let staff = s
        .data_as(
            "s2.mentor1",
            "{ pushSettings { quietFromHour } }",
            json!({}),
        )
        .await?;
    ensure!(staff["pushSettings"]["quietFromHour"].is_null(), "{staff}");
    let sub = r.subscriber("p1", false)?;
    subscribe(&s, "s2.parent1", &sub).await?;
    open_survey(&s).await?;
    // The inbox gets it at once; the push waits.
    wait_for(&s, "s2.parent1", "survey_opened").await?;
    drain(&s, "notify.event").await?;
    let start = std::time::Instant::now();
    while s.sql("SELECT count(*) FROM jobs WHERE kind = 'notify.push' AND state = 'done'")? != "1" {
        ensure!(
            start.elapsed() < Duration::from_secs(30),
            "the push job never ran"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    ensure!(pushes(&r.received()).is_empty(), "pushed at night");
    // Deferred to 07:00 China time: 7.5 h after 23:30.
    let wait = s.sql(
        "SELECT max(run_at - created_at) FROM jobs WHERE kind = 'notify.push' AND state = 'queued'",
    )?;
    let ms: i64 = wait.trim().parse().context("a deferred push")?;
    ensure!(
        (7 * 3_600_000 + 25 * 60_000..=7 * 3_600_000 + 35 * 60_000).contains(&ms),
        "deferred by {ms} ms"
    );
    // Morning: the deferred job is due and delivers once.
    s.sql("UPDATE jobs SET run_at = 0 WHERE kind = 'notify.push' AND state = 'queued'")?;
    r.wait_for(Duration::from_secs(30), "the morning push", |x| {
        pushes(x).len() == 1
    })
    .await?;
    drain(&s, "notify.push").await?;
    ensure!(pushes(&r.received()).len() == 1);
    Ok(())
}
both!(quiet_hours_defer_a_parents_push_to_the_morning);
