//! HTTP routes of contacts and blocks: thin handlers over the contacts services.

use super::{blocks, requests, service};
use crate::contacts::model::*;
use crate::error::{AppError, ErrorBody};
use crate::platform::extract::{ApiJson, ApiPath};
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use uuid::Uuid;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new("GET", "/api/contacts", get(list_contacts)),
        ApiRoute::new("POST", "/api/contacts/requests", post(send_request)),
        ApiRoute::new("POST", "/api/contacts/requests/{id}/accept", post(accept_request)),
        ApiRoute::new("POST", "/api/contacts/requests/{id}/decline", post(decline_request)),
        ApiRoute::new("DELETE", "/api/contacts/{user_id}", delete(remove_contact)),
        ApiRoute::new("POST", "/api/blocks/{user_id}", post(block_user)),
        ApiRoute::new("DELETE", "/api/blocks/{user_id}", delete(unblock_user)),
    ]
}

/// The caller's contacts, pending requests both ways, and block list.
#[utoipa::path(get, path = "/api/contacts", tag = "contacts", responses((status = 200, body = ContactsResponse), (status = 401, body = ErrorBody)))]
pub async fn list_contacts(State(state): State<AppState>, viewer: Viewer) -> Result<Json<ContactsResponse>, AppError> {
    Ok(Json(service::list(&state, viewer.user_id).await?))
}

/// Ask someone (by userId or username) to become contacts. Asking someone who already asked
/// you accepts their request (200); asking again returns the pending request (200).
#[utoipa::path(post, path = "/api/contacts/requests", tag = "contacts", request_body = SendContactRequest,
    responses((status = 201, body = ContactRequestResponse), (status = 200, body = ContactRequestResponse), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn send_request(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<SendContactRequest>,
) -> Result<(StatusCode, Json<ContactRequestResponse>), AppError> {
    let (created, request) = requests::send(&state, viewer.user_id, req).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(ContactRequestResponse { request })))
}

/// Accept a request sent to the caller.
#[utoipa::path(post, path = "/api/contacts/requests/{id}/accept", tag = "contacts", params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactRequestResponse), (status = 404, body = ErrorBody)))]
pub async fn accept_request(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ContactRequestResponse>, AppError> {
    Ok(Json(ContactRequestResponse { request: requests::accept(&state, viewer.user_id, id).await? }))
}

/// Decline a request sent to the caller.
#[utoipa::path(post, path = "/api/contacts/requests/{id}/decline", tag = "contacts", params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactRequestResponse), (status = 404, body = ErrorBody)))]
pub async fn decline_request(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ContactRequestResponse>, AppError> {
    Ok(Json(ContactRequestResponse { request: requests::decline(&state, viewer.user_id, id).await? }))
}

/// Remove a contact, or cancel a pending request with that person.
#[utoipa::path(delete, path = "/api/contacts/{user_id}", tag = "contacts", params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_contact(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(user_id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    requests::remove(&state, viewer.user_id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Block someone: they can no longer message you, start a chat with you, ask to be your
/// contact or see your presence. They are not told.
#[utoipa::path(post, path = "/api/blocks/{user_id}", tag = "contacts", params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn block_user(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(user_id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    blocks::block(&state, viewer.user_id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unblock someone.
#[utoipa::path(delete, path = "/api/blocks/{user_id}", tag = "contacts", params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unblock_user(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(user_id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    blocks::unblock(&state, viewer.user_id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
