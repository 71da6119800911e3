//! HTTP routes of images: the upload (multipart, streamed to a temporary file) and the three
//! variants, served only to people who may see them.

use super::process::Rejection;
use super::service;
use crate::error::{AppError, ErrorBody};
use crate::media::model::{MAX_UPLOAD_BYTES, Media, Variant};
use crate::platform::extract::ApiPath;
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// Bodies past this are cut off unread. Up to it, an oversized file is read to the end and
/// answered 413, so the client sees the answer instead of a reset connection.
const BODY_LIMIT: u64 = 4 * MAX_UPLOAD_BYTES;

pub fn routes() -> Vec<ApiRoute> {
    let limit = usize::try_from(BODY_LIMIT).unwrap_or(usize::MAX);
    vec![
        ApiRoute::new("POST", "/api/media", post(upload).layer(DefaultBodyLimit::max(limit))),
        ApiRoute::new("GET", "/api/media/{id}", get(original)),
        ApiRoute::new("GET", "/api/media/{id}/medium", get(medium)),
        ApiRoute::new("GET", "/api/media/{id}/thumbnail", get(thumbnail)),
    ]
}

/// The upload form: one field named `file`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A JPEG, PNG, GIF or WebP image, at most 10 MB and 4096 × 4096.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload an image. The type is read from the bytes; metadata (EXIF, GPS) is removed and
/// EXIF orientation applied. Send it in a message with `mediaIds`, or use it as an avatar.
#[utoipa::path(post, path = "/api/media", tag = "media", request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Media), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Media>), AppError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(service::refused(Rejection::TooBig));
    }
    let mut multipart = multipart.map_err(|_| {
        AppError::bad_request("invalid_multipart", "Send the image as multipart/form-data in a field named file.")
    })?;
    let temp = TempFile::new(&state.settings.data_dir).await?;
    let mut found = false;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if found || field.name() != Some("file") {
            continue;
        }
        found = true;
        let mut out = tokio::fs::File::create(&temp.path).await.map_err(|_| AppError::internal())?;
        let mut written: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            written += chunk.len() as u64;
            if written <= MAX_UPLOAD_BYTES {
                out.write_all(&chunk).await.map_err(|_| AppError::internal())?;
            }
        }
        out.flush().await.map_err(|_| AppError::internal())?;
        if written > MAX_UPLOAD_BYTES {
            return Err(service::refused(Rejection::TooBig));
        }
    }
    if !found {
        return Err(AppError::bad_request("missing_file", "Attach the image in a field named file."));
    }
    let media = service::store_upload(&state, viewer.user_id, temp.path.clone()).await?;
    Ok((StatusCode::CREATED, Json(media)))
}

fn multipart_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        service::refused(Rejection::TooBig)
    } else {
        AppError::bad_request("invalid_multipart", "The multipart body could not be read.")
    }
}

/// An upload on its way to processing; removed however the request ends.
struct TempFile {
    path: PathBuf,
}

impl TempFile {
    async fn new(data_dir: &Path) -> Result<Self, AppError> {
        let dir = data_dir.join("tmp");
        tokio::fs::create_dir_all(&dir).await.map_err(|_| AppError::internal())?;
        Ok(Self { path: dir.join(format!("upload-{}", Uuid::now_v7())) })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The full image.
#[utoipa::path(get, path = "/api/media/{id}", tag = "media", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/*"), (status = 404, body = ErrorBody)))]
pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    serve(&state, viewer, id, Variant::Original).await
}

/// The image fitted inside 800 × 800.
#[utoipa::path(get, path = "/api/media/{id}/medium", tag = "media", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/*"), (status = 404, body = ErrorBody)))]
pub async fn medium(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    serve(&state, viewer, id, Variant::Medium).await
}

/// The 300 × 300 thumbnail (also the avatar picture).
#[utoipa::path(get, path = "/api/media/{id}/thumbnail", tag = "media", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/*"), (status = 404, body = ErrorBody)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    serve(&state, viewer, id, Variant::Thumbnail).await
}

async fn serve(state: &AppState, viewer: Viewer, id: Uuid, variant: Variant) -> Result<Response, AppError> {
    let (object, content_type) = crate::access::media::open_media(state, viewer.user_id, id, variant).await?;
    let mut response = Response::new(object.body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Each variant's bytes never change; private because only some people may see them.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    if let Some(len) = object.len {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    Ok(response)
}
