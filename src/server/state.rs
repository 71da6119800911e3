//! AppState: what every request handler may use, cheap to clone.

use super::config::{Secrets, Settings};
use crate::auth::server::{throttle::LoginThrottle, tokens::TokenKeys};
use super::rate_limit::RateLimiter;
use crate::realtime::server::hub::Hub;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub redis: Option<redis::aio::ConnectionManager>,
    pub tokens: Arc<TokenKeys>,
    pub login_throttle: Arc<LoginThrottle>,
    pub rate_limiter: Arc<RateLimiter>,
    pub metrics: PrometheusHandle,
    /// Live connections of this instance.
    pub hub: Arc<Hub>,
}

impl AppState {
    pub fn new(
        settings: Settings,
        secrets: &Secrets,
        db: DatabaseConnection,
        redis: Option<redis::aio::ConnectionManager>,
    ) -> Self {
        let login_throttle = LoginThrottle::new(settings.limit_login_failures);
        let rate_limiter =
            RateLimiter::new(settings.limit_api_per_minute, settings.limit_anon_per_minute, settings.limit_messages_per_second);
        Self {
            tokens: Arc::new(TokenKeys::new(&secrets.jwt_key, settings.access_token_ttl)),
            settings: Arc::new(settings),
            db,
            redis,
            login_throttle: Arc::new(login_throttle),
            rate_limiter: Arc::new(rate_limiter),
            metrics: super::telemetry::metrics_handle(),
            hub: Hub::new(),
        }
    }
}
