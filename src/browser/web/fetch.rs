//! HTTP from the browser through fetch (gloo-net): the raw status and text of an answer.
//! What the answer means (JSON, error bodies, a 401) is for `crate::http` to say.

use crate::error::AppError;
use gloo_net::http::{Method, Request, RequestBuilder};

/// Sends `method` to `path` with an optional JSON body; a request that got no answer at all
/// is a network error.
pub async fn request(method: &str, path: &str, body: Option<String>) -> Result<(u16, String), AppError> {
    let method = match method {
        "POST" => Method::POST,
        "PATCH" => Method::PATCH,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let builder = RequestBuilder::new(path).method(method).header("accept", "application/json");
    let request = match body {
        Some(json) => builder.header("content-type", "application/json").body(json),
        None => builder.build(),
    }
    .map_err(AppError::network)?;
    let response = request.send().await.map_err(AppError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(AppError::network)?;
    Ok((status, text))
}

/// Whether anything answers a GET of `path`, whatever the status.
pub async fn answers(path: &str) -> bool {
    Request::get(path).send().await.is_ok()
}
