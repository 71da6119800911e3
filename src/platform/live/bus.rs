//! Live frames between instances over Redis pub/sub: each instance publishes what its hub
//! sends (one publish per event) and delivers what the others publish to its own connections.
//!
//! Redis carries nothing durable. When it is unreachable, publishes are dropped and the
//! subscriber retries with backoff; once it is back, this instance closes its live connections
//! so every client reconnects and catches up from the database by seq.

use super::hub::Hub;
use super::wire::Outbound;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Frames waiting to be published; beyond this they are dropped (clients catch up by seq).
const OUTBOX_LEN: usize = 4096;

#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The instance that published it, which already delivered it locally.
    origin: Uuid,
    #[serde(flatten)]
    message: Outbound,
}

/// Connects the hub to the others through `channel`. The receiver fires once the first
/// subscription is live, so a server can wait for it before taking traffic.
pub fn start(
    hub: Arc<Hub>,
    client: redis::Client,
    publisher: redis::aio::ConnectionManager,
    channel: String,
) -> oneshot::Receiver<()> {
    let origin = Uuid::now_v7();
    let (tx, rx) = mpsc::channel(OUTBOX_LEN);
    hub.attach_bus(tx);
    tokio::spawn(publish(rx, publisher, channel.clone(), origin));
    let (ready_tx, ready_rx) = oneshot::channel();
    tokio::spawn(subscribe(hub, client, channel, origin, ready_tx));
    ready_rx
}

async fn publish(
    mut rx: mpsc::Receiver<Outbound>,
    mut conn: redis::aio::ConnectionManager,
    channel: String,
    origin: Uuid,
) {
    while let Some(message) = rx.recv().await {
        let Ok(payload) = serde_json::to_string(&Envelope { origin, message }) else { continue };
        let sent: redis::RedisResult<i64> =
            redis::cmd("PUBLISH").arg(&channel).arg(payload).query_async(&mut conn).await;
        if let Err(e) = sent {
            metrics::counter!("live_bus_publish_errors_total").increment(1);
            tracing::warn!(error = %e, "publishing a live frame to Redis failed");
        }
    }
}

async fn subscribe(hub: Arc<Hub>, client: redis::Client, channel: String, origin: Uuid, ready: oneshot::Sender<()>) {
    let mut ready = Some(ready);
    let mut failed = false;
    let mut backoff = Duration::from_millis(250);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(());
                    }
                    if failed {
                        // Frames from other instances were missed meanwhile: make every client
                        // reconnect and catch up from the database.
                        tracing::info!("Redis is back; asking live clients to resync");
                        hub.close_all();
                    }
                    backoff = Duration::from_millis(250);
                    let mut messages = pubsub.on_message();
                    while let Some(msg) = messages.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else { continue };
                        match serde_json::from_str::<Envelope>(&payload) {
                            Ok(envelope) if envelope.origin != origin => deliver(&hub, envelope.message),
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "unreadable live frame on the bus"),
                        }
                    }
                    tracing::warn!("lost the Redis subscription; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "subscribing to Redis failed"),
            },
            Err(e) => tracing::warn!(error = %e, "connecting to Redis for live frames failed"),
        }
        // Whatever ended the loop, frames may have been missed from here on.
        failed = true;
        metrics::counter!("live_bus_reconnects_total").increment(1);
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

fn deliver(hub: &Hub, message: Outbound) {
    match message {
        Outbound::Frame { recipients, json, delivers } => hub.deliver(&recipients, json, delivers),
        Outbound::CloseSession { user_id, session_id } => hub.close_session_here(user_id, session_id),
    }
}
