//! Test clients for the live transports: a WebSocket client and a server-sent-events reader.

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub struct Ws {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Ws {
    /// Connects with an access token and returns the client after its `ready` frame.
    pub async fn connect(base: &str, token: &str) -> Ws {
        let url = format!("{}/api/ws?token={token}", base.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
        let mut ws = Ws { socket };
        let ready = ws.next().await.expect("ready frame");
        assert_eq!(ready["type"], "ready");
        ws
    }

    pub async fn send(&mut self, frame: Value) {
        self.socket.send(Message::Text(frame.to_string().into())).await.expect("send frame");
    }

    /// The next JSON frame within 3 s, or None (also on close).
    pub async fn next(&mut self) -> Option<Value> {
        self.next_within(Duration::from_secs(3)).await
    }

    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(wait, self.socket.next()).await.ok()??.ok()?;
            match message {
                Message::Text(text) => return serde_json::from_str(text.as_str()).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next frame of the given type, skipping others (presence, receipts…).
    pub async fn next_of(&mut self, kind: &str) -> Option<Value> {
        loop {
            let frame = self.next().await?;
            if frame["type"] == kind {
                return Some(frame);
            }
        }
    }

    /// Frames of the given type that arrive within `wait`.
    pub async fn collect_of(&mut self, kind: &str, wait: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) {
            match self.next_within(left).await {
                Some(frame) if frame["type"] == kind => out.push(frame),
                Some(_) => {}
                None => break,
            }
        }
        out
    }

    /// True when the server closed the connection within 3 s.
    pub async fn closed(&mut self) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        loop {
            let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) else { return false };
            match tokio::time::timeout(left, self.socket.next()).await {
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// A server-sent-events stream: yields (event id, frame).
pub struct Sse {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Sse {
    pub async fn connect(base: &str, token: &str, last_event_id: Option<&str>) -> Sse {
        let mut request = reqwest::Client::new().get(format!("{base}/api/events")).bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("sse request");
        assert_eq!(response.status(), 200);
        Sse { body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }

    /// The next event within 3 s.
    pub async fn next(&mut self) -> Option<(Option<String>, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // keep-alive comment
                }
                return Some((id, serde_json::from_str(&data).ok()?));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(3), self.body.next()).await.ok()??.ok()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    pub async fn next_of(&mut self, kind: &str) -> Option<(Option<String>, Value)> {
        loop {
            let (id, frame) = self.next().await?;
            if frame["type"] == kind {
                return Some((id, frame));
            }
        }
    }
}
