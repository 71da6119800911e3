//! Wire types and limits of images.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// Largest width and height accepted, in pixels.
pub const MAX_SIDE: u32 = 4096;
/// Images one message may carry.
pub const MAX_PER_MESSAGE: usize = 5;
/// What the file picker offers; the server decides the real type from the bytes.
pub const ACCEPTED_TYPES: &str = "image/jpeg,image/png,image/gif,image/webp";

/// An uploaded image and where its three variants are served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Media {
    pub id: Uuid,
    /// The full image, re-encoded without metadata.
    pub url: String,
    /// Fits inside 800 × 800.
    pub medium_url: String,
    /// 300 × 300, cropped to fill.
    pub thumbnail_url: String,
    /// Of the full image, after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// Bytes of the full image as stored.
    pub size: u64,
    pub mime: String,
}

/// Which stored version of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Medium,
    Thumbnail,
}

impl Variant {
    pub fn url(self, id: Uuid) -> String {
        match self {
            Variant::Original => format!("/api/media/{id}"),
            Variant::Medium => format!("/api/media/{id}/medium"),
            Variant::Thumbnail => format!("/api/media/{id}/thumbnail"),
        }
    }
}

/// The URL of an avatar picture, from the id of its image.
pub fn avatar_url(id: Uuid) -> String {
    Variant::Thumbnail.url(id)
}
