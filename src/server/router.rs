//! The whole HTTP surface: API routes from every domain, health and metrics, the Dioxus
//! pages and server functions, and the middleware every request passes through.

use super::state::AppState;
use super::{health, openapi, rate_limit, telemetry};
use crate::auth::server::{csrf, extract::resolve_viewer, pages, routes as auth_routes, store::DbSessionStore};
use crate::error::AppError;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, get};
use axum::{Extension, Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

/// One API route: the table every router and the OpenAPI test are built from.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

impl ApiRoute {
    pub fn new(method: &'static str, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        Self { method, path, handler }
    }
}

/// Every public API route, from every domain.
pub fn api_routes() -> Vec<ApiRoute> {
    let mut routes = auth_routes::routes();
    routes.extend(crate::chats::server::routes::routes());
    routes.extend(crate::messages::server::routes::routes());
    routes.extend(crate::media::server::routes::routes());
    routes.extend(crate::contacts::server::routes::routes());
    routes.extend(crate::realtime::server::routes::routes());
    routes.extend(crate::search::server::routes::routes());
    routes.push(ApiRoute::new("GET", "/api/openapi.json", get(openapi::serve)));
    routes
}

pub fn build(state: AppState, cookie_key: &[u8]) -> Router {
    let mut api = Router::<AppState>::new();
    for route in api_routes() {
        api = api.route(route.path, route.handler);
    }
    let api = api
        .route("/api/{*rest}", any(unknown_route))
        .route("/health", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(health::metrics))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone());

    let ttl = time::Duration::seconds(i64::try_from(state.settings.session_ttl).unwrap_or(i64::MAX / 1000));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("parlor_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(ttl))
        .with_signed(Key::from(cookie_key));

    // Layers run outermost (last added) first.
    pages_router(&state)
        .merge(api)
        .layer(middleware::from_fn(pages::guard_pages))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit::limit_requests))
        .layer(middleware::from_fn(csrf::check_origin))
        .layer(middleware::from_fn_with_state(state.clone(), resolve_viewer))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(state.clone(), auth_routes::attach_client_ip))
        .layer(Extension(state))
        .layer(middleware::from_fn(telemetry::track_http))
        .layer(CatchPanicLayer::custom(|_| AppError::internal().into_response()))
        .layer(TraceLayer::new_for_http())
}

/// Server-rendered pages and server functions; static files too when the client was built.
fn pages_router(state: &AppState) -> Router {
    use dioxus::server::{DioxusRouterExt, ServeConfig};
    let app = crate::app::App;
    match state.settings.public_dir() {
        Some(_) => Router::new().serve_dioxus_application(ServeConfig::new(), app),
        None => Router::new().serve_api_application(ServeConfig::new(), app),
    }
}

async fn unknown_route() -> AppError {
    AppError::not_found()
}

async fn method_not_allowed() -> Response {
    AppError::new(405, "method_not_allowed", "This route does not accept that method.").into_response()
}
