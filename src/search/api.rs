//! The search API as the browser calls it.

use super::model::SearchResponse;
use crate::error::AppError;
use crate::http;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use uuid::Uuid;

/// Messages matching `q`, in every chat of the caller or in `chat_id`.
pub async fn search_messages(q: &str, chat_id: Option<Uuid>, limit: u64) -> Result<SearchResponse, AppError> {
    let mut path = format!("/api/search/messages?q={}&limit={limit}", utf8_percent_encode(q, NON_ALPHANUMERIC));
    if let Some(id) = chat_id {
        path.push_str(&format!("&chatId={id}"));
    }
    http::get(&path).await
}
