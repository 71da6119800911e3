//! Who is asking: resolved once per request (bearer token or cookie session) by
//! `resolve_viewer`, then read by the `Viewer` / `MaybeViewer` extractors.

use super::service;
use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use tower_sessions::Session;
use uuid::Uuid;

/// The cookie-session key holding the id of the `sessions` row.
pub const SESSION_KEY: &str = "sid";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    Cookie,
    Bearer,
}

/// A signed-in caller: the user and the device session the request came through.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub via: AuthVia,
}

/// The caller if signed in; pages and public routes use this.
#[derive(Debug, Clone)]
pub struct MaybeViewer(pub Option<Viewer>);

#[derive(Clone)]
struct Resolved(Option<Viewer>);

/// The caller's address: the socket peer, or what a trusted proxy says (TRUSTED_PROXIES).
pub fn client_ip(request: &Request, trusted: &[ipnet::IpNet]) -> String {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    // Some proxies add their own X-Forwarded-For line rather than extending the client's, and
    // the client's line comes first: all lines in order, or the walk from the right would start
    // at the client's. A line that is not text stops the walk there, like any other garbage.
    let lines: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().map(|v| v.to_str().unwrap_or("?")).collect();
    let forwarded = (!lines.is_empty()).then(|| lines.join(","));
    crate::server::proxy::client_address(peer, forwarded.as_deref(), trusted)
}

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
    let ip = request.extensions().get::<super::routes::ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
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

fn resolved(parts: &Parts) -> Option<Viewer> {
    parts.extensions.get::<Resolved>().and_then(|r| r.0.clone())
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        resolved(parts).ok_or_else(AppError::unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(resolved(parts)))
    }
}

/// For server functions: the app state, put on every request by the router.
#[derive(Clone)]
pub struct App(pub AppState);

impl<S: Send + Sync> FromRequestParts<S> for App {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<AppState>().cloned().map(App).ok_or_else(AppError::internal)
    }
}
