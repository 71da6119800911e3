//! The browser's live connection: one WebSocket per tab, reconnecting with exponential
//! backoff and jitter; after every (re)connect it catches up from the API by seq, so a
//! drop loses nothing and the store never holds a message twice.

use crate::browser::live::{self, Connection, Link};
use crate::browser::{IN_BROWSER, page, random, sleep_ms};
use crate::chats::store::ChatStore;
use crate::realtime::model::{ClientFrame, ServerFrame};
use dioxus::prelude::{ReadableExt, WritableExt};

/// Sends a frame on the live connection if it is open; returns false otherwise.
pub fn send_frame(frame: &ClientFrame) -> bool {
    let Ok(text) = serde_json::to_string(frame) else { return false };
    live::send_text(&text)
}

/// A fresh id for a message being sent: retries of the same send reuse it.
pub fn new_client_id() -> String {
    let noise = (random() * 1e15) as u64;
    format!("c{:x}-{noise:x}", chrono::Utc::now().timestamp_micros())
}

/// Tells the server whether this tab is seen. Also sent on each open: a page being left
/// reports "away" as it unloads, and the next page's socket may open before the old one
/// closes, so without this the user would stay away while looking at the app.
fn report_visibility() {
    let Some(hidden) = page::hidden() else { return };
    let status = if hidden { "away" } else { "online" };
    send_frame(&ClientFrame::Presence { status: status.to_owned() });
}

/// After this many WebSocket attempts that never opened (a proxy in the way), use SSE.
const SSE_AFTER: u32 = 2;

/// Runs for the life of the signed-in shell (browser only: on the server it returns at once).
pub async fn run(mut store: ChatStore) {
    if !IN_BROWSER {
        return;
    }
    let mut attempt: u32 = 0;
    let mut never_opened: u32 = 0;
    loop {
        if never_opened >= SSE_AFTER {
            if run_event_source(store).await {
                attempt = 0;
            }
        } else if let Some(socket) =
            crate::browser::location::websocket_url("/api/ws").and_then(|url| live::websocket(&url))
        {
            let opened = run_websocket(store, socket).await;
            if opened {
                attempt = 0;
                never_opened = 0;
            } else {
                never_opened += 1;
                // Refused is not offline: only a server that cannot be reached at all is.
                // (The health check is never cached.)
                store.link.offline.set(!crate::browser::fetch::answers("/health").await);
            }
        } else {
            never_opened += 1;
        }
        store.link.online.set(false);
        attempt = attempt.saturating_add(1);
        sleep_ms(backoff_ms(attempt)).await;
    }
}

/// Reads a WebSocket until it closes; returns whether it ever opened. The socket is detached
/// (no longer the one frames are sent on) before this returns.
async fn run_websocket(store: ChatStore, mut socket: Connection) -> bool {
    pump(store, &mut socket, |socket| {
        // Away while the tab is hidden, online when it shows again (one listener per tab).
        page::watch_visibility(report_visibility);
        socket.make_current();
        report_visibility();
    })
    .await
}

/// Server-sent events: read-only (sends go over HTTP). Returns whether it ever opened.
async fn run_event_source(store: ChatStore) -> bool {
    let Some(mut source) = live::event_source("/api/events") else { return false };
    pump(store, &mut source, |_| {}).await
}

/// Applies frames until the link closes; on each open it runs `on_open`, then catches up.
/// Returns whether the link ever opened.
async fn pump(mut store: ChatStore, link: &mut Connection, mut on_open: impl FnMut(&Connection)) -> bool {
    let mut opened = false;
    while let Some(event) = link.next().await {
        match event {
            Link::Open => {
                opened = true;
                on_open(link);
                store.link.online.set(true);
                store.link.offline.set(false);
                catch_up(store).await;
            }
            Link::Frame(text) => {
                if let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) {
                    store.apply(frame);
                }
            }
            Link::Closed => break,
        }
    }
    opened
}

/// 0.5 s, 1 s, 2 s … up to 30 s, each with ±50 % jitter so a restarted server is not stampeded.
fn backoff_ms(attempt: u32) -> u32 {
    let base = (500u32.saturating_mul(1 << attempt.min(6))).min(30_000);
    let jitter = 0.5 + random();
    (f64::from(base) * jitter) as u32
}

/// Everything missed while disconnected: the chat list, and each loaded chat after its last seq.
async fn catch_up(mut store: ChatStore) {
    if let Ok(list) = crate::chats::api::list_chats().await {
        store.list.chats.set(list.chats);
    }
    *store.contacts.stale.write() += 1;
    let loaded: Vec<(uuid::Uuid, i64)> =
        store.timelines.messages.read().iter().map(|(chat, list)| (*chat, list.last().map_or(0, |m| m.seq))).collect();
    for (chat, mut after) in loaded {
        loop {
            let Ok(page) = crate::messages::api::after(chat, after).await else { break };
            after = page.messages.last().map_or(after, |m| m.seq);
            store.merge(chat, page.messages);
            if !page.has_more {
                break;
            }
        }
    }
}
