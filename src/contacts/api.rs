//! The contacts API as the browser calls it, and the server function the shell loads with.

use super::model::*;
use crate::error::AppError;
use crate::http;
use dioxus::prelude::*;
use uuid::Uuid;

pub async fn list() -> Result<ContactsResponse, AppError> {
    http::get("/api/contacts").await
}

pub async fn send_request(user_id: Uuid) -> Result<ContactRequestResponse, AppError> {
    http::post("/api/contacts/requests", &SendContactRequest { user_id: Some(user_id), username: None }).await
}

pub async fn accept(id: Uuid) -> Result<ContactRequestResponse, AppError> {
    http::post(&format!("/api/contacts/requests/{id}/accept"), &serde_json::json!({})).await
}

pub async fn decline(id: Uuid) -> Result<ContactRequestResponse, AppError> {
    http::post(&format!("/api/contacts/requests/{id}/decline"), &serde_json::json!({})).await
}

/// Removes a contact or cancels a request with them.
pub async fn remove(user_id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/contacts/{user_id}")).await
}

pub async fn block(user_id: Uuid) -> Result<(), AppError> {
    http::post_no_content(&format!("/api/blocks/{user_id}"), &serde_json::json!({})).await
}

pub async fn unblock(user_id: Uuid) -> Result<(), AppError> {
    http::delete(&format!("/api/blocks/{user_id}")).await
}

/// The signed-in user's address book (empty when signed out).
#[get("/api/ui/contacts", viewer: crate::platform::viewer::MaybeViewer, app: crate::platform::viewer::App)]
pub async fn load_contacts() -> Result<ContactsResponse, ServerFnError> {
    let Some(viewer) = viewer.0 else { return Ok(ContactsResponse::default()) };
    Ok(crate::contacts::server::service::list(&app.0, viewer.user_id).await?)
}
