//! AppState: the platform's handle, given to every request handler, domain service and
//! reaction; cheap to clone. It holds infrastructure only: what a domain keeps (its rules,
//! its queries) lives in the domain, and what it announces goes through `events`.

use super::config::{Secrets, Settings};
use super::counters::Counters;
use super::events::Events;
use super::gates::ChatGates;
use super::live::Live;
use super::live::hub::Hub;
use super::live::online::Online;
use super::live::visibility::Visibility;
use super::rate_limit::RateLimiter;
use super::storage::SharedStorage;
use super::throttle::LoginThrottle;
use super::tokens::TokenKeys;
use super::webpush::sender::Pusher;
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
    /// The reactions to what domains publish (registered at start).
    pub events: Arc<Events>,
    /// The live transport: connections here, leases across instances, delivery marks.
    pub live: Live,
    /// One send at a time per chat on this instance, so messages are announced in seq order.
    pub send_gates: Arc<ChatGates>,
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
        let online = Arc::new(Online::new(redis.clone(), &settings.redis_prefix, presence_ttl));
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
            events: Arc::default(),
            live: Live { hub: Hub::new(), online, visibility, deliveries: Arc::default() },
            send_gates: Arc::default(),
            push,
            storage,
            media_permits: Arc::new(tokio::sync::Semaphore::new(settings_media_workers)),
        })
    }

    /// A state on a fresh SQLite database and local storage under `dir`, for unit tests; no
    /// reactions are registered.
    #[cfg(test)]
    pub async fn for_tests(dir: &std::path::Path) -> anyhow::Result<Self> {
        let settings = Settings::from_args(["--data-dir".to_owned(), dir.display().to_string()])?;
        let secrets = settings.secrets()?;
        let db = super::db::connect(&settings).await?;
        let storage = super::storage::connect(None, &settings.data_dir).await?;
        Self::new(settings, &secrets, db, None, storage)
    }
}
