//! Liveness, readiness (database, storage, Redis when configured) and Prometheus metrics.

use crate::platform::{db, state::AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use std::time::Duration;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// Each dependency and whether it answered ("ok" or "down"); absent when not configured.
    pub checks: std::collections::BTreeMap<&'static str, &'static str>,
}

/// The process is serving.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = Health)))]
pub async fn live() -> Json<Health> {
    Json(Health { status: "ok", checks: Default::default() })
}

/// Every dependency answers; 503 says which does not.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let mut checks = std::collections::BTreeMap::new();
    let database = tokio::time::timeout(Duration::from_secs(2), db::ping(&state.db)).await.unwrap_or(false);
    checks.insert("database", if database { "ok" } else { "down" });
    if let Some(redis) = &state.redis {
        let mut conn = redis.clone();
        let cmd = redis::cmd("PING");
        let ping = cmd.query_async::<String>(&mut conn);
        let ok = matches!(tokio::time::timeout(Duration::from_secs(2), ping).await, Ok(Ok(_)));
        checks.insert("redis", if ok { "ok" } else { "down" });
    }
    let storage = tokio::time::timeout(Duration::from_secs(2), state.storage.check()).await;
    checks.insert("storage", if matches!(storage, Ok(Ok(()))) { "ok" } else { "down" });
    let all_ok = checks.values().all(|v| *v == "ok");
    let status = if all_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Health { status: if all_ok { "ok" } else { "unavailable" }, checks }))
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
