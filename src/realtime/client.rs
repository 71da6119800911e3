//! The browser's live connection: one WebSocket per tab, reconnecting with exponential
//! backoff and jitter; after every (re)connect it catches up from the API by seq, so a
//! drop loses nothing and the store never holds a message twice.

use crate::chats::store::ChatStore;

/// Sends a frame on the live connection if it is open; returns false otherwise.
pub fn send_frame(frame: &crate::realtime::model::ClientFrame) -> bool {
    #[cfg(feature = "web")]
    return web::send(frame);
    #[cfg(not(feature = "web"))]
    {
        let _ = frame;
        false
    }
}

/// A fresh id for a message being sent: retries of the same send reuse it.
pub fn new_client_id() -> String {
    #[cfg(feature = "web")]
    let noise = (js_sys::Math::random() * 1e15) as u64;
    #[cfg(not(feature = "web"))]
    let noise = 0u64;
    format!("c{:x}-{noise:x}", chrono::Utc::now().timestamp_micros())
}

/// Runs for the life of the signed-in shell (browser only).
pub async fn run(store: ChatStore) {
    #[cfg(feature = "web")]
    web::run(store).await;
    #[cfg(not(feature = "web"))]
    let _ = store;
}

#[cfg(feature = "web")]
mod web {
    use crate::chats::store::ChatStore;
    use crate::realtime::model::ServerFrame;
    use dioxus::prelude::{ReadableExt, WritableExt};
    use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender};
    use futures_util::StreamExt;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent, WebSocket};

    thread_local! {
        static SOCKET: std::cell::RefCell<Option<WebSocket>> = const { std::cell::RefCell::new(None) };
    }

    pub fn send(frame: &crate::realtime::model::ClientFrame) -> bool {
        let Ok(text) = serde_json::to_string(frame) else { return false };
        SOCKET.with(|s| {
            s.borrow().as_ref().is_some_and(|ws| ws.ready_state() == WebSocket::OPEN && ws.send_with_str(&text).is_ok())
        })
    }

    enum Link {
        Open,
        Frame(String),
        Closed,
    }

    fn url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        Some(format!("{scheme}://{}/api/ws", location.host().ok()?))
    }

    /// Away while the tab is hidden, online when it shows again (one listener per tab).
    fn watch_visibility() {
        thread_local! { static WATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) }; }
        if WATCHING.with(|w| w.replace(true)) {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let on_change = Closure::<dyn FnMut()>::new(report_visibility);
        let _ = document.add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
        // Lives as long as the tab.
        on_change.forget();
    }

    /// Tells the server whether this tab is seen. Also sent on each open: a page being left
    /// reports "away" as it unloads, and the next page's socket may open before the old one
    /// closes, so without this the user would stay away while looking at the app.
    fn report_visibility() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let status = if document.hidden() { "away" } else { "online" };
        send(&crate::realtime::model::ClientFrame::Presence { status: status.to_owned() });
    }

    /// Whether anything answers at the server's address (the health check is never cached).
    async fn server_answers() -> bool {
        gloo_net::http::Request::get("/health").send().await.is_ok()
    }

    /// After this many WebSocket attempts that never opened (a proxy in the way), use SSE.
    const SSE_AFTER: u32 = 2;

    pub async fn run(mut store: ChatStore) {
        let mut attempt: u32 = 0;
        let mut never_opened: u32 = 0;
        loop {
            if never_opened >= SSE_AFTER {
                if run_event_source(store).await {
                    attempt = 0;
                }
            } else if let Some(url) = url()
                && let Ok(socket) = WebSocket::new(&url)
            {
                let (tx, mut rx) = futures_channel::mpsc::unbounded::<Link>();
                let (on_open, on_message) = listeners(&tx);
                let on_close = Closure::<dyn FnMut()>::new(move || {
                    let _ = tx.unbounded_send(Link::Closed);
                });
                socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
                socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
                let live = socket.clone();
                let opened = pump(store, &mut rx, move || {
                    watch_visibility();
                    SOCKET.with(|s| *s.borrow_mut() = Some(live.clone()));
                    report_visibility();
                })
                .await;
                SOCKET.with(|s| *s.borrow_mut() = None);
                socket.set_onopen(None);
                socket.set_onmessage(None);
                socket.set_onclose(None);
                drop((on_open, on_message, on_close));
                if opened {
                    attempt = 0;
                    never_opened = 0;
                } else {
                    never_opened += 1;
                    // Refused is not offline: only a server that cannot be reached at all is.
                    store.offline.set(!server_answers().await);
                }
            } else {
                never_opened += 1;
            }
            store.online.set(false);
            attempt = attempt.saturating_add(1);
            gloo_timers::future::TimeoutFuture::new(backoff_ms(attempt)).await;
        }
    }

    /// Server-sent events: read-only (sends go over HTTP). The browser reconnects by itself and
    /// resumes with Last-Event-ID; a fatal error ends it. Returns whether it ever opened.
    async fn run_event_source(store: ChatStore) -> bool {
        let Ok(source) = EventSource::new("/api/events") else { return false };
        let (tx, mut rx) = futures_channel::mpsc::unbounded::<Link>();
        let (on_open, on_message) = listeners(&tx);
        let on_error = {
            let tx = tx.clone();
            let source = source.clone();
            Closure::<dyn FnMut()>::new(move || {
                if source.ready_state() == EventSource::CLOSED {
                    let _ = tx.unbounded_send(Link::Closed);
                }
            })
        };
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let opened = pump(store, &mut rx, || {}).await;
        source.close();
        drop((on_open, on_message, on_error));
        opened
    }

    /// The open and message listeners both transports share: they feed the channel `pump` reads.
    type OnOpen = Closure<dyn FnMut()>;
    type OnMessage = Closure<dyn FnMut(MessageEvent)>;

    fn listeners(tx: &UnboundedSender<Link>) -> (OnOpen, OnMessage) {
        let open_tx = tx.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            let _ = open_tx.unbounded_send(Link::Open);
        });
        let message_tx = tx.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                let _ = message_tx.unbounded_send(Link::Frame(text));
            }
        });
        (on_open, on_message)
    }

    /// Applies frames until the link closes; on each open it runs `on_open`, then catches up.
    /// Returns whether the link ever opened.
    async fn pump(mut store: ChatStore, rx: &mut UnboundedReceiver<Link>, mut on_open: impl FnMut()) -> bool {
        let mut opened = false;
        while let Some(event) = rx.next().await {
            match event {
                Link::Open => {
                    opened = true;
                    on_open();
                    store.online.set(true);
                    store.offline.set(false);
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
        let jitter = 0.5 + js_sys::Math::random();
        (f64::from(base) * jitter) as u32
    }

    /// Everything missed while disconnected: the chat list, and each loaded chat after its last seq.
    async fn catch_up(mut store: ChatStore) {
        if let Ok(list) = crate::chats::api::list_chats().await {
            store.chats.set(list.chats);
        }
        *store.contacts.stale.write() += 1;
        let loaded: Vec<(uuid::Uuid, i64)> =
            store.timelines.read().iter().map(|(chat, list)| (*chat, list.last().map_or(0, |m| m.seq))).collect();
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
}
