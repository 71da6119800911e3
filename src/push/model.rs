//! Wire types of the push API and of the notification payload (shared by client and server;
//! the service worker reads the payload).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// Most subscriptions one person keeps; subscribing past this drops the oldest.
pub const MAX_SUBSCRIPTIONS_PER_USER: u64 = 20;

/// The VAPID application server key to pass to `pushManager.subscribe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushKeyResponse {
    /// base64url without padding of the 65-byte uncompressed P-256 point.
    pub public_key: String,
}

/// `PushSubscription.toJSON()` as the browser gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscribeRequest {
    pub endpoint: String,
    /// Ignored: push services say when a subscription is gone (404/410).
    #[serde(default)]
    pub expiration_time: Option<f64>,
    pub keys: SubscriptionKeys,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SubscriptionKeys {
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The browser's 16-byte auth secret, base64url.
    pub auth: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: Uuid,
    pub endpoint: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SubscriptionResponse {
    pub subscription: Subscription,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct UnsubscribeRequest {
    pub endpoint: String,
}

/// The caller's notification settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// Show who wrote and what (false: "New message" only).
    pub previews: bool,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self { previews: true }
    }
}

/// What a notification carries, encrypted for the browser (RFC 8291) and read by the service worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPayload {
    /// The sender ("Alice", or "Alice · Team" in a group); "Parlor" with previews off.
    pub title: String,
    /// Up to 120 characters of the text, "📷 Photo" for images alone; "New message" with previews off.
    pub body: String,
    pub chat_id: Uuid,
    pub message_id: Uuid,
    /// Where a click goes: the message's permalink.
    pub url: String,
    /// One notification per chat: a newer one replaces it.
    pub tag: String,
}
