//! Image rules: storing an upload, who may see an image, attaching images to a message,
//! and removing them with it. An image is visible to its uploader, to members of the chat it
//! was sent in, to everyone signed in when it is a person's avatar, and to a group's members
//! when it is the group's avatar. Everyone else gets 404, as if it did not exist.

use super::process::{self, Processed, Rejection};
use super::repo;
use crate::error::AppError;
use crate::media::model::{MAX_PER_MESSAGE, Media, Variant};
use crate::platform::entity::media;
use crate::platform::state::AppState;
use crate::platform::storage::Object;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use uuid::Uuid;

pub fn refused(rejection: Rejection) -> AppError {
    let (status, code) = match rejection {
        Rejection::Empty => (400, "empty_file"),
        Rejection::Invalid => (400, "invalid_image"),
        Rejection::TooBig => (413, "file_too_large"),
        Rejection::TooManyPixels => (413, "image_too_large"),
        Rejection::TooManyFrames => (413, "animation_too_large"),
        Rejection::Unsupported => (415, "unsupported_media_type"),
    };
    AppError::new(status, code, rejection.to_string())
}

fn storage_down(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "image storage failed");
    AppError::new(503, "storage_unavailable", "Images cannot be stored right now; try again shortly.")
}

pub fn to_media(m: &media::Model) -> Media {
    Media {
        id: m.id,
        url: Variant::Original.url(m.id),
        medium_url: Variant::Medium.url(m.id),
        thumbnail_url: Variant::Thumbnail.url(m.id),
        width: u32::try_from(m.width).unwrap_or(0),
        height: u32::try_from(m.height).unwrap_or(0),
        size: u64::try_from(m.size).unwrap_or(0),
        mime: m.mime.clone(),
    }
}

/// Checks, cleans and stores an uploaded file (already streamed to `path`, which the caller removes).
pub async fn store_upload(state: &AppState, me: Uuid, path: PathBuf) -> Result<Media, AppError> {
    // A few decodes at a time: each can hold a couple of hundred MB at worst.
    let _permit = state.media_permits.clone().acquire_owned().await.map_err(|_| AppError::internal())?;
    let processed = tokio::task::spawn_blocking(move || process::process(&path))
        .await
        .map_err(|_| AppError::internal())?
        .map_err(refused)?;
    let id = Uuid::now_v7();
    let Processed { width, height, original, medium, thumbnail } = processed;
    let keys = [
        format!("{id}/original.{}", original.ext),
        format!("{id}/medium.{}", medium.ext),
        format!("{id}/thumbnail.{}", thumbnail.ext),
    ];
    let (mime, size) = (original.mime, original.bytes.len());
    let storage = &state.storage;
    let stored = tokio::try_join!(
        storage.put(&keys[0], original.bytes, original.mime),
        storage.put(&keys[1], medium.bytes, medium.mime),
        storage.put(&keys[2], thumbnail.bytes, thumbnail.mime),
    );
    if let Err(e) = stored {
        // The uploader hears at once: clearing what did get stored waits on the same storage.
        let (state, keys) = (state.clone(), keys.clone());
        tokio::spawn(async move { remove_objects(&state, &keys).await });
        return Err(storage_down(e));
    }
    let [original_key, medium_key, thumbnail_key] = keys;
    let model = repo::create(
        &state.db,
        media::ActiveModel {
            id: Set(id),
            uploader_id: Set(me),
            message_id: Set(None),
            mime: Set(mime.to_owned()),
            size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
            width: Set(i32::try_from(width).unwrap_or(0)),
            height: Set(i32::try_from(height).unwrap_or(0)),
            original_key: Set(original_key),
            medium_key: Set(medium_key),
            thumbnail_key: Set(thumbnail_key),
            created_at: Set(Utc::now()),
        },
    )
    .await?;
    Ok(to_media(&model))
}

/// Who uploaded an image and the message it was sent with, if it exists (for the access rule).
pub struct Origin {
    pub uploader_id: Uuid,
    pub message_id: Option<Uuid>,
}

pub async fn origin(state: &AppState, id: Uuid) -> Result<Option<Origin>, AppError> {
    Ok(repo::find(&state.db, id).await?.map(|m| Origin { uploader_id: m.uploader_id, message_id: m.message_id }))
}

/// Whether the image is someone's profile picture.
pub async fn is_user_avatar(state: &AppState, id: Uuid) -> Result<bool, AppError> {
    Ok(repo::is_user_avatar(&state.db, id).await?)
}

/// The groups whose picture the image is.
pub async fn avatar_of_chats(state: &AppState, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(repo::avatar_of_chats(&state.db, id).await?)
}

