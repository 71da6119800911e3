//! Fixed-window request limits: per signed-in user and per anonymous IP each minute, and
//! messages per user each second. Shared by all instances through Redis when it is configured;
//! in memory otherwise, and as the fallback while Redis does not answer.

use super::counters::Counters;
use super::state::AppState;
use crate::error::AppError;
use crate::platform::proxy::ClientIp;
use crate::platform::viewer::MaybeViewer;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked keys, expired windows are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

/// At most `limit` events per key in each window; a limit of 0 is off.
pub struct Limiter {
    name: &'static str,
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    shared: Option<Counters>,
}

impl Limiter {
    pub fn new(name: &'static str, limit: u32, window: Duration, shared: Option<Counters>) -> Self {
        Self { name, limit, window, windows: Mutex::new(HashMap::new()), shared }
    }

    /// Counts one event; refuses it with 429 and Retry-After once the window is full.
    pub async fn check(&self, key: &str) -> Result<(), AppError> {
        if self.limit == 0 {
            return Ok(());
        }
        if let Some(counters) = &self.shared {
            match counters.hit(&format!("limit:{}:{key}", self.name), self.window).await {
                Ok((count, left)) if count > u64::from(self.limit) => {
                    return Err(AppError::rate_limited(left.as_secs() + 1));
                }
                Ok(_) => return Ok(()),
                Err(e) => tracing::warn!(error = %e, "shared rate limit unavailable; counting on this instance"),
            }
        }
        self.check_here(key)
    }

    /// The same count, on this instance only.
    pub fn check_here(&self, key: &str) -> Result<(), AppError> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let wait = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(AppError::rate_limited(wait.as_secs() + 1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The request limits of one instance.
pub struct RateLimiter {
    pub per_user: Limiter,
    pub per_ip: Limiter,
    pub messages: Limiter,
}

impl RateLimiter {
    pub fn new(per_user_minute: u32, per_ip_minute: u32, messages_per_second: u32, shared: Option<Counters>) -> Self {
        Self {
            per_user: Limiter::new("user", per_user_minute, Duration::from_secs(60), shared.clone()),
            per_ip: Limiter::new("ip", per_ip_minute, Duration::from_secs(60), shared.clone()),
            messages: Limiter::new("messages", messages_per_second, Duration::from_secs(1), shared),
        }
    }
}

/// Applies the per-user or per-IP limit to API calls and pages; static files and probes are free.
pub async fn limit_requests(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let counted = path.starts_with("/api/") || !(path.starts_with("/health") || path == "/metrics" || is_file(path));
    if counted {
        let checked = match &viewer.0 {
            Some(v) => state.rate_limiter.per_user.check(&v.user_id.to_string()).await,
            None => {
                let ip = request.extensions().get::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
                state.rate_limiter.per_ip.check(&ip).await
            }
        };
        if let Err(err) = checked {
            return err.into_response();
        }
    }
    next.run(request).await
}

/// Static files (wasm, js, css, icons) have an extension in their last segment; pages do not.
fn is_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_after_the_limit_is_refused_with_a_wait() {
        let limiter = Limiter::new("t", 2, Duration::from_secs(60), None);
        assert!(limiter.check_here("u").is_ok());
        assert!(limiter.check_here("u").is_ok());
        let err = limiter.check_here("u").unwrap_err();
        assert_eq!(err.status, 429);
        assert!(err.retry_after.unwrap() <= 61);
        assert!(limiter.check_here("other").is_ok());
    }

    #[test]
    fn a_new_window_starts_fresh() {
        let limiter = Limiter::new("t", 1, Duration::from_millis(20), None);
        assert!(limiter.check_here("u").is_ok());
        assert!(limiter.check_here("u").is_err());
        std::thread::sleep(Duration::from_millis(25));
        assert!(limiter.check_here("u").is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limiter = Limiter::new("t", 0, Duration::from_secs(1), None);
        for _ in 0..1000 {
            assert!(limiter.check_here("1.2.3.4").is_ok());
        }
    }
}
