//! Search rules: only chats the caller is in now, only live messages, snippets that mark
//! where the query matched.

use super::repo::{self, Scope};
use super::snippet::snippet;
use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::messages::format::plain_text;
use crate::messages::server::service as messages;
use crate::platform::state::AppState;
use crate::search::model::*;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// Messages matching `raw` in the caller's chats (or in `chat_id`, which they must be in).
pub async fn search_messages(
    state: &AppState,
    me: Uuid,
    raw: &str,
    chat_id: Option<Uuid>,
    limit: u64,
) -> Result<SearchResponse, AppError> {
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::bad_request("invalid_query", "limit is 1 to 100."));
    }
    // One spelling of "é" (composed), so the indexes and the snippet compare like with like.
    let normalized: String = raw.nfc().collect();
    let query = SearchQuery::parse(&normalized)?;
    if let Some(id) = chat_id {
        chats::joined(state, id, me).await?;
    }
    let scope = Scope { user_id: me, chat_id };
    let rows = repo::find_matches(&state.db, &scope, query.text(), query.terms(), limit).await?;
    let mut chat_views = HashMap::new();
    for chat_id in rows.iter().map(|m| m.chat_id) {
        if let Entry::Vacant(slot) = chat_views.entry(chat_id) {
            slot.insert(crate::chats::server::views::get_chat(state, me, chat_id).await?);
        }
    }
    let found = messages::assemble(state, me, rows).await?;
    let results = found
        .into_iter()
        .filter_map(|message| {
            let chat = chat_views.get(&message.chat_id)?.clone();
            let (snippet, highlights) = snippet(&plain_text(&message.content), query.terms());
            Some(SearchResult { message, chat, snippet, highlights })
        })
        .collect();
    Ok(SearchResponse { results })
}
