//! One live connection, whatever the transport: registration with the hub, presence,
//! delivery marks (written for the whole instance each second, see `deliveries`), and the
//! client frames a WebSocket may send.

use crate::chats::server::activity;
use crate::error::AppError;
use crate::messages::model::SendMessageRequest;
use crate::messages::server::service as messages;
use crate::platform::live::hub::{ConnGuard, Event};
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use crate::presence::server::service as presence;
use crate::realtime::model::{ClientFrame, ServerFrame};
use std::sync::Arc;
use tokio::sync::{Notify, mpsc};

pub struct Live {
    pub state: AppState,
    pub viewer: Viewer,
    pub events: mpsc::Receiver<Event>,
    pub close: Arc<Notify>,
    /// This connection's id in the hub (and in the visibility records).
    conn_id: u64,
    guard: Option<ConnGuard>,
}

impl Live {
    pub async fn open(state: AppState, viewer: Viewer) -> Self {
        let registration = state.live.hub.register(viewer.user_id, viewer.session_id);
        let conn_id = registration.guard.conn_id();
        // The request's session was checked before this registration, and a revocation in
        // between found no connection to close: look again now that it would find this one.
        match crate::auth::server::service::session_is_active(&state, viewer.session_id).await {
            Ok(true) => {}
            Ok(false) => state.live.hub.close_session_here(viewer.user_id, viewer.session_id),
            Err(e) => {
                tracing::warn!(error = %e, "checking a new live connection's session; closing it");
                state.live.hub.close_session_here(viewer.user_id, viewer.session_id);
            }
        }
        // A new connection shows the app until its client says the tab is hidden.
        state.live.visibility.report(&state.live.hub, viewer.user_id, conn_id, true).await;
        presence::arrived(&state, viewer.user_id, registration.first).await;
        metrics::gauge!("live_connections").increment(1.0);
        Self {
            state,
            viewer,
            events: registration.events,
            close: registration.close,
            conn_id,
            guard: Some(registration.guard),
        }
    }

    pub fn ready(&self, resync: bool) -> String {
        frame_json(&ServerFrame::Ready { user_id: self.viewer.user_id, session_id: self.viewer.session_id, resync })
    }

    /// Remembers that a message reached this client.
    pub fn sent(&self, event: &Event) {
        if let Some(d) = event.delivers {
            self.state.live.deliveries.received(self.viewer.user_id, d.chat_id, d.seq, d.sender_id);
        }
    }

    /// Handles one frame a WebSocket client sent; returns the answer to send back, if any.
    pub async fn handle(&self, text: &str) -> Option<ServerFrame> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(_) => {
                return Some(error_frame(
                    None,
                    AppError::bad_request("invalid_frame", "That frame is not one this server understands."),
                ));
            }
        };
        let me = self.viewer.user_id;
        let state = &self.state;
        let outcome = match frame {
            ClientFrame::MessageSend { chat_id, content, client_id, reply_to_id, media_ids } => {
                let req = SendMessageRequest { content, client_id: client_id.clone(), reply_to_id, media_ids };
                // As over HTTP: past REQUEST_TIMEOUT the sender hears "unavailable" and may retry
                // with the same clientId, while the send runs on, so a committed message is
                // still announced and this socket goes back to its other frames.
                let owned = state.clone();
                let send = tokio::spawn(async move { messages::send(&owned, me, chat_id, req).await });
                return Some(match tokio::time::timeout(state.settings.timeouts.request, send).await {
                    Ok(Ok(Ok((_, message)))) => ServerFrame::Ack { client_id, message },
                    Ok(Ok(Err(e))) => error_frame(Some(client_id), e),
                    Ok(Err(_)) => error_frame(Some(client_id), AppError::internal()),
                    Err(_) => error_frame(Some(client_id), AppError::unavailable()),
                });
            }
            ClientFrame::Typing { chat_id, typing } => activity::typing(state, me, chat_id, typing).await,
            ClientFrame::Presence { status } => {
                if let visible @ ("online" | "away") = status.as_str() {
                    state.live.visibility.report(&state.live.hub, me, self.conn_id, visible == "online").await;
                }
                presence::report(state, me, &status).await
            }
            ClientFrame::Read { chat_id, seq } => activity::read(state, me, chat_id, seq).await,
            ClientFrame::Ping {} => return Some(ServerFrame::Pong {}),
        };
        outcome.err().map(|e| error_frame(None, e))
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        metrics::gauge!("live_connections").decrement(1.0);
        drop(self.guard.take());
        let (state, user, conn) = (self.state.clone(), self.viewer.user_id, self.conn_id);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                state.live.visibility.hide(user, conn).await;
                presence::departed(&state, user).await;
            });
        }
    }
}

pub fn frame_json(frame: &ServerFrame) -> String {
    serde_json::to_string(frame).unwrap_or_default()
}

fn error_frame(client_id: Option<String>, err: AppError) -> ServerFrame {
    ServerFrame::Error { client_id, code: err.code, message: err.message }
}
