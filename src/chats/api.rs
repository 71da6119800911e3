//! The chats API as the browser calls it, and the server functions chat pages load with.

use super::model::*;
use crate::error::AppError;
use crate::http;
use dioxus::prelude::*;
use uuid::Uuid;

pub async fn open_direct(user_id: Uuid) -> Result<ChatResponse, AppError> {
    http::post("/api/chats/direct", &CreateDirectRequest { user_id }).await
}

pub async fn create_group(name: String, participant_ids: Vec<Uuid>) -> Result<ChatResponse, AppError> {
    http::post("/api/chats/group", &CreateGroupRequest { name, participant_ids }).await
}

pub async fn list_chats() -> Result<ChatsResponse, AppError> {
    http::get("/api/chats").await
}

pub async fn mark_read(chat_id: Uuid, seq: i64) -> Result<(), AppError> {
    http::post_no_content(&format!("/api/chats/{chat_id}/read"), &ReadRequest { seq }).await
}

/// The signed-in user's chats, newest activity first (empty when signed out).
#[get("/api/ui/chats", viewer: crate::auth::server::extract::MaybeViewer, app: crate::auth::server::extract::App)]
pub async fn load_chats() -> Result<Vec<Chat>, ServerFnError> {
    let Some(viewer) = viewer.0 else { return Ok(Vec::new()) };
    Ok(crate::chats::server::service::list_chats(&app.0, viewer.user_id).await?)
}
