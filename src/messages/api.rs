//! The messages API as the browser calls it.

use super::model::*;
use crate::error::AppError;
use crate::http;
use uuid::Uuid;

pub async fn send(
    chat_id: Uuid,
    content: String,
    client_id: String,
    reply_to_id: Option<Uuid>,
    media_ids: Vec<Uuid>,
) -> Result<MessageResponse, AppError> {
    let req = SendMessageRequest { content, client_id, reply_to_id, media_ids };
    http::post(&format!("/api/chats/{chat_id}/messages"), &req).await
}

/// Messages after `seq`: the catch-up after a reconnect.
pub async fn after(chat_id: Uuid, seq: i64) -> Result<MessagesResponse, AppError> {
    http::get(&format!("/api/chats/{chat_id}/messages?after={seq}&limit=100")).await
}

/// Older messages, for scrolling back.
pub async fn before(chat_id: Uuid, seq: i64) -> Result<MessagesResponse, AppError> {
    http::get(&format!("/api/chats/{chat_id}/messages?before={seq}&limit=50")).await
}

pub async fn history(id: Uuid) -> Result<EditsResponse, AppError> {
    http::get(&format!("/api/messages/{id}/history")).await
}

pub async fn edit(id: Uuid, content: String) -> Result<MessageResponse, AppError> {
    http::patch(&format!("/api/messages/{id}"), &EditMessageRequest { content }).await
}

pub async fn delete(id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/messages/{id}")).await
}

pub async fn react(id: Uuid, emoji: String) -> Result<(), AppError> {
    http::post_no_content(&format!("/api/messages/{id}/reactions"), &ReactionRequest { emoji }).await
}

pub async fn unreact(id: Uuid, emoji: &str) -> Result<(), AppError> {
    let encoded = percent_encoding::utf8_percent_encode(emoji, percent_encoding::NON_ALPHANUMERIC);
    http::delete(&format!("/api/messages/{id}/reactions/{encoded}")).await
}
