//! Request extractors whose rejections are API errors: malformed JSON, missing or
//! wrongly typed fields, over-long bodies and bad path values are 4xx with our body.

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Decode to an object first: serde would otherwise accept `[]` as a struct in sequence form.
        let axum::Json(object) = axum::Json::<serde_json::Map<String, serde_json::Value>>::from_request(request, state)
            .await
            .map_err(json_error)?;
        serde_json::from_value(serde_json::Value::Object(object))
            .map(ApiJson)
            .map_err(|e| AppError::bad_request("invalid_body", e.to_string()))
    }
}

fn json_error(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            AppError::new(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
        }
        JsonRejection::JsonSyntaxError(_) => AppError::bad_request("invalid_json", "The body is not valid JSON."),
        JsonRejection::JsonDataError(e) => AppError::bad_request("invalid_body", e.body_text()),
        JsonRejection::BytesRejection(e) if e.status().as_u16() == 413 => {
            AppError::new(413, "too_large", "The request body is too large.")
        }
        other => AppError::bad_request("invalid_body", other.body_text()),
    }
}

/// Like `ApiJson`, but an empty body means the type's default (for optional bodies).
pub struct ApiJsonOrEmpty<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for ApiJsonOrEmpty<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = request.headers().get(axum::http::header::CONTENT_LENGTH).is_some_and(|v| v == "0")
            || (request.headers().get(axum::http::header::CONTENT_TYPE).is_none()
                && !request.headers().contains_key(axum::http::header::TRANSFER_ENCODING)
                && !request.headers().contains_key(axum::http::header::CONTENT_LENGTH));
        if empty {
            return Ok(ApiJsonOrEmpty(T::default()));
        }
        ApiJson::<T>::from_request(request, state).await.map(|ApiJson(v)| ApiJsonOrEmpty(v))
    }
}

/// Path values (ids) that do not parse mean the thing does not exist.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::not_found()),
            Err(other) => Err(AppError::bad_request("invalid_path", other.body_text())),
        }
    }
}

/// Query strings whose values do not parse are a 400 with our body.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|e| AppError::bad_request("invalid_query", e.body_text()))
    }
}
