//! HTTP routes of accounts and sessions: thin handlers that parse, call the service, answer.

use super::extract::SESSION_KEY;
use super::service::{self, ClientInfo};
use crate::auth::model::*;
use crate::error::{AppError, ErrorBody};
use crate::platform::extract::{ApiJson, ApiJsonOrEmpty, ApiPath, ApiQuery};
use crate::platform::proxy::ClientIp;
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{delete, get, patch, post};
use axum::{Extension, Json};
use tower_sessions::Session;
use uuid::Uuid;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new("POST", "/api/auth/register", post(register)),
        ApiRoute::new("POST", "/api/auth/login", post(login)),
        ApiRoute::new("POST", "/api/auth/refresh", post(refresh)),
        ApiRoute::new("POST", "/api/auth/logout", post(logout)),
        ApiRoute::new("GET", "/api/sessions", get(list_sessions)),
        ApiRoute::new("DELETE", "/api/sessions/{id}", delete(revoke_session)),
        ApiRoute::new("GET", "/api/users/me", get(get_me)),
        ApiRoute::new("PATCH", "/api/users/me", patch(update_me)),
        ApiRoute::new("GET", "/api/users/search", get(search_users)),
        ApiRoute::new("GET", "/api/users/{id}", get(get_user)),
    ]
}

/// Create an account.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = UserResponse), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<UserResponse>), AppError> {
    let user = service::register(&state, req).await?;
    Ok((StatusCode::CREATED, Json(UserResponse { user })))
}

/// Sign in: returns tokens for API clients and sets the browser session cookie.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    session: Session,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (response, session_id) = service::login(&state, req, &ClientInfo { ip: ip.0, user_agent }).await?;
    // A new id on sign-in: a cookie planted before sign-in never becomes a signed-in session.
    session.cycle_id().await.map_err(|e| anyhow::anyhow!("cycling session id: {e}"))?;
    session.insert(SESSION_KEY, session_id).await.map_err(|e| anyhow::anyhow!("saving session: {e}"))?;
    Ok(Json(response))
}

/// Exchange a refresh token for new tokens; the old refresh token stops working.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    Ok(Json(service::refresh(&state, req).await?))
}

/// Sign out this device, or every device with `all`.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = Option<LogoutRequest>,
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    ApiJsonOrEmpty(body): ApiJsonOrEmpty<LogoutRequest>,
) -> Result<StatusCode, AppError> {
    let all = body.all;
    service::logout(&state, viewer.user_id, viewer.session_id, all).await?;
    let _ = session.flush().await;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's signed-in devices.
#[utoipa::path(get, path = "/api/sessions", tag = "auth",
    responses((status = 200, body = SessionsResponse), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(State(state): State<AppState>, viewer: Viewer) -> Result<Json<SessionsResponse>, AppError> {
    let sessions = service::list_sessions(&state, viewer.user_id, viewer.session_id).await?;
    Ok(Json(SessionsResponse { sessions }))
}

/// Sign out one of the caller's devices.
#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "auth", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    service::revoke_session(&state, viewer.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's profile.
#[utoipa::path(get, path = "/api/users/me", tag = "users",
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody)))]
pub async fn get_me(State(state): State<AppState>, viewer: Viewer) -> Result<Json<UserResponse>, AppError> {
    Ok(Json(UserResponse { user: service::get_me(&state, viewer.user_id).await? }))
}

/// Change the caller's display name or avatar.
#[utoipa::path(patch, path = "/api/users/me", tag = "users", request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<UpdateMeRequest>,
) -> Result<Json<UserResponse>, AppError> {
    Ok(Json(UserResponse { user: service::update_me(&state, viewer.user_id, req).await? }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The start of a username, case-insensitive (1–50 characters once trimmed).
    #[param(min_length = 1)]
    q: String,
    /// How many at most, default 20; more than 50 is taken as 50.
    limit: Option<u64>,
}

/// Find people by the start of their username.
#[utoipa::path(get, path = "/api/users/search", tag = "users", params(SearchQuery),
    responses((status = 200, body = UsersResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search_users(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<UsersResponse>, AppError> {
    let users = service::search_users(&state, viewer.user_id, &q.q, q.limit.unwrap_or(20)).await?;
    Ok(Json(UsersResponse { users }))
}

/// One person's public profile; presence shows only to their contacts and chat partners.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<UserResponse>, AppError> {
    Ok(Json(UserResponse { user: service::get_user(&state, viewer.user_id, id).await? }))
}
