//! A chat member's client, as the web client behaves: it sends over HTTP with a clientId and
//! retries on another instance when one does not answer; it follows the chat live over a
//! WebSocket, reconnects elsewhere when its instance goes, and catches up by seq.

use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// What a member ended up with: message id by seq, and any frame seen twice on one connection.
#[derive(Debug, Default)]
pub struct View {
    pub seen: BTreeMap<i64, String>,
    pub duplicates: Vec<i64>,
    pub reconnects: usize,
}

impl View {
    fn add(&mut self, seq: i64, id: &str) {
        if let Some(known) = self.seen.insert(seq, id.to_owned()) {
            assert_eq!(known, id, "seq {seq} names two messages");
        }
    }

    /// The highest n with 1..=n all present: where catching up starts.
    fn contiguous(&self) -> i64 {
        let mut n = 0;
        while self.seen.contains_key(&(n + 1)) {
            n += 1;
        }
        n
    }
}

/// Every message of the chat in seq order, read from the first instance that answers.
pub async fn history(bases: &[String], token: &str, chat: &str, after: i64) -> Vec<Value> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    let mut after = after;
    'pages: loop {
        for base in bases {
            let url = format!("{base}/api/chats/{chat}/messages?after={after}&limit=100");
            let Ok(res) = client.get(url).bearer_auth(token).send().await else { continue };
            let page: Value = res.json().await.expect("history page");
            let messages = page["messages"].as_array().expect("messages").clone();
            after = messages.last().map_or(after, |m| m["seq"].as_i64().expect("seq"));
            out.extend(messages);
            if page["hasMore"] != true {
                break 'pages;
            }
            continue 'pages;
        }
        panic!("no instance answered");
    }
    out
}

/// Sends `count` messages, each retried with the same clientId on the next instance until one
/// acknowledges it. Returns the acknowledged message ids.
pub async fn send_all(
    bases: Vec<String>,
    token: String,
    chat: String,
    name: String,
    count: usize,
    gap: Duration,
) -> Vec<String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let mut acked = Vec::new();
    for k in 0..count {
        let body = json!({"content": format!("{name} {k}"), "clientId": format!("{name}-{k}")});
        let mut attempt = 0;
        loop {
            let base = &bases[attempt % bases.len()];
            attempt += 1;
            assert!(attempt < 200, "{name} {k} was never acknowledged");
            let res =
                client.post(format!("{base}/api/chats/{chat}/messages")).bearer_auth(&token).json(&body).send().await;
            match res {
                Ok(res) if res.status() == 201 || res.status() == 200 => {
                    let message: Value = res.json().await.expect("message");
                    acked.push(message["message"]["id"].as_str().expect("id").to_owned());
                    break;
                }
                Ok(res) if res.status().is_client_error() => panic!("{name} {k} refused: {}", res.status()),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        tokio::time::sleep(gap).await;
    }
    acked
}

/// Follows the chat until `stop`, preferring instances in the order given.
pub async fn follow(bases: Vec<String>, token: String, chat: String, mut stop: watch::Receiver<bool>) -> View {
    let mut view = View::default();
    'connections: while !*stop.borrow() {
        let mut socket = None;
        for base in &bases {
            let url = format!("{}/api/ws?token={token}", base.replacen("http", "ws", 1));
            if let Ok((ws, _)) = tokio_tungstenite::connect_async(url).await {
                socket = Some((ws, base.clone()));
                break;
            }
        }
        let Some((mut ws, base)) = socket else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        // Connected (again): whatever was missed comes from the database.
        for m in history(std::slice::from_ref(&base), &token, &chat, view.contiguous()).await {
            view.add(m["seq"].as_i64().expect("seq"), m["id"].as_str().expect("id"));
        }
        let mut on_this_connection = HashSet::new();
        loop {
            tokio::select! {
                message = ws.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let frame: Value = serde_json::from_str(text.as_str()).expect("frame");
                        if frame["type"] == "message.new" && frame["data"]["chatId"] == chat.as_str() {
                            let seq = frame["data"]["seq"].as_i64().expect("seq");
                            if !on_this_connection.insert(seq) {
                                view.duplicates.push(seq);
                            }
                            view.add(seq, frame["data"]["id"].as_str().expect("id"));
                        }
                    }
                    Some(Ok(_)) => {}
                    // Closed or broken: the instance went away or asked us to resync.
                    _ => {
                        view.reconnects += 1;
                        continue 'connections;
                    }
                },
                _ = stop.changed() => break 'connections,
            }
        }
    }
    for m in history(&bases, &token, &chat, view.contiguous()).await {
        view.add(m["seq"].as_i64().expect("seq"), m["id"].as_str().expect("id"));
    }
    view
}
