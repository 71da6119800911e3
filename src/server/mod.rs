//! The composition root: the one place that knows every domain. It builds the state, registers
//! the reactions to events, mounts every domain's routes, starts the background tasks and
//! serves. The infrastructure it wires together is the platform (`crate::platform`).
pub mod health;
pub mod openapi;
pub mod reactions;
pub mod router;
pub mod tasks;

use crate::platform::config::Settings;
use crate::platform::state::AppState;
use crate::platform::{db, storage, telemetry};
use anyhow::Context;
use axum::serve::ListenerExt;
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
        self.state.live.hub.close_all();
        self.task.await.context("server task")?.context("serving")?;
        Ok(())
    }
}

pub async fn start(settings: Settings) -> anyhow::Result<Server> {
    // aws-sdk-s3 and sqlx link different rustls crypto providers; without one chosen, TLS panics.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secrets = settings.secrets()?;
    let db = db::connect(&settings).await?;
    let redis = crate::platform::redis::connect(&settings).await?;
    let channel = format!("{}:live", settings.redis_prefix);
    let storage =
        storage::connect(settings.s3().as_ref(), &settings.data_dir).await.context("connecting to storage")?;
    let bind = format!("{}:{}", settings.ip, settings.port);
    let commands = redis.as_ref().map(|r| r.commands.clone());
    let state = AppState::new(settings, &secrets, db, commands, storage).context("setting up")?;
    state.events.register(reactions::all())?;
    if let Some(redis) = redis {
        // Take traffic once frames from the other instances arrive; if Redis is slow to
        // answer, serve anyway (live delivery across instances catches up when it does).
        let subscribed =
            crate::platform::live::bus::start(state.live.hub.clone(), redis.client, redis.commands, channel);
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
    tasks::spawn_all(&state);

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
