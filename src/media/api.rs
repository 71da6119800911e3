//! Uploading from the browser, with progress (`browser::upload` says why XMLHttpRequest).

use crate::browser::files::File;
use crate::error::{AppError, ErrorBody};
use crate::media::model::Media;

/// Uploads one file; `on_progress` hears 0.0–1.0 as the bytes leave.
pub async fn upload(file: File, on_progress: impl FnMut(f64) + 'static) -> Result<Media, AppError> {
    let (status, text) = crate::browser::upload::post_file("/api/media", file, on_progress).await?;
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|e| AppError::network(format!("unexpected answer: {e}")));
    }
    if status == 0 {
        return Err(AppError::network("The upload was interrupted; check the connection."));
    }
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => AppError::from_body(status, body),
        Err(_) => AppError::new(status, "http_error", format!("The server answered {status}.")),
    })
}
