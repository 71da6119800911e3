//! Server-only platform: settings, state, database, HTTP wiring, telemetry.
pub mod config;
pub mod cors;
pub mod counters;
pub mod db;
pub mod entity;
pub mod extract;
pub mod headers;
pub mod health;
pub mod openapi;
pub mod proxy;
pub mod rate_limit;
pub mod router;
pub mod state;
pub mod storage;
pub mod telemetry;

use anyhow::Context;
use axum::serve::ListenerExt;
use config::Settings;
use state::AppState;
use std::net::SocketAddr;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The binary's entry point: read settings, serve until SIGTERM/SIGINT, drain, exit.
pub fn run() {
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e:#}");
            std::process::exit(2);
        }
    };
    telemetry::init_logs(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(serve(settings)) {
        tracing::error!(error = format!("{e:#}"), "server stopped");
        std::process::exit(1);
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let server = start(settings).await?;
    tracing::info!("listening on http://{}", server.addr);
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    server.stop().await
}

/// A running server; tests start one on port 0.
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Stops accepting, lets requests in flight finish, then returns.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        // Live connections never finish on their own: close them so clients reconnect elsewhere.
        self.state.hub.close_all();
        self.task.await.context("server task")?.context("serving")?;
        Ok(())
    }
}

pub async fn start(settings: Settings) -> anyhow::Result<Server> {
    // aws-sdk-s3 and sqlx link different rustls crypto providers; without one chosen, TLS panics.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secrets = settings.secrets()?;
    let db = db::connect(&settings).await?;
    let redis_client = match &settings.redis_url {
        Some(url) => Some(redis::Client::open(url.as_str()).context("REDIS_URL")?),
        None => None,
    };
    let redis = match &redis_client {
        Some(client) => {
            // Fail fast while Redis is away: callers fall back (limits count locally, live
            // frames wait for the resync) instead of holding requests for seconds.
            let wait = settings.timeouts.redis;
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_number_of_retries(1)
                .set_max_delay(wait)
                .set_connection_timeout(Some(wait))
                .set_response_timeout(Some(wait));
            let manager = redis::aio::ConnectionManager::new_with_config(client.clone(), config);
            Some(manager.await.context("connecting to Redis")?)
        }
        None => None,
    };
    let channel = format!("{}:live", settings.redis_prefix);
    let storage =
        storage::connect(settings.s3().as_ref(), &settings.data_dir).await.context("connecting to storage")?;
    let bind = format!("{}:{}", settings.ip, settings.port);
    let state = AppState::new(settings, &secrets, db, redis, storage).context("setting up")?;
    if let (Some(client), Some(publisher)) = (redis_client, state.redis.clone()) {
        // Take traffic once frames from the other instances arrive; if Redis is slow to
        // answer, serve anyway (live delivery across instances catches up when it does).
        let subscribed = crate::realtime::server::bus::start(state.hub.clone(), client, publisher, channel);
        if tokio::time::timeout(std::time::Duration::from_secs(5), subscribed).await.is_err() {
            tracing::warn!("no Redis subscription yet; starting without cross-instance live frames");
        }
    }
    let app = router::build(state.clone(), &secrets.cookie_key);
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    // Live frames are small writes in quick succession: without TCP_NODELAY, Nagle holds the
    // second one until the first is acknowledged, which a delayed ACK stretches to 40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "setting TCP_NODELAY");
        }
    });
    spawn_cleanup(state.clone());
    state.presence.clone().spawn_heartbeat(state.hub.clone());
    state.visibility.clone().spawn_heartbeat(state.hub.clone());
    spawn_presence_sweep(state.clone());
    crate::realtime::server::deliveries::spawn_flush(state.clone());

    let (stop, stopped) = oneshot::channel::<()>();
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Server { addr, state, stop, task })
}

/// Every few seconds, people stored as online but connected nowhere become offline.
fn spawn_presence_sweep(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.presence.beat());
        loop {
            tick.tick().await;
            if let Err(e) = crate::realtime::server::service::sweep_vanished(&state).await {
                tracing::warn!(error = %e.message, "sweeping vanished presence");
            }
        }
    });
}

/// Hourly sweep of expired cookie sessions and of uploads never sent.
fn spawn_cleanup(state: AppState) {
    tokio::spawn(async move {
        let store = crate::auth::server::store::DbSessionStore::new(state.db.clone());
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "sweeping expired cookie sessions");
            }
            if let Err(e) = crate::media::server::service::sweep_unsent(&state).await {
                tracing::warn!(error = %e.message, "sweeping unsent uploads");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
