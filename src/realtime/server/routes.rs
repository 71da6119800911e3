//! The live transports: `GET /api/ws` (WebSocket) and `GET /api/events` (server-sent events).

use super::connection::{Live, frame_json};
use crate::auth::server::csrf::from_other_origin;
use crate::error::{AppError, ErrorBody};
use crate::platform::live::hub::Event;
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::{AuthVia, MaybeViewer, Viewer};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt, stream::Stream};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// A client that has sent nothing (not even a pong) for this long is gone.
const DEAD_AFTER: Duration = Duration::from_secs(60);
const PING_EVERY: Duration = Duration::from_secs(25);
/// Largest frame a client may send: a 10,000-character message with room to spare.
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// tungstenite zero-fills its whole read buffer on the first read, so its 128 KiB default
/// costs that much resident memory per idle connection. Client frames are small; a bigger one
/// grows the buffer as needed.
const READ_BUFFER: usize = 4 * 1024;

pub fn routes() -> Vec<ApiRoute> {
    vec![ApiRoute::new("GET", "/api/ws", get(websocket)), ApiRoute::new("GET", "/api/events", get(events))]
}

fn origin_rejected() -> AppError {
    AppError::forbidden("origin_rejected", "Live connections are accepted from this site only.")
}

/// A page on another site must not open a live connection, with the victim's cookie (browsers
/// send it on cross-site handshakes) or with a token. Programs send no Origin and pass. An app
/// on a CORS_ORIGINS origin may connect with its token, never with the cookie.
fn this_site_only(state: &AppState, headers: &HeaderMap, viewer: &MaybeViewer) -> Result<(), AppError> {
    if !from_other_origin(headers, state.settings.public_origin().as_deref()) {
        return Ok(());
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or_default().trim_end_matches('/');
    let listed = state.settings.cors_origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin));
    let by_token = viewer.0.as_ref().is_some_and(|v| v.via != AuthVia::Cookie);
    if listed && by_token { Ok(()) } else { Err(origin_rejected()) }
}

/// Live updates over WebSocket (cookie, or `?token=<accessToken>`).
#[utoipa::path(get, path = "/api/ws", tag = "live", params(("token" = Option<String>, Query, description = "access token, for clients without the cookie")),
    responses((status = 101, description = "switching to the WebSocket protocol"), (status = 400, body = ErrorBody, description = "not a WebSocket handshake"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 426, body = ErrorBody, description = "the connection cannot be upgraded")))]
pub async fn websocket(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    this_site_only(&state, &headers, &viewer)?;
    let viewer = viewer.0.ok_or_else(AppError::unauthenticated)?;
    // Browsers always send Origin on a WebSocket handshake: a cookie without one is not a page of ours.
    if viewer.via == AuthVia::Cookie && !headers.contains_key(header::ORIGIN) {
        return Err(origin_rejected());
    }
    // A plain GET (or a broken handshake) gets the error body like any other refusal.
    let upgrade = upgrade
        .map_err(|e| AppError::new(e.status().as_u16(), "websocket_required", "Open this route as a WebSocket."))?;
    // Write buffer 0: each frame goes out as it is sent instead of waiting in a buffer.
    Ok(upgrade
        .max_message_size(MAX_CLIENT_FRAME)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| run_socket(state, viewer, socket)))
}

async fn run_socket(state: AppState, viewer: Viewer, socket: WebSocket) {
    let mut live = Live::open(state, viewer).await;
    let (mut sink, mut stream) = socket.split();
    if sink.send(Message::Text(live.ready(false).into())).await.is_err() {
        return;
    }
    let mut heartbeat = tokio::time::interval(PING_EVERY);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            () = live.close.notified() => return goodbye(&mut sink, &mut live).await,
            event = live.events.recv() => {
                // The hub let go of this connection (shutdown, revoked, too slow): same goodbye.
                let Some(event) = event else { return goodbye(&mut sink, &mut live).await };
                if sink.send(Message::Text(event.json.clone())).await.is_err() {
                    break;
                }
                live.sent(&event);
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    // Boxed: the send path's future is large, and inline it would
                    // enlarge every idle connection's task.
                    if let Some(reply) = Box::pin(live.handle(text.as_str())).await
                        && sink.send(Message::Text(frame_json(&reply).into())).await.is_err()
                    {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > DEAD_AFTER || sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = sink.close().await;
}

/// The server ends the connection: first what is already queued (a `session.revoked` says
/// why), then close code 1012 "service restart", the hint to reconnect (to another instance
/// when this one stops) and catch up by seq. A revoked device's reconnect is refused anyway.
async fn goodbye(sink: &mut futures_util::stream::SplitSink<WebSocket, Message>, live: &mut Live) {
    while let Ok(event) = live.events.try_recv() {
        let _ = sink.send(Message::Text(event.json.clone())).await;
    }
    let hint = CloseFrame { code: 1012, reason: "reconnect".into() };
    let _ = sink.send(Message::Close(Some(hint))).await;
}

/// Live updates as server-sent events; send `Last-Event-ID` to resume after a drop.
#[utoipa::path(get, path = "/api/events", tag = "live", params(("token" = Option<String>, Query, description = "access token, for clients without the cookie")),
    responses((status = 200, content_type = "text/event-stream", description = "frames as JSON in each event's data"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    // A same-origin EventSource sends no Origin; a cross-site one (withCredentials) does.
    this_site_only(&state, &headers, &viewer)?;
    let viewer = viewer.0.ok_or_else(AppError::unauthenticated)?;
    let last_id = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let live = Live::open(state.clone(), viewer.clone()).await;
    let (backlog, resync) = match last_id {
        Some(id) => match state.live.hub.replay_since(viewer.user_id, id) {
            Some(missed) => (missed, false),
            None => (Vec::new(), true),
        },
        None => (Vec::new(), false),
    };
    // Frames queued after registering may also be in the backlog: skip what was replayed.
    let replayed_up_to = backlog.last().map(|e| e.id).or(last_id).unwrap_or(0);
    let ready = SseEvent::default().data(live.ready(resync));
    let stream = futures_util::stream::unfold(
        SseState { live, ready: Some(ready), backlog: backlog.into(), replayed_up_to, closing: false },
        next_sse_event,
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct SseState {
    live: Live,
    ready: Option<SseEvent>,
    backlog: VecDeque<Event>,
    replayed_up_to: u64,
    closing: bool,
}

fn sse_event(event: &Event) -> SseEvent {
    SseEvent::default().id(event.id.to_string()).data(event.json.as_str())
}

async fn next_sse_event(mut st: SseState) -> Option<(Result<SseEvent, Infallible>, SseState)> {
    if let Some(ready) = st.ready.take() {
        return Some((Ok(ready), st));
    }
    if let Some(event) = st.backlog.pop_front() {
        st.live.sent(&event);
        return Some((Ok(sse_event(&event)), st));
    }
    loop {
        if st.closing {
            let event = st.live.events.try_recv().ok()?;
            return Some((Ok(sse_event(&event)), st));
        }
        tokio::select! {
            () = st.live.close.notified() => st.closing = true,
            event = st.live.events.recv() => match event {
                Some(event) if event.id <= st.replayed_up_to => continue,
                Some(event) => {
                    st.live.sent(&event);
                    return Some((Ok(sse_event(&event)), st));
                }
                None => return None,
            },
        }
    }
}
