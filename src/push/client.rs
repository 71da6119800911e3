//! Web Push from the browser's side: the device's subscription (through `parlorPush` in
//! public/pwa.js) and the API calls that register it, the preview choice and per-chat mute.

use crate::chats::model::ChatResponse;
use crate::error::AppError;
use crate::http;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyResponse {
    public_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PushSettings {
    /// Show the sender and the text; false sends only "New message".
    pub previews: bool,
}

#[derive(Serialize)]
struct Unsubscribe<'a> {
    endpoint: &'a str,
}

#[derive(Serialize)]
struct MuteRequest {
    muted: bool,
}

/// Notifications on this device: "unsupported", "denied", "off" or "on".
pub async fn device_state() -> String {
    crate::browser::push::state().await.unwrap_or_else(|| "unsupported".to_owned())
}

/// Asks the browser for permission, subscribes, and registers the subscription with the server.
pub async fn enable() -> Result<(), AppError> {
    let key: KeyResponse = http::get("/api/push/key").await?;
    let subscription = subscribe_device(&key.public_key).await?;
    let _: serde_json::Value = http::post("/api/push/subscriptions", &subscription).await?;
    Ok(())
}

/// Unsubscribes this device and tells the server to forget it.
pub async fn disable() -> Result<(), AppError> {
    if let Some(endpoint) = unsubscribe_device().await {
        http::delete_with("/api/push/subscriptions", &Unsubscribe { endpoint: &endpoint }).await?;
    }
    Ok(())
}

pub async fn settings() -> Result<PushSettings, AppError> {
    http::get("/api/push/settings").await
}

pub async fn set_previews(previews: bool) -> Result<PushSettings, AppError> {
    http::put("/api/push/settings", &PushSettings { previews }).await
}

pub async fn mute(chat_id: Uuid, muted: bool) -> Result<ChatResponse, AppError> {
    http::put(&format!("/api/chats/{chat_id}/mute"), &MuteRequest { muted }).await
}

async fn subscribe_device(public_key: &str) -> Result<serde_json::Value, AppError> {
    let text = crate::browser::push::subscribe(public_key).await?;
    serde_json::from_str(&text).map_err(|e| AppError::network(format!("unexpected subscription: {e}")))
}

async fn unsubscribe_device() -> Option<String> {
    crate::browser::push::unsubscribe().await
}
