//! HTTP routes of Web Push: the server key, this device's subscriptions, and the settings.

use super::service;
use crate::error::{AppError, ErrorBody};
use crate::platform::extract::ApiJson;
use crate::platform::route::ApiRoute;
use crate::platform::state::AppState;
use crate::platform::viewer::Viewer;
use crate::push::model::*;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};

pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new("GET", "/api/push/key", get(push_key)),
        ApiRoute::new("POST", "/api/push/subscriptions", post(subscribe)),
        ApiRoute::new("DELETE", "/api/push/subscriptions", delete(unsubscribe)),
        ApiRoute::new("GET", "/api/push/settings", get(get_settings)),
        ApiRoute::new("PUT", "/api/push/settings", put(put_settings)),
    ]
}

/// The VAPID application server key to subscribe with (`applicationServerKey`).
#[utoipa::path(get, path = "/api/push/key", tag = "push", responses((status = 200, body = PushKeyResponse), (status = 401, body = ErrorBody)))]
pub async fn push_key(State(state): State<AppState>, _viewer: Viewer) -> Json<PushKeyResponse> {
    Json(service::public_key(&state))
}

/// Register this browser for notifications, with `PushSubscription.toJSON()` as the body.
/// Tied to the signed-in device: signing it out removes it. The same endpoint again replaces
/// the earlier registration; past 20 per person, the oldest goes.
#[utoipa::path(post, path = "/api/push/subscriptions", tag = "push", request_body = SubscribeRequest,
    responses((status = 201, body = SubscriptionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn subscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<SubscribeRequest>,
) -> Result<(StatusCode, Json<SubscriptionResponse>), AppError> {
    let subscription = service::subscribe(&state, viewer.user_id, viewer.session_id, &req).await?;
    Ok((StatusCode::CREATED, Json(SubscriptionResponse { subscription })))
}

/// Stop notifications to one of the caller's browsers (someone else's endpoint is left alone).
#[utoipa::path(delete, path = "/api/push/subscriptions", tag = "push", request_body = UnsubscribeRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<UnsubscribeRequest>,
) -> Result<StatusCode, AppError> {
    service::unsubscribe(&state, viewer.user_id, &req.endpoint).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's notification settings.
#[utoipa::path(get, path = "/api/push/settings", tag = "push", responses((status = 200, body = PushSettings), (status = 401, body = ErrorBody)))]
pub async fn get_settings(State(state): State<AppState>, viewer: Viewer) -> Result<Json<PushSettings>, AppError> {
    Ok(Json(service::settings(&state, viewer.user_id).await?))
}

/// Change the notification settings: `previews: false` shows "New message" without sender or text.
#[utoipa::path(put, path = "/api/push/settings", tag = "push", request_body = PushSettings,
    responses((status = 200, body = PushSettings), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<PushSettings>,
) -> Result<Json<PushSettings>, AppError> {
    Ok(Json(service::set_settings(&state, viewer.user_id, req).await?))
}
