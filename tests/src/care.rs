//! Fixtures of the care tests (`tests/tests/care*.rs`): raising a concern,
//! reading a case, and a GraphQL subscription over WebSocket.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{Backend, TestServer, sign_token, token_claims};

/// Raises a concern (`$i: RaiseConcernInput`).
pub const RAISE: &str = "mutation($i: RaiseConcernInput!) { raiseConcern(input: $i) { id tier level stage seen timeline { id kind } } }";
/// One case with every field a tier may hide.
pub const CASE: &str = "query($id: ID!) { careCase(id: $id) { id tier studentName open level category stage seen othersAware raisedByName acknowledgedAt participants { id } timeline { id kind authorName note } } }";
/// The caller's alerts.
pub const ALERTS: &str = "{ careAlerts { id caseId level reason read acknowledged } }";

/// Variables of a two-tap crisis about a student.
pub fn crisis(key: &str, student: &str) -> Value {
    json!({ "i": { "clientKey": key, "studentId": student, "level": "CRISIS", "category": "SELF_HARM" } })
}

/// A token of `user` acting with other roles (a grade leader of `grades`,
/// or a plain mentor), signed as the server signs.
pub async fn as_roles(
    s: &TestServer,
    user: &str,
    roles: &[&str],
    grades: &[i64],
) -> Result<String> {
    let t = s.login(user).await?;
    let mut c = token_claims(&t)?;
    c["roles"] = json!(roles);
    c["grades"] = json!(grades);
    Ok(sign_token(&c))
}

/// The staff id of a user (SQL).
pub fn sql_staff_of(s: &TestServer, user: &str) -> Result<String> {
    s.sql(&format!(
        "SELECT {} FROM staff WHERE user_id = (SELECT id FROM users WHERE username = '{user}')",
        s.uuid_col("id")
    ))
}

/// Names a staff member the school's safety lead in its policy in force.
pub fn set_safety_lead(s: &TestServer, staff: &str) -> Result<()> {
    let sql = match s.db.backend {
        Backend::Postgres => format!(
            "UPDATE policy_versions SET rules = jsonb_set(rules::jsonb, '{{emergency,safety_lead_staff_id}}', to_jsonb('{staff}'::text))::text WHERE school_id IS NOT NULL"
        ),
        Backend::Sqlite => format!(
            "UPDATE policy_versions SET rules = json_set(rules, '$.emergency.safety_lead_staff_id', '{staff}') WHERE school_id IS NOT NULL"
        ),
    };
    s.sql(&sql)?;
    Ok(())
}

/// The grade of the named demo student of `s2` (SQL-free: through the API).
pub async fn grade_of(s: &TestServer, student: &str) -> Result<i64> {
    let g = s
        .data_as(
            "s2.admin",
            "query($s: ID!) { student(id: $s) { classId } classes { id grade } }",
            json!({ "s": student }),
        )
        .await?;
    Ok(g["classes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == g["student"]["classId"]))
        .and_then(|c| c["grade"].as_i64())
        .unwrap_or(7))
}

/// The named demo student of a school (`s2.student1`), who is
/// `s2.mentor1`'s mentee in `s2.head1`'s class.
pub async fn named_student(s: &TestServer, school: &str) -> Result<String> {
    let d = s
        .data_as(
            &format!("{school}.student1"),
            "{ students(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    Ok(crate::mentoring::first_student(&d))
}

/// The alerts of a user about one case.
pub async fn alerts_about(s: &TestServer, user: &str, case: &str) -> Result<Vec<Value>> {
    let d = s.data_as(user, ALERTS, json!({})).await?;
    Ok(d["careAlerts"]
        .as_array()
        .map(|a| a.iter().filter(|x| x["caseId"] == case).cloned().collect())
        .unwrap_or_default())
}

/// An open `careAlerts` subscription (graphql-transport-ws).
pub struct Subscription {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Subscription {
    /// Connects to `base` (http://…) with a token and subscribes.
    pub async fn open(base: &str, token: &str) -> Result<Subscription> {
        let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
        let mut req = url.into_client_request()?;
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
        ws.send(Message::text(
            json!({ "type": "connection_init", "payload": { "token": token } }).to_string(),
        ))
        .await?;
        let mut sub = Subscription { ws };
        let ack = sub.next_json(Duration::from_secs(5)).await?;
        if ack["type"] != "connection_ack" {
            bail!("no connection_ack: {ack}");
        }
        sub.ws
            .send(Message::text(
                json!({ "id": "1", "type": "subscribe", "payload": {
                    "query": "subscription { careAlerts { alertId caseId reason } }" } })
                .to_string(),
            ))
            .await?;
        Ok(sub)
    }

    async fn next_json(&mut self, within: Duration) -> Result<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .context("nothing arrived in time")?
                .context("the socket closed")??;
            match msg {
                Message::Text(t) => {
                    let v: Value = serde_json::from_str(t.as_str())?;
                    if v["type"] == "ping" {
                        self.ws
                            .send(Message::text(json!({ "type": "pong" }).to_string()))
                            .await?;
                        continue;
                    }
                    return Ok(v);
                }
                Message::Close(f) => bail!("the socket closed: {f:?}"),
                _ => {}
            }
        }
    }

    /// The next alert event (`next` payload data), waiting at most `within`.
    pub async fn next_alert(&mut self, within: Duration) -> Result<Value> {
        let v = self.next_json(within).await?;
        if v["type"] != "next" {
            bail!("not an event: {v}");
        }
        Ok(v["payload"]["data"]["careAlerts"].clone())
    }
}
