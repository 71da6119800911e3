//! AppState: what every request handler may use, cheap to clone.

use super::config::{Secrets, Settings};
use super::counters::Counters;
use super::rate_limit::RateLimiter;
use super::storage::SharedStorage;
use crate::auth::server::{throttle::LoginThrottle, tokens::TokenKeys};
use crate::messages::server::order::ChatGates;
use crate::push::server::sender::Pusher;
use crate::realtime::server::deliveries::Deliveries;
use crate::realtime::server::hub::Hub;
use crate::realtime::server::presence::Presence;
use crate::realtime::server::visibility::Visibility;
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
    /// One send at a time per chat on this instance, so messages are announced in seq order.
    pub send_gates: Arc<ChatGates>,
    /// Delivery marks of this instance's connections, written once a second.
    pub deliveries: Arc<Deliveries>,
    /// Who is connected on any instance.
    pub presence: Arc<Presence>,
    /// Who has the app in view on any instance (they get no push).
    pub visibility: Arc<Visibility>,
    /// Sends Web Push notifications.
    pub push: Arc<Pusher>,
    /// Image bytes: local disk or S3.
    pub storage: SharedStorage,
    /// Bounds how many uploads decode at once, and so the memory images can take.
    pub media_permits: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(
        settings: Settings,
        secrets: &Secrets,
        db: DatabaseConnection,
        redis: Option<redis::aio::ConnectionManager>,
        storage: SharedStorage,
    ) -> anyhow::Result<Self> {
        let settings_media_workers = settings.media_workers;
        let shared = redis.clone().map(|conn| Counters::new(conn, &settings.redis_prefix));
        let presence_ttl = std::time::Duration::from_secs(settings.presence_ttl);
        let presence = Arc::new(Presence::new(redis.clone(), &settings.redis_prefix, presence_ttl));
        let visibility = Arc::new(Visibility::new(redis.clone(), &settings.redis_prefix, presence_ttl));
        let push = Arc::new(Pusher::new(&settings, &secrets.vapid_key)?);
        let login_throttle = LoginThrottle::new(settings.limit_login_failures, shared.clone());
        let rate_limiter = RateLimiter::new(
            settings.limit_api_per_minute,
            settings.limit_anon_per_minute,
            settings.limit_messages_per_second,
            shared,
        );
        Ok(Self {
            tokens: Arc::new(TokenKeys::new(&secrets.jwt_key, settings.access_token_ttl)),
            settings: Arc::new(settings),
            db,
            redis,
            login_throttle: Arc::new(login_throttle),
            rate_limiter: Arc::new(rate_limiter),
            metrics: super::telemetry::metrics_handle(),
            hub: Hub::new(),
            deliveries: Arc::default(),
            send_gates: Arc::default(),
            presence,
            visibility,
            push,
            storage,
            media_permits: Arc::new(tokio::sync::Semaphore::new(settings_media_workers)),
        })
    }
}
