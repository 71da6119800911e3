//! The whole HTTP surface: API routes from every domain, health and metrics, the Dioxus
//! pages and server functions, and the middleware every request passes through.

use super::{health, openapi};
use crate::auth::server::{csrf, extract::resolve_viewer, pages, routes as auth_routes, store::DbSessionStore};
use crate::error::AppError;
use crate::platform::headers::{self, SecurityHeaders};
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::{cors, proxy, rate_limit, telemetry};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router, middleware};
use tower::util::option_layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

/// Every public API route, from every domain.
pub fn api_routes() -> Vec<ApiRoute> {
    let mut routes = auth_routes::routes();
    routes.extend(crate::chats::server::routes::routes());
    routes.extend(crate::messages::server::routes::routes());
    routes.extend(crate::media::server::routes::routes());
    routes.extend(crate::contacts::server::routes::routes());
    routes.extend(crate::realtime::server::routes::routes());
    routes.extend(crate::search::server::routes::routes());
    routes.extend(crate::push::server::routes::routes());
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

    let index_html = state.settings.public_dir().and_then(|dir| std::fs::read_to_string(dir.join("index.html")).ok());
    let security = std::sync::Arc::new(SecurityHeaders::new(index_html.as_deref(), state.settings.secure_cookies()));
    let cors = cors::layer(&state.settings.cors_origins);

    // Layers run outermost (last added) first.
    pages_router(&state)
        .merge(api)
        .layer(middleware::from_fn(pages::guard_pages))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit::limit_requests))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::check_origin))
        .layer(middleware::from_fn_with_state(state.clone(), resolve_viewer))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(state.clone(), proxy::attach_client_ip))
        .layer(Extension(state.clone()))
        .layer(middleware::from_fn_with_state(state, deadline))
        .layer(middleware::from_fn(telemetry::track_http))
        .layer(CatchPanicLayer::custom(|_| AppError::internal().into_response()))
        .layer(option_layer(cors))
        .layer(middleware::from_fn_with_state(security, headers::secure))
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

/// Answers 503 once a request has taken REQUEST_TIMEOUT: a dependency that accepted a query and
/// then went silent would otherwise hold the caller forever. The work itself runs on in the
/// background, so what it started (a committed message and its announcement) is never cut in
/// half; a client retrying with the same clientId gets the same message. Uploads are exempt:
/// their bodies may take long to arrive, and each of their own waits is bounded.
async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == Method::POST && request.uri().path() == "/api/media" {
        return next.run(request).await;
    }
    let mut work = tokio::spawn(next.run(request));
    match tokio::time::timeout(state.settings.timeouts.request, &mut work).await {
        Ok(Ok(response)) => response,
        // The handler panicked; CatchPanicLayer sits outside the spawned task.
        Ok(Err(_)) => AppError::internal().into_response(),
        Err(_) => {
            metrics::counter!("http_requests_timed_out_total").increment(1);
            tracing::warn!(timeout = ?state.settings.timeouts.request, "request timed out; answered 503");
            AppError::unavailable().into_response()
        }
    }
}

async fn unknown_route() -> AppError {
    AppError::not_found()
}

async fn method_not_allowed() -> Response {
    AppError::new(405, "method_not_allowed", "This route does not accept that method.").into_response()
}