/// One variant of an image, with its content type. Who may see it is `access::media`'s rule:
/// routes call `access::media::open_media`, which asks it first.
pub async fn open(state: &AppState, id: Uuid, variant: Variant) -> Result<(Object, &'static str), AppError> {
    let m = repo::find(&state.db, id).await?.ok_or_else(AppError::not_found)?;
    let key = match variant {
        Variant::Original => &m.original_key,
        Variant::Medium => &m.medium_key,
        Variant::Thumbnail => &m.thumbnail_key,
    };
    let object = state.storage.get(key).await.map_err(storage_down)?.ok_or_else(AppError::not_found)?;
    Ok((object, content_type(key)))
}

/// Keys end in the extension the server chose when it encoded the bytes.
fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// An image the caller uploaded (for avatars): anything else is invalid.
pub async fn require_own(state: &AppState, me: Uuid, id: Uuid) -> Result<(), AppError> {
    match repo::find(&state.db, id).await? {
        Some(m) if m.uploader_id == me => Ok(()),
        _ => Err(AppError::bad_request("invalid_media", "That image does not exist or is not yours.")),
    }
}

/// The ids a message wants to carry, checked before its transaction: at most five, the
/// caller's own uploads, not sent before. Returns them without duplicates, in order.
pub async fn check_attachable(state: &AppState, me: Uuid, ids: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
    let mut seen = HashSet::new();
    let ids: Vec<Uuid> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    if ids.len() > MAX_PER_MESSAGE {
        return Err(AppError::bad_request("too_many_images", "A message carries at most 5 images."));
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = repo::find_many(&state.db, &ids).await?;
    let usable = found.iter().filter(|m| m.uploader_id == me && m.message_id.is_none()).count();
    if usable != ids.len() {
        return Err(AppError::bad_request(
            "invalid_media",
            "An image does not exist, is not yours, or was already sent.",
        ));
    }
    Ok(ids)
}

/// Links checked images to a new message inside its transaction; fails if another send took one.
pub async fn attach(db: &impl ConnectionTrait, me: Uuid, message_id: Uuid, ids: &[Uuid]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let linked = repo::attach(db, me, message_id, ids).await?;
    if linked != ids.len() as u64 {
        return Err(AppError::bad_request("invalid_media", "An image was already sent in another message."));
    }
    Ok(())
}

/// The images of each message, in upload order.
pub async fn for_messages(state: &AppState, message_ids: &[Uuid]) -> Result<BTreeMap<Uuid, Vec<Media>>, AppError> {
    let mut by_message: BTreeMap<Uuid, Vec<Media>> = BTreeMap::new();
    let mut rows = repo::for_messages(&state.db, message_ids).await?;
    rows.sort_by_key(|m| m.id);
    for m in rows {
        if let Some(message_id) = m.message_id {
            by_message.entry(message_id).or_default().push(to_media(&m));
        }
    }
    Ok(by_message)
}

/// A deleted message takes its images with it: rows and stored bytes. An image that is also
/// someone's avatar only loses the link.
pub async fn delete_for_message(state: &AppState, message_id: Uuid) -> Result<(), AppError> {
    for m in repo::for_messages(&state.db, &[message_id]).await? {
        forget(state, m).await?;
    }
    Ok(())
}

async fn forget(state: &AppState, m: media::Model) -> Result<(), AppError> {
    let in_use =
        repo::is_user_avatar(&state.db, m.id).await? || !repo::avatar_of_chats(&state.db, m.id).await?.is_empty();
    if in_use {
        repo::detach(&state.db, m.id).await?;
        return Ok(());
    }
    repo::delete(&state.db, m.id).await?;
    remove_objects(state, &[m.original_key, m.medium_key, m.thumbnail_key]).await;
    Ok(())
}

/// Stored bytes whose row is gone: failures are logged, not fatal (the row no longer points there).
async fn remove_objects(state: &AppState, keys: &[String]) {
    // All at once: a storage that does not answer costs one S3_TIMEOUT, not one per key.
    let deletes = keys.iter().map(|key| async move {
        if let Err(e) = state.storage.delete(key).await {
            tracing::warn!(error = %e, key, "could not delete a stored image");
        }
    });
    futures_util::future::join_all(deletes).await;
}

/// Removes uploads that were never sent nor used as an avatar within a day.
pub async fn sweep_unsent(state: &AppState) -> Result<usize, AppError> {
    let before = Utc::now() - chrono::Duration::hours(24);
    let mut removed = 0;
    for m in repo::unsent_before(&state.db, before).await? {
        let in_use =
            repo::is_user_avatar(&state.db, m.id).await? || !repo::avatar_of_chats(&state.db, m.id).await?.is_empty();
        if !in_use {
            forget(state, m).await?;
            removed += 1;
        }
    }
    Ok(removed)
}
