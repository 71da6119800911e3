//! Who is asking, as every handler reads it: a signed-in `Viewer` (user and device session)
//! or nobody. The accounts domain resolves it once per request (`auth::server::extract`)
//! and leaves it in the request's extensions, where these extractors find it.

use super::state::AppState;
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;

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

/// What the resolver found for this request, kept in its extensions.
#[derive(Clone)]
pub struct Resolved(pub Option<Viewer>);

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
