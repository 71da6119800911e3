//! Who is asking: resolved once per request (bearer token or cookie session) by
//! `resolve_viewer`, then read by the platform's `Viewer` / `MaybeViewer` extractors.

use super::service;
use crate::error::AppError;
use crate::platform::proxy::ClientIp;
use crate::platform::state::AppState;
use crate::platform::viewer::{AuthVia, Resolved, Viewer};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;
use uuid::Uuid;

/// The cookie-session key holding the id of the `sessions` row.
pub const SESSION_KEY: &str = "sid";

fn bearer(request: &Request) -> Option<String> {
    if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let (scheme, token) = value.to_str().ok()?.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned());
    }
    // WebSocket and EventSource clients cannot set headers: the live endpoints take ?token=.
    if matches!(request.uri().path(), "/api/ws" | "/api/events") {
        let query = request.uri().query()?;
        return form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned());
    }
    None
}

pub async fn resolve_viewer(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = request.extensions().get::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
    let token = bearer(&request);
    match find_viewer(&state, &session, token, &ip).await {
        Ok(viewer) => {
            request.extensions_mut().insert(Resolved(viewer));
            next.run(request).await
        }
        Err(err) => err.into_response(),
    }
}

async fn find_viewer(
    state: &AppState,
    session: &Session,
    token: Option<String>,
    ip: &str,
) -> Result<Option<Viewer>, AppError> {
    if let Some(token) = token {
        let Ok(claims) = state.tokens.verify_access(&token) else { return Ok(None) };
        let active = service::active_session(state, claims.sid, ip).await?;
        return Ok(active.filter(|s| s.user_id == claims.sub).map(|s| Viewer {
            user_id: s.user_id,
            session_id: s.id,
            via: AuthVia::Bearer,
        }));
    }
    let session_id = match session.get::<Uuid>(SESSION_KEY).await {
        Ok(Some(id)) => id,
        // The store did not answer (the database is away): the caller is unknown for now, not
        // signed out, or a client would drop a perfectly good session.
        Err(tower_sessions::session::Error::Store(e)) => {
            tracing::warn!(error = %e, "reading the cookie session");
            return Err(AppError::unavailable());
        }
        Ok(None) | Err(_) => return Ok(None),
    };
    match service::active_session(state, session_id, ip).await? {
        Some(s) => Ok(Some(Viewer { user_id: s.user_id, session_id: s.id, via: AuthVia::Cookie })),
        None => {
            // Revoked or expired elsewhere: forget the cookie session too.
            let _ = session.flush().await;
            Ok(None)
        }
    }
}
