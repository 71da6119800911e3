//! The browser's way to the public HTTP API: JSON in, JSON out, failures as `AppError`.
//! A 401 on a signed-in page means this device was signed out (or revoked): go to sign-in.

use crate::error::{AppError, ErrorBody};
use serde::{Serialize, de::DeserializeOwned};

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, AppError> {
    decode(send("GET", path, None).await?)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, AppError> {
    decode(send("POST", path, Some(encode(body)?)).await?)
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, AppError> {
    decode(send("PATCH", path, Some(encode(body)?)).await?)
}

/// For routes that answer 204 No Content.
pub async fn post_no_content<B: Serialize>(path: &str, body: &B) -> Result<(), AppError> {
    send("POST", path, Some(encode(body)?)).await.map(|_| ())
}

pub async fn delete(path: &str) -> Result<(), AppError> {
    send("DELETE", path, None).await.map(|_| ())
}

/// DELETE with a JSON body, for routes that name what to delete in it.
pub async fn delete_with<B: Serialize>(path: &str, body: &B) -> Result<(), AppError> {
    send("DELETE", path, Some(encode(body)?)).await.map(|_| ())
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, AppError> {
    decode(send("PUT", path, Some(encode(body)?)).await?)
}

fn encode<B: Serialize>(body: &B) -> Result<String, AppError> {
    serde_json::to_string(body).map_err(|e| AppError::bad_request("invalid_body", e.to_string()))
}

fn decode<T: DeserializeOwned>(text: String) -> Result<T, AppError> {
    serde_json::from_str(&text).map_err(|e| AppError::network(format!("unexpected answer: {e}")))
}

async fn send(method: &str, path: &str, body: Option<String>) -> Result<String, AppError> {
    let (status, text) = crate::browser::fetch::request(method, path, body).await?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    if status == 401 && !path.starts_with("/api/auth/") {
        crate::ui::navigation::go_to_sign_in();
    }
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => AppError::from_body(status, body),
        Err(_) => AppError::new(status, "http_error", format!("The server answered {status}.")),
    })
}
