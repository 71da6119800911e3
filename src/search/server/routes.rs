//! HTTP route of search: a thin handler over the search service.

use super::service;
use crate::error::{AppError, ErrorBody};
use crate::platform::extract::ApiQuery;
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use crate::search::model::*;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Vec<ApiRoute> {
    vec![ApiRoute::new("GET", "/api/search/messages", get(search_messages))]
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct SearchParams {
    /// 1–200 characters, up to 10 words; each word matches anywhere in a message
    /// (prefixes and substrings too), ignoring case and accents. Every word must match.
    #[param(min_length = 1)]
    q: String,
    /// Search one chat only (you must be in it).
    chat_id: Option<Uuid>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// Search the messages of every chat you are in (or of one), best match first, then newest.
#[utoipa::path(get, path = "/api/search/messages", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn search_messages(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResponse>, AppError> {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    Ok(Json(service::search_messages(&state, viewer.user_id, &params.q, params.chat_id, limit).await?))
}
