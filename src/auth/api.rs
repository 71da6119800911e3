//! The auth API as the browser calls it, plus the server functions pages load their data
//! with during server-side rendering (same services, same checks).

use super::model::*;
use crate::error::AppError;
use crate::http;
use dioxus::prelude::*;
use uuid::Uuid;

pub async fn register(req: &RegisterRequest) -> Result<UserResponse, AppError> {
    http::post("/api/auth/register", req).await
}

pub async fn login(req: &LoginRequest) -> Result<LoginResponse, AppError> {
    http::post("/api/auth/login", req).await
}

pub async fn logout(all: bool) -> Result<(), AppError> {
    http::post_no_content("/api/auth/logout", &LogoutRequest { all }).await
}

pub async fn revoke_session(id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/sessions/{id}")).await
}

pub async fn search_users(query: &str) -> Result<UsersResponse, AppError> {
    let q: String = form_urlencoded_value(query);
    http::get(&format!("/api/users/search?q={q}&limit=8")).await
}

/// Keeps a search term to the characters usernames may contain, so it needs no escaping.
fn form_urlencoded_value(raw: &str) -> String {
    raw.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')).take(50).collect()
}

pub async fn update_me(req: &UpdateMeRequest) -> Result<UserResponse, AppError> {
    http::patch("/api/users/me", req).await
}

/// The signed-in user, or none.
#[get("/api/ui/viewer", viewer: crate::platform::viewer::MaybeViewer, app: crate::platform::viewer::App)]
pub async fn load_viewer() -> Result<Option<User>, ServerFnError> {
    let Some(viewer) = viewer.0 else { return Ok(None) };
    Ok(Some(crate::auth::server::service::get_me(&app.0, viewer.user_id).await?))
}

/// The signed-in user's devices.
#[get("/api/ui/sessions", viewer: crate::platform::viewer::Viewer, app: crate::platform::viewer::App)]
pub async fn load_sessions() -> Result<Vec<SessionInfo>, ServerFnError> {
    Ok(crate::auth::server::service::list_sessions(&app.0, viewer.user_id, viewer.session_id).await?)
}
