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

pub async fn get_chat(id: Uuid) -> Result<ChatResponse, AppError> {
    http::get(&format!("/api/chats/{id}")).await
}

pub async fn rename(id: Uuid, name: String) -> Result<ChatResponse, AppError> {
    http::patch(&format!("/api/chats/{id}"), &UpdateChatRequest { name: Some(name), avatar_media_id: None }).await
}

pub async fn set_avatar(id: Uuid, media_id: Uuid) -> Result<ChatResponse, AppError> {
    http::patch(&format!("/api/chats/{id}"), &UpdateChatRequest { name: None, avatar_media_id: Some(media_id) }).await
}

pub async fn add_members(id: Uuid, user_ids: Vec<Uuid>) -> Result<ChatResponse, AppError> {
    http::post(&format!("/api/chats/{id}/members"), &AddMembersRequest { user_ids }).await
}

pub async fn remove_member(id: Uuid, user_id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/chats/{id}/members/{user_id}")).await
}

pub async fn change_role(id: Uuid, user_id: Uuid, role: &str) -> Result<ChatResponse, AppError> {
    http::patch(&format!("/api/chats/{id}/members/{user_id}"), &UpdateMemberRequest { role: role.to_owned() }).await
}

pub async fn leave(id: Uuid) -> Result<(), AppError> {
    http::post_no_content(&format!("/api/chats/{id}/leave"), &serde_json::json!({})).await
}

pub async fn delete_chat(id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/chats/{id}")).await
}

pub async fn list_chats() -> Result<ChatsResponse, AppError> {
    http::get("/api/chats").await
}

pub async fn mark_read(chat_id: Uuid, seq: i64) -> Result<(), AppError> {
    http::post_no_content(&format!("/api/chats/{chat_id}/read"), &ReadRequest { seq }).await
}

/// A chat and its latest messages; None when the caller is not in it (the page shows "not found").
#[get("/api/ui/chats/{id}", viewer: crate::platform::viewer::Viewer, app: crate::platform::viewer::App)]
pub async fn load_chat_view(id: Uuid) -> Result<Option<ChatView>, ServerFnError> {
    use crate::error::OrNotFound;
    use crate::messages::server::service::{Window, history};
    let state = &app.0;
    let found = crate::chats::server::views::get_chat(state, viewer.user_id, id).await.found()?;
    let Some(chat) = found else { return Ok(None) };
    let page = history(state, viewer.user_id, id, Window::Latest, 50).await?;
    Ok(Some(ChatView { chat, messages: page.messages, has_more: page.has_more }))
}

/// A chat around one message (a permalink); None when the caller cannot see it.
#[get("/api/ui/chats/{id}/around/{message}", viewer: crate::platform::viewer::Viewer, app: crate::platform::viewer::App)]
pub async fn load_chat_around(id: Uuid, message: Uuid) -> Result<Option<ChatView>, ServerFnError> {
    use crate::error::OrNotFound;
    use crate::messages::server::service::{Window, history};
    let state = &app.0;
    let found = crate::chats::server::views::get_chat(state, viewer.user_id, id).await.found()?;
    let Some(chat) = found else { return Ok(None) };
    let page = history(state, viewer.user_id, id, Window::Around(message), 50).await.found()?;
    Ok(page.map(|page| ChatView { chat, messages: page.messages, has_more: page.has_more }))
}

/// A group by its slug, with its latest messages.
#[get("/api/ui/groups/{slug}", viewer: crate::platform::viewer::Viewer, app: crate::platform::viewer::App)]
pub async fn load_group_view(slug: String) -> Result<Option<ChatView>, ServerFnError> {
    use crate::error::OrNotFound;
    use crate::messages::server::service::{Window, history};
    let state = &app.0;
    let found = crate::chats::server::views::get_chat_by_slug(state, viewer.user_id, &slug).await.found()?;
    let Some(chat) = found else { return Ok(None) };
    let page = history(state, viewer.user_id, chat.id, Window::Latest, 50).await?;
    Ok(Some(ChatView { chat, messages: page.messages, has_more: page.has_more }))
}

/// The signed-in user's chats, newest activity first (empty when signed out).
#[get("/api/ui/chats", viewer: crate::platform::viewer::MaybeViewer, app: crate::platform::viewer::App)]
pub async fn load_chats() -> Result<Vec<Chat>, ServerFnError> {
    let Some(viewer) = viewer.0 else { return Ok(Vec::new()) };
    Ok(crate::chats::server::views::list_chats(&app.0, viewer.user_id).await?)
}
