//! Live alerts: the emergency plan's alerts reach the people it names on the
//! page they have open, through a GraphQL subscription. Events are published
//! after the change that causes them commits, to a Redis channel when Redis
//! is configured (so that a subscriber connected to any replica gets them),
//! else to an in-process broadcast. Events carry ids only, never a name or
//! what was seen; each subscriber's stream keeps the events addressed to it.

use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The Redis channel of care alerts.
const CHANNEL: &str = "daoshi:care:alerts";
/// Events buffered per subscriber before the slowest one misses some (it
/// then reloads its alert list).
const BUFFER: usize = 1024;

/// One alert to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// The recipient's school.
    pub school_id: Uuid,
    /// The recipient (user).
    pub recipient_user_id: Uuid,
    /// The alert row.
    pub alert_id: Uuid,
    /// The case.
    pub case_id: Uuid,
    /// `ConcernLevel` code.
    pub level: String,
    /// `raised` or `escalated`.
    pub reason: String,
}

/// Where alerts are published and subscribed; cheap to clone.
#[derive(Clone)]
pub struct AlertBus {
    local: broadcast::Sender<AlertEvent>,
    redis: Option<redis::Client>,
}

impl AlertBus {
    /// An in-process bus (one server process).
    pub fn in_process() -> AlertBus {
        let (local, _) = broadcast::channel(BUFFER);
        AlertBus { local, redis: None }
    }

    /// A bus fanned out through Redis: a task subscribes to the channel and
    /// forwards what arrives to this process's subscribers, reconnecting
    /// after a failure.
    pub fn redis(client: redis::Client) -> AlertBus {
        let (local, _) = broadcast::channel(BUFFER);
        let forward = local.clone();
        let sub_client = client.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = relay(&sub_client, &forward).await {
                    tracing::warn!(error = %e, "care alert subscription to Redis lost; retrying");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        AlertBus {
            local,
            redis: Some(client),
        }
    }

    /// Publishes events (after their change committed). Failures are logged:
    /// the alerts are in the database and show on the next load.
    pub fn publish(&self, events: Vec<AlertEvent>) {
        if events.is_empty() {
            return;
        }
        match &self.redis {
            None => {
                for e in events {
                    let _ = self.local.send(e);
                }
            }
            Some(client) => {
                let client = client.clone();
                let local = self.local.clone();
                tokio::spawn(async move {
                    if let Err(e) = publish_redis(&client, &events).await {
                        tracing::warn!(error = %e, "publishing care alerts to Redis failed; delivering in this process only");
                        for e in events {
                            let _ = local.send(e);
                        }
                    }
                });
            }
        }
    }

    /// The events addressed to one user of one school, from now on.
    pub fn stream_for(
        &self,
        school_id: Uuid,
        user_id: Uuid,
    ) -> impl futures_util::Stream<Item = AlertEvent> + Send + 'static {
        let rx = self.local.subscribe();
        futures_util::stream::unfold(rx, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) if e.school_id == school_id && e.recipient_user_id == user_id => {
                        return Some((e, rx));
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
    }
}

async fn publish_redis(client: &redis::Client, events: &[AlertEvent]) -> anyhow::Result<()> {
    let mut conn = tokio::time::timeout(
        Duration::from_secs(2),
        client.get_multiplexed_async_connection(),
    )
    .await??;
    for e in events {
        let payload = serde_json::to_string(e)?;
        let _: i64 = tokio::time::timeout(
            Duration::from_secs(2),
            redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(payload)
                .query_async(&mut conn),
        )
        .await??;
    }
    Ok(())
}

async fn relay(client: &redis::Client, to: &broadcast::Sender<AlertEvent>) -> anyhow::Result<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    let mut messages = pubsub.on_message();
    while let Some(msg) = messages.next().await {
        let payload: String = msg.get_payload()?;
        match serde_json::from_str::<AlertEvent>(&payload) {
            Ok(e) => {
                let _ = to.send(e);
            }
            Err(e) => tracing::warn!(error = %e, "ignoring a malformed care alert event"),
        }
    }
    anyhow::bail!("Redis closed the subscription")
}
