//! HTTP routes of chats: thin handlers over the chat service.

use super::{members, service, views};
use crate::chats::model::*;
use crate::error::{AppError, ErrorBody};
use crate::platform::extract::{ApiJson, ApiPath};
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post, put};
use uuid::Uuid;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new("GET", "/api/chats", get(list_chats)),
        ApiRoute::new("POST", "/api/chats/direct", post(open_direct)),
        ApiRoute::new("POST", "/api/chats/group", post(create_group)),
        ApiRoute::new("GET", "/api/chats/{id}", get(get_chat)),
        ApiRoute::new("PATCH", "/api/chats/{id}", patch(update_chat)),
        ApiRoute::new("DELETE", "/api/chats/{id}", delete(delete_chat)),
        ApiRoute::new("GET", "/api/chats/by-slug/{slug}", get(get_chat_by_slug)),
        ApiRoute::new("POST", "/api/chats/{id}/members", post(add_members)),
        ApiRoute::new("DELETE", "/api/chats/{id}/members/{user_id}", delete(remove_member)),
        ApiRoute::new("PATCH", "/api/chats/{id}/members/{user_id}", patch(change_role)),
        ApiRoute::new("POST", "/api/chats/{id}/leave", post(leave)),
        ApiRoute::new("POST", "/api/chats/{id}/read", post(mark_read)),
        ApiRoute::new("PUT", "/api/chats/{id}/mute", put(mute_chat)),
    ]
}

/// The caller's chats, newest activity first.
#[utoipa::path(get, path = "/api/chats", tag = "chats", responses((status = 200, body = ChatsResponse), (status = 401, body = ErrorBody)))]
pub async fn list_chats(State(state): State<AppState>, viewer: Viewer) -> Result<Json<ChatsResponse>, AppError> {
    Ok(Json(ChatsResponse { chats: views::list_chats(&state, viewer.user_id).await? }))
}

/// Open the direct chat with a user: 201 when new, 200 with the existing one.
#[utoipa::path(post, path = "/api/chats/direct", tag = "chats", request_body = CreateDirectRequest,
    responses((status = 201, body = ChatResponse), (status = 200, body = ChatResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn open_direct(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<CreateDirectRequest>,
) -> Result<(StatusCode, Json<ChatResponse>), AppError> {
    let (created, chat) = service::open_direct(&state, viewer.user_id, req.user_id).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(ChatResponse { chat })))
}

/// Create a group; the caller becomes its owner.
#[utoipa::path(post, path = "/api/chats/group", tag = "chats", request_body = CreateGroupRequest,
    responses((status = 201, body = ChatResponse), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_group(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<CreateGroupRequest>,
) -> Result<(StatusCode, Json<ChatResponse>), AppError> {
    let chat = service::create_group(&state, viewer.user_id, req).await?;
    Ok((StatusCode::CREATED, Json(ChatResponse { chat })))
}

/// A chat with its members and roles.
#[utoipa::path(get, path = "/api/chats/{id}", tag = "chats", params(("id" = Uuid, Path)),
    responses((status = 200, body = ChatResponse), (status = 404, body = ErrorBody)))]
pub async fn get_chat(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ChatResponse>, AppError> {
    Ok(Json(ChatResponse { chat: views::get_chat(&state, viewer.user_id, id).await? }))
}

/// A group by the slug in its URL.
#[utoipa::path(get, path = "/api/chats/by-slug/{slug}", tag = "chats", params(("slug" = String, Path)),
    responses((status = 200, body = ChatResponse), (status = 404, body = ErrorBody)))]
pub async fn get_chat_by_slug(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ChatResponse>, AppError> {
    Ok(Json(ChatResponse { chat: views::get_chat_by_slug(&state, viewer.user_id, &slug).await? }))
}

/// Rename a group or change its picture (owner and admins).
#[utoipa::path(patch, path = "/api/chats/{id}", tag = "chats", params(("id" = Uuid, Path)), request_body = UpdateChatRequest,
    responses((status = 200, body = ChatResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_chat(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateChatRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    Ok(Json(ChatResponse { chat: members::update_chat(&state, viewer.user_id, id, req).await? }))
}

/// Delete a group for everyone (owner only).
#[utoipa::path(delete, path = "/api/chats/{id}", tag = "chats", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_chat(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    members::delete_chat(&state, viewer.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add people to a group (owner and admins).
#[utoipa::path(post, path = "/api/chats/{id}/members", tag = "chats", params(("id" = Uuid, Path)), request_body = AddMembersRequest,
    responses((status = 200, body = ChatResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_members(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AddMembersRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    members::add_members(&state, viewer.user_id, id, req).await?;
    Ok(Json(ChatResponse { chat: views::get_chat(&state, viewer.user_id, id).await? }))
}

/// Remove someone from a group (owner and admins; admins cannot remove admins); yourself: leave it.
#[utoipa::path(delete, path = "/api/chats/{id}/members/{user_id}", tag = "chats", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the owner removing themselves must hand ownership over first")))]
pub async fn remove_member(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    members::remove_member(&state, viewer.user_id, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a member's role, or hand ownership over with `owner` (owner only).
#[utoipa::path(patch, path = "/api/chats/{id}/members/{user_id}", tag = "chats", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = UpdateMemberRequest,
    responses((status = 200, body = ChatResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn change_role(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<UpdateMemberRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    members::change_role(&state, viewer.user_id, id, user_id, req).await?;
    Ok(Json(ChatResponse { chat: views::get_chat(&state, viewer.user_id, id).await? }))
}

/// Leave a group.
#[utoipa::path(post, path = "/api/chats/{id}/leave", tag = "chats", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    members::leave(&state, viewer.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark everything up to `seq` as read.
#[utoipa::path(post, path = "/api/chats/{id}/read", tag = "chats", params(("id" = Uuid, Path)), request_body = ReadRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReadRequest>,
) -> Result<StatusCode, AppError> {
    crate::chats::server::activity::read(&state, viewer.user_id, id, req.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mute or unmute a chat for the caller: a muted chat sends them no push notifications.
#[utoipa::path(put, path = "/api/chats/{id}/mute", tag = "chats", params(("id" = Uuid, Path)), request_body = MuteRequest,
    responses((status = 200, body = ChatResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mute_chat(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<MuteRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    Ok(Json(ChatResponse { chat: service::set_muted(&state, viewer.user_id, id, req.muted).await? }))
}
