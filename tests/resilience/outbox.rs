//! Senders that behave like a client's outbox: each message has a clientId and is sent again,
//! with the same clientId, until the server acknowledges it, however often the server dies.
//! They record what was acknowledged, and every answer that was neither an ack nor a dropped
//! connection.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// A message the server acknowledged: its clientId, and the id and seq the server gave it.
#[derive(Debug, Clone)]
pub struct Acked {
    pub client_id: String,
    pub id: String,
    pub seq: i64,
}

#[derive(Debug, Default)]
pub struct Outbox {
    pub acked: Vec<Acked>,
    /// Acks that said "already stored" (HTTP 200): the first try was committed, its answer lost.
    pub replayed: usize,
    /// Answers other than an ack: server errors, error frames. A crash must only ever look
    /// like a dropped connection.
    pub errors: Vec<String>,
}

/// What a message with this clientId says, so the history can be checked against what was sent.
pub fn content_of(client_id: &str) -> String {
    format!("message {client_id}")
}

/// How long one message may go unacknowledged across restarts before the run fails.
const GIVE_UP: Duration = Duration::from_secs(30);

/// Sends messages named `{name}-{k}` over HTTP, one after another, until `stop`.
pub async fn over_http(
    base: String,
    token: String,
    chat: String,
    name: String,
    gap: Duration,
    stop: watch::Receiver<bool>,
) -> Outbox {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("client");
    let url = format!("{base}/api/chats/{chat}/messages");
    let mut outbox = Outbox::default();
    for k in 0.. {
        if *stop.borrow() {
            break;
        }
        let client_id = format!("{name}-{k}");
        let body = json!({"content": content_of(&client_id), "clientId": client_id});
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < GIVE_UP, "{client_id} was not acknowledged within {GIVE_UP:?}");
            let Ok(res) = client.post(&url).bearer_auth(&token).json(&body).send().await else {
                // Refused or cut off: the server is down or restarting.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            let status = res.status().as_u16();
            let Ok(answer) = res.json::<Value>().await else {
                // The process died between the status line and the body.
                continue;
            };
            if status == 201 || status == 200 {
                outbox.replayed += usize::from(status == 200);
                outbox.acked.push(acked(&client_id, &answer["message"]));
                break;
            }
            assert!(status >= 500, "{client_id} refused with {status}: {answer}");
            outbox.errors.push(format!("{client_id}: HTTP {status} {answer}"));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(gap).await;
    }
    outbox
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Sends messages named `{name}-{k}` as `message.send` frames, one after another, until `stop`;
/// reconnects whenever the socket goes and sends the unacknowledged message again.
pub async fn over_websocket(
    base: String,
    token: String,
    chat: String,
    name: String,
    gap: Duration,
    stop: watch::Receiver<bool>,
) -> Outbox {
    let url = format!("{}/api/ws?token={token}", base.replacen("http", "ws", 1));
    let mut outbox = Outbox::default();
    let mut socket: Option<Socket> = None;
    for k in 0.. {
        if *stop.borrow() {
            break;
        }
        let client_id = format!("{name}-{k}");
        let frame = json!({"type": "message.send", "data": {"chatId": chat, "content": content_of(&client_id), "clientId": client_id}});
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < GIVE_UP, "{client_id} was not acknowledged within {GIVE_UP:?}");
            let ws = match socket.as_mut() {
                Some(ws) => ws,
                None => match tokio_tungstenite::connect_async(url.as_str()).await {
                    Ok((ws, _)) => socket.insert(ws),
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
            };
            let answer = match ws.send(Message::text(frame.to_string())).await {
                Ok(()) => answer_to(ws, &client_id).await,
                Err(_) => None,
            };
            match answer {
                Some(Ok(message)) => {
                    outbox.acked.push(acked(&client_id, &message));
                    break;
                }
                Some(Err(error)) => {
                    let code = error["code"].as_str().unwrap_or_default();
                    assert!(matches!(code, "internal" | "unavailable"), "{client_id} refused: {error}");
                    outbox.errors.push(format!("{client_id}: error frame {error}"));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                // The socket went with the server (or hung): a new one, and the same frame again.
                None => socket = None,
            }
        }
        tokio::time::sleep(gap).await;
    }
    outbox
}

/// The `ack` (its message) or `error` frame for `client_id`; None when the socket goes first.
async fn answer_to(ws: &mut Socket, client_id: &str) -> Option<Result<Value, Value>> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let Message::Text(text) = tokio::time::timeout(left, ws.next()).await.ok()??.ok()? else { continue };
        let frame: Value = serde_json::from_str(text.as_str()).expect("a JSON frame");
        if frame["data"]["clientId"] != client_id {
            continue;
        }
        match frame["type"].as_str() {
            Some("ack") => return Some(Ok(frame["data"]["message"].clone())),
            Some("error") => return Some(Err(frame["data"].clone())),
            _ => {}
        }
    }
}

fn acked(client_id: &str, message: &Value) -> Acked {
    assert_eq!(message["clientId"], client_id, "the ack names the message sent");
    Acked {
        client_id: client_id.to_owned(),
        id: message["id"].as_str().expect("id").to_owned(),
        seq: message["seq"].as_i64().expect("seq"),
    }
}
