//! The live link's two transports, as one stream of `Link` events: a WebSocket, or server-sent
//! events (read-only) where a proxy refuses WebSockets. What the frames mean, reconnecting and
//! catching up are `crate::realtime::client`'s business.

use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent, WebSocket};

thread_local! {
    /// The socket `send_text` writes to: the tab's open WebSocket, if any.
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
}

/// What happened on a link.
pub enum Link {
    Open,
    Frame(String),
    Closed,
}

/// The listeners both transports share (open, message), and the one that differs (close or error).
type OnEvent = Closure<dyn FnMut()>;
type OnMessage = Closure<dyn FnMut(MessageEvent)>;

enum Transport {
    Socket(WebSocket),
    Events(EventSource),
}

/// An open attempt; dropping it detaches its listeners (and closes an event source).
pub struct Connection {
    transport: Transport,
    events: UnboundedReceiver<Link>,
    // Held, not read: the browser calls them until the connection is dropped.
    _listeners: (OnEvent, OnMessage, OnEvent),
}

impl Connection {
    /// The next event, or None once nothing more can come.
    pub async fn next(&mut self) -> Option<Link> {
        self.events.next().await
    }

    /// Makes this connection's socket the one `send_text` uses (an event source cannot send).
    pub fn make_current(&self) {
        if let Transport::Socket(socket) = &self.transport {
            SOCKET.with(|s| *s.borrow_mut() = Some(socket.clone()));
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        match &self.transport {
            Transport::Socket(socket) => {
                SOCKET.with(|s| *s.borrow_mut() = None);
                socket.set_onopen(None);
                socket.set_onmessage(None);
                socket.set_onclose(None);
            }
            Transport::Events(source) => source.close(),
        }
    }
}

/// Sends text on the current socket if it is open; returns false otherwise.
pub fn send_text(text: &str) -> bool {
    SOCKET.with(|s| {
        s.borrow().as_ref().is_some_and(|ws| ws.ready_state() == WebSocket::OPEN && ws.send_with_str(text).is_ok())
    })
}

/// Opens a WebSocket to `url` (None if the browser refuses the address).
pub fn websocket(url: &str) -> Option<Connection> {
    let socket = WebSocket::new(url).ok()?;
    let (tx, events) = futures_channel::mpsc::unbounded::<Link>();
    let (on_open, on_message) = listeners(&tx);
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let _ = tx.unbounded_send(Link::Closed);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    Some(Connection { transport: Transport::Socket(socket), events, _listeners: (on_open, on_message, on_close) })
}

/// Opens server-sent events from `path`. The browser reconnects by itself and resumes with
/// Last-Event-ID; only a fatal error (the source closed) ends it.
pub fn event_source(path: &str) -> Option<Connection> {
    let source = EventSource::new(path).ok()?;
    let (tx, events) = futures_channel::mpsc::unbounded::<Link>();
    let (on_open, on_message) = listeners(&tx);
    let on_error = {
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
    Some(Connection { transport: Transport::Events(source), events, _listeners: (on_open, on_message, on_error) })
}

/// The open and message listeners both transports share: they feed the connection's events.
fn listeners(tx: &UnboundedSender<Link>) -> (OnEvent, OnMessage) {
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
