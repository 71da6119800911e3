//! Request limits per signed-in user and per anonymous IP, in fixed one-minute windows.
//! In memory for one instance; the scale-out work moves the counters to Redis.

use super::state::AppState;
use crate::auth::server::extract::MaybeViewer;
use crate::auth::server::routes::ClientIp;
use crate::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked keys, expired windows are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

pub struct RateLimiter {
    per_user: u32,
    per_ip: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Who a request counts against.
pub enum Caller<'a> {
    User(&'a uuid::Uuid),
    Ip(&'a str),
}

impl RateLimiter {
    pub fn new(per_user: u32, per_ip: u32) -> Self {
        Self { per_user, per_ip, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one request; refuses it with 429 and Retry-After once the window is full.
    pub fn check(&self, caller: Caller<'_>) -> Result<(), AppError> {
        let (key, limit) = match caller {
            Caller::User(id) => (format!("u:{id}"), self.per_user),
            Caller::Ip(ip) => (format!("ip:{ip}"), self.per_ip),
        };
        if limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            let wait = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(AppError::rate_limited(wait.as_secs() + 1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// Applies the per-user or per-IP limit to API calls and pages; static files and probes are free.
pub async fn limit_requests(State(state): State<AppState>, viewer: MaybeViewer, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let counted = path.starts_with("/api/") || !(path.starts_with("/health") || path == "/metrics" || is_file(path));
    if counted {
        let ip = request.extensions().get::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
        let caller = match &viewer.0 {
            Some(v) => Caller::User(&v.user_id),
            None => Caller::Ip(&ip),
        };
        if let Err(err) = state.rate_limiter.check(caller) {
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
    fn the_request_after_the_limit_is_refused_with_a_wait() {
        let limiter = RateLimiter::new(2, 1);
        let user = uuid::Uuid::nil();
        assert!(limiter.check(Caller::User(&user)).is_ok());
        assert!(limiter.check(Caller::User(&user)).is_ok());
        let err = limiter.check(Caller::User(&user)).unwrap_err();
        assert_eq!(err.status, 429);
        assert!(err.retry_after.unwrap() <= 61);
        assert!(limiter.check(Caller::Ip("10.0.0.1")).is_ok());
        assert!(limiter.check(Caller::Ip("10.0.0.1")).is_err());
        assert!(limiter.check(Caller::Ip("10.0.0.2")).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limiter = RateLimiter::new(0, 0);
        for _ in 0..1000 {
            assert!(limiter.check(Caller::Ip("1.2.3.4")).is_ok());
        }
    }
}
