//! Live connections as clients open them (WebSocket or server-sent events), and what each
//! connection saw: per chat, the seqs that arrived, duplicates and out-of-order arrivals.

use crate::stats::Stats;
use anyhow::{Context, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// What every connection needs to make sense of frames.
pub struct Ctx {
    pub stats: Arc<Stats>,
    /// This run's clientId prefix: frames of other runs are not counted.
    pub run: String,
    pub chat_index: HashMap<String, usize>,
    pub chat_members: Vec<usize>,
    /// Instance of each user.
    pub instance: Vec<usize>,
}

/// `{run}:{k}:{sender}`: message number `k` of the schedule, sent by user `sender`
/// (the server allows 1–64 of `A-Z a-z 0-9 - _ :`).
pub fn client_id(run: &str, k: u64, sender: usize) -> String {
    format!("{run}:{k}:{sender}")
}

pub fn parse_client_id(run: &str, id: &str) -> Option<(u64, usize)> {
    let mut parts = id.split(':');
    if parts.next()? != run {
        return None;
    }
    let k = parts.next()?.parse().ok()?;
    let sender = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((k, sender))
}

/// One chat as one connection saw it.
#[derive(Debug, Default)]
pub struct ChatView {
    pub seen: HashSet<i64>,
    pub max: i64,
    pub duplicates: u64,
    pub out_of_order: u64,
}

/// What one connection saw, by chat index.
#[derive(Debug, Default)]
pub struct View {
    pub chats: HashMap<usize, ChatView>,
}

#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDto {
    pub chat_id: String,
    pub seq: i64,
    #[serde(default)]
    pub client_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AckDto {
    client_id: String,
    message: MessageDto,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDto {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    code: String,
}

impl Ctx {
    /// Counts an acknowledged send (from a WebSocket `ack` or an HTTP answer).
    pub fn acked(&self, client_id: &str, message: &MessageDto) {
        let (Some((k, _)), Some(&chat)) =
            (parse_client_id(&self.run, client_id), self.chat_index.get(&message.chat_id))
        else {
            self.stats.on_send_error("ack: for a message this run did not send");
            return;
        };
        self.stats.on_ack(k, chat, message.seq, self.chat_members.get(chat).copied().unwrap_or(0));
    }

    /// Handles one frame that reached user `me`; true when it is the `ready` frame.
    fn frame(&self, me: usize, view: &mut View, text: &str) -> bool {
        let Ok(frame) = serde_json::from_str::<Frame>(text) else {
            self.stats.error("live: unreadable frame");
            return false;
        };
        let data = frame.data.map_or("null", RawValue::get);
        match frame.kind {
            "ready" => return true,
            "message.new" => match serde_json::from_str::<MessageDto>(data) {
                Ok(m) => self.delivered(me, view, &m),
                Err(_) => self.stats.error("live: unreadable message.new"),
            },
            "ack" => match serde_json::from_str::<AckDto>(data) {
                Ok(a) => self.acked(&a.client_id, &a.message),
                Err(_) => self.stats.error("live: unreadable ack"),
            },
            "error" => match serde_json::from_str::<ErrorDto>(data) {
                Ok(ErrorDto { client_id: Some(_), code }) => self.stats.on_send_error(format!("send: ws error {code}")),
                Ok(ErrorDto { client_id: None, code }) => self.stats.error(format!("live: error frame {code}")),
                Err(_) => self.stats.error("live: unreadable error frame"),
            },
            _ => {}
        }
        false
    }

    fn delivered(&self, me: usize, view: &mut View, m: &MessageDto) {
        let Some(&chat) = self.chat_index.get(&m.chat_id) else { return };
        let seen = view.chats.entry(chat).or_default();
        if !seen.seen.insert(m.seq) {
            seen.duplicates += 1;
            return;
        }
        if m.seq < seen.max {
            seen.out_of_order += 1;
        }
        seen.max = seen.max.max(m.seq);
        self.stats.seen_seq(chat, m.seq);
        match m.client_id.as_deref().and_then(|id| parse_client_id(&self.run, id)) {
            Some((_, sender)) if sender == me => {
                self.stats.echoes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Some((k, sender)) => {
                let same = self.instance.get(sender) == self.instance.get(me);
                self.stats.on_delivery(k, same);
            }
            None => self.stats.error("live: message.new not sent by this run"),
        }
    }
}

/// One user's live connection: where to queue frames to send (WebSocket only) and the task
/// that reads until told to stop, returning what it saw.
pub struct Conn {
    pub outbox: Option<mpsc::UnboundedSender<String>>,
    pub reader: JoinHandle<View>,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The WebSocket handshake, over a socket bound to `source` when given.
async fn open(url: String, base: &str, source: Option<IpAddr>) -> anyhow::Result<Socket> {
    let Some(source) = source else {
        // No Nagle, as browsers do: small frames go out at once.
        return Ok(tokio_tungstenite::connect_async_with_config(url, None, true).await.context("websocket")?.0);
    };
    let target = url::Url::parse(base).context("websocket: target")?;
    let ip: IpAddr = match target.host() {
        Some(url::Host::Ipv4(ip)) => ip.into(),
        Some(url::Host::Ipv6(ip)) => ip.into(),
        _ => bail!("websocket: a bound source needs an IP target"),
    };
    let to = SocketAddr::new(ip, target.port_or_known_default().unwrap_or(80));
    let socket = if to.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }.context("websocket: socket")?;
    socket.bind(SocketAddr::new(source, 0)).with_context(|| format!("websocket: binding {source}"))?;
    let stream = socket.connect(to).await.context("websocket: connect")?;
    stream.set_nodelay(true).context("websocket: nodelay")?;
    Ok(tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await.context("websocket")?.0)
}

/// Opens a WebSocket as user `me` (from `source` when given), waits for `ready`, then reads
/// in the background.
pub async fn websocket(
    ctx: Arc<Ctx>,
    base: &str,
    token: &str,
    me: usize,
    source: Option<IpAddr>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Conn> {
    let started = Instant::now();
    let url = format!("{}/api/ws?token={token}", base.replacen("http", "ws", 1));
    let socket = tokio::time::timeout(CONNECT_TIMEOUT, open(url, base, source))
        .await
        .context("websocket: no answer within 15 s")??;
    let (mut sink, mut stream) = socket.split();
    let mut view = View::default();
    let ready = tokio::time::timeout(CONNECT_TIMEOUT, async {
        while let Some(message) = stream.next().await {
            if let WsMessage::Text(text) = message.context("websocket")?
                && ctx.frame(me, &mut view, text.as_str())
            {
                return Ok(());
            }
        }
        bail!("websocket closed before ready")
    });
    ready.await.context("websocket: no ready frame within 15 s")??;
    ctx.stats
        .connect
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .saturating_record(started.elapsed().as_micros().try_into().unwrap_or(u64::MAX));

    let (outbox, mut queued) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        while let Some(text) = queued.recv().await {
            if sink.send(WsMessage::Text(text.into())).await.is_err() {
                return;
            }
        }
        let _ = sink.close().await;
    });
    let reader = tokio::spawn(async move {
        let mut stop = stop;
        loop {
            tokio::select! {
                message = stream.next() => match message {
                    Some(Ok(WsMessage::Text(text))) => {
                        ctx.frame(me, &mut view, text.as_str());
                    }
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => {
                        if !*stop.borrow() {
                            ctx.stats.error("live: websocket closed by the server");
                        }
                        break;
                    }
                    Some(Ok(_)) => {}
                },
                _ = stop.changed() => break,
            }
        }
        view
    });
    Ok(Conn { outbox: Some(outbox), reader })
}

/// Opens `GET /api/events` as user `me`, waits for `ready`, then reads in the background.
/// `client` must have no overall timeout: the stream stays open for the whole run.
pub async fn events(
    ctx: Arc<Ctx>,
    client: &reqwest::Client,
    base: &str,
    token: &str,
    me: usize,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Conn> {
    let started = Instant::now();
    let res = tokio::time::timeout(CONNECT_TIMEOUT, client.get(format!("{base}/api/events")).bearer_auth(token).send())
        .await
        .context("events: no answer within 15 s")?
        .context("events")?;
    if res.status() != 200 {
        bail!("events: {}", crate::setup::refusal(res).await);
    }
    let mut body = Box::pin(res.bytes_stream());
    let mut buffer = String::new();
    let mut view = View::default();
    let ready = tokio::time::timeout(CONNECT_TIMEOUT, async {
        loop {
            for data in take_events(&mut buffer) {
                if ctx.frame(me, &mut view, &data) {
                    return Ok::<(), anyhow::Error>(());
                }
            }
            let chunk = body.next().await.ok_or_else(|| anyhow!("events closed before ready"))??;
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    });
    ready.await.context("events: no ready frame within 15 s")??;
    ctx.stats
        .connect
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .saturating_record(started.elapsed().as_micros().try_into().unwrap_or(u64::MAX));

    let reader = tokio::spawn(async move {
        let mut stop = stop;
        loop {
            for data in take_events(&mut buffer) {
                ctx.frame(me, &mut view, &data);
            }
            tokio::select! {
                chunk = body.next() => match chunk {
                    Some(Ok(bytes)) => buffer.push_str(&String::from_utf8_lossy(&bytes)),
                    Some(Err(_)) | None => {
                        if !*stop.borrow() {
                            ctx.stats.error("live: event stream closed by the server");
                        }
                        break;
                    }
                },
                _ = stop.changed() => break,
            }
        }
        view
    });
    Ok(Conn { outbox: None, reader })
}

/// Removes the complete events from `buffer` and returns their data (comments and keep-alives skipped).
fn take_events(buffer: &mut String) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let data: Vec<&str> =
            block.lines().filter_map(|l| l.strip_prefix("data:")).map(|v| v.strip_prefix(' ').unwrap_or(v)).collect();
        if !data.is_empty() {
            out.push(data.join("\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_round_trip_and_other_runs_are_not_ours() {
        let id = client_id("r1", 42, 7);
        assert_eq!(parse_client_id("r1", &id), Some((42, 7)));
        assert_eq!(parse_client_id("r2", &id), None);
        assert_eq!(parse_client_id("r1", "r1:x:7"), None);
        assert_eq!(parse_client_id("r1", "r1:1:2:3"), None);
    }

    #[test]
    fn events_are_split_and_keep_alives_skipped() {
        let mut buffer = String::from("id: 1\ndata: {\"a\":1}\n\n: keep-alive\n\ndata: {\"b\"");
        assert_eq!(take_events(&mut buffer), vec!["{\"a\":1}".to_owned()]);
        buffer.push_str(":2}\n\n");
        assert_eq!(take_events(&mut buffer), vec!["{\"b\":2}".to_owned()]);
        assert!(buffer.is_empty());
    }

    fn ctx() -> Ctx {
        Ctx {
            stats: Arc::new(Stats::new(10.0, 1).unwrap()),
            run: "r".into(),
            chat_index: HashMap::from([("c".to_owned(), 0)]),
            chat_members: vec![2],
            instance: vec![0, 1],
        }
    }

    fn new(seq: i64, sender: usize) -> String {
        format!(
            r#"{{"type":"message.new","data":{{"id":"x","chatId":"c","seq":{seq},"clientId":"r:{seq}:{sender}","sender":{{}}}}}}"#
        )
    }

    #[test]
    fn duplicates_and_out_of_order_arrivals_are_counted() {
        let ctx = ctx();
        ctx.stats.start_sending();
        let mut view = View::default();
        for seq in [1, 3, 2, 3] {
            ctx.frame(1, &mut view, &new(seq, 0));
        }
        let chat = &view.chats[&0];
        assert_eq!(chat.seen.len(), 3);
        assert_eq!(chat.duplicates, 1);
        assert_eq!(chat.out_of_order, 1);
        assert_eq!(Stats::load(&ctx.stats.deliveries), 3);
        assert_eq!(ctx.stats.chat_seq(0), 3);
        assert_eq!(ctx.stats.delivery_cross.lock().unwrap().len(), 3);
    }

    #[test]
    fn the_senders_own_copy_is_an_echo_and_acks_count() {
        let ctx = ctx();
        ctx.stats.start_sending();
        let mut view = View::default();
        ctx.frame(0, &mut view, &new(1, 0));
        assert_eq!(Stats::load(&ctx.stats.echoes), 1);
        assert_eq!(Stats::load(&ctx.stats.deliveries), 0);
        assert!(ctx.frame(0, &mut view, r#"{"type":"ready","data":{"userId":"u","sessionId":"s","resync":false}}"#));
        ctx.frame(0, &mut view, r#"{"type":"ack","data":{"clientId":"r:1:0","message":{"id":"x","chatId":"c","seq":1,"clientId":"r:1:0"}}}"#);
        assert_eq!(Stats::load(&ctx.stats.acked), 1);
        assert_eq!(Stats::load(&ctx.stats.expected), 2);
        ctx.frame(0, &mut view, r#"{"type":"error","data":{"clientId":"r:2:0","code":"forbidden","message":"no"}}"#);
        assert_eq!(ctx.stats.errors()["send: ws error forbidden"], 1);
    }
}
