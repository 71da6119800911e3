//! HTTP routes of messages: thin handlers over the message service.

use super::service::{self, Window};
use crate::error::{AppError, ErrorBody};
use crate::messages::model::*;
use crate::platform::extract::{ApiJson, ApiPath, ApiQuery};
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new("GET", "/api/chats/{id}/messages", get(history)),
        ApiRoute::new("POST", "/api/chats/{id}/messages", post(send)),
        ApiRoute::new("GET", "/api/messages/{id}", get(get_message)),
        ApiRoute::new("PATCH", "/api/messages/{id}", axum::routing::patch(edit)),
        ApiRoute::new("DELETE", "/api/messages/{id}", delete(delete_message)),
        ApiRoute::new("GET", "/api/messages/{id}/history", get(edits)),
        ApiRoute::new("GET", "/api/messages/{id}/receipts", get(receipts)),
        ApiRoute::new("POST", "/api/messages/{id}/reactions", post(react)),
        ApiRoute::new("DELETE", "/api/messages/{id}/reactions/{emoji}", delete(unreact)),
    ]
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Messages with a smaller seq (older).
    before: Option<i64>,
    /// Messages with a larger seq (newer): catch-up after a reconnect.
    after: Option<i64>,
    /// The messages around this one (a permalink).
    around: Option<Uuid>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// A page of a chat's history, ordered by seq.
#[utoipa::path(get, path = "/api/chats/{id}/messages", tag = "messages", params(("id" = Uuid, Path), HistoryQuery),
    responses((status = 200, body = MessagesResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<MessagesResponse>, AppError> {
    let window = match (q.before, q.after, q.around) {
        (None, None, None) => Window::Latest,
        (Some(seq), None, None) => Window::Before(seq),
        (None, Some(seq), None) => Window::After(seq),
        (None, None, Some(message)) => Window::Around(message),
        _ => return Err(AppError::bad_request("invalid_query", "Use at most one of before, after and around.")),
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_query", "limit is 1 to 100."));
    }
    Ok(Json(service::history(&state, viewer.user_id, id, window, limit).await?))
}

/// Send a message. The same clientId again returns the first message (200) instead of a copy.
#[utoipa::path(post, path = "/api/chats/{id}/messages", tag = "messages", params(("id" = Uuid, Path)), request_body = SendMessageRequest,
    responses((status = 201, body = MessageResponse), (status = 200, body = MessageResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<MessageResponse>), AppError> {
    let (created, message) = service::send(&state, viewer.user_id, id, req).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(MessageResponse { message })))
}

/// One message.
#[utoipa::path(get, path = "/api/messages/{id}", tag = "messages", params(("id" = Uuid, Path)),
    responses((status = 200, body = MessageResponse), (status = 404, body = ErrorBody)))]
pub async fn get_message(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MessageResponse>, AppError> {
    Ok(Json(MessageResponse { message: service::get(&state, viewer.user_id, id).await? }))
}

/// Edit your own message; the previous text is kept in its history.
#[utoipa::path(patch, path = "/api/messages/{id}", tag = "messages", params(("id" = Uuid, Path)), request_body = EditMessageRequest,
    responses((status = 200, body = MessageResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EditMessageRequest>,
) -> Result<Json<MessageResponse>, AppError> {
    Ok(Json(MessageResponse { message: service::edit(&state, viewer.user_id, id, &req.content).await? }))
}

/// Delete a message for everyone; a tombstone stays in the timeline.
#[utoipa::path(delete, path = "/api/messages/{id}", tag = "messages", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_message(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    service::delete(&state, viewer.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Earlier versions of an edited message, oldest first.
#[utoipa::path(get, path = "/api/messages/{id}/history", tag = "messages", params(("id" = Uuid, Path)),
    responses((status = 200, body = EditsResponse), (status = 404, body = ErrorBody)))]
pub async fn edits(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<EditsResponse>, AppError> {
    Ok(Json(EditsResponse { edits: service::edits(&state, viewer.user_id, id).await? }))
}

/// Who has received and read a message.
#[utoipa::path(get, path = "/api/messages/{id}/receipts", tag = "messages", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReceiptsResponse), (status = 404, body = ErrorBody)))]
pub async fn receipts(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReceiptsResponse>, AppError> {
    Ok(Json(service::receipts(&state, viewer.user_id, id).await?))
}

/// React with an emoji (once per emoji per person).
#[utoipa::path(post, path = "/api/messages/{id}/reactions", tag = "messages", params(("id" = Uuid, Path)), request_body = ReactionRequest,
    responses((status = 201), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn react(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReactionRequest>,
) -> Result<StatusCode, AppError> {
    service::react(&state, viewer.user_id, id, &req.emoji).await?;
    Ok(StatusCode::CREATED)
}

/// Take your reaction back.
#[utoipa::path(delete, path = "/api/messages/{id}/reactions/{emoji}", tag = "messages", params(("id" = Uuid, Path), ("emoji" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unreact(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, emoji)): ApiPath<(Uuid, String)>,
) -> Result<StatusCode, AppError> {
    service::unreact(&state, viewer.user_id, id, &emoji).await?;
    Ok(StatusCode::NO_CONTENT)
}
