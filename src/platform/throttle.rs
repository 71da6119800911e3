//! Login throttling: after N failed sign-ins in 15 minutes, an account and an IP address
//! are refused (429 + Retry-After) until the oldest failure ages out. With Redis the count is
//! shared by every instance (a 15-minute window from the first failure); without it, or while
//! Redis does not answer, each instance counts its own.

use crate::error::AppError;
use crate::platform::counters::Counters;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const SWEEP_AT: usize = 10_000;

pub struct LoginThrottle {
    limit: u32,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    shared: Option<Counters>,
}

fn shared_key(key: &str) -> String {
    format!("login:{key}")
}

impl LoginThrottle {
    pub fn new(limit: u32, shared: Option<Counters>) -> Self {
        Self { limit, failures: Mutex::new(HashMap::new()), shared }
    }

    /// Refuses the attempt when the account or the IP has used up its failures.
    pub async fn check(&self, account: &str, ip: &str) -> Result<(), AppError> {
        if self.limit == 0 {
            return Ok(());
        }
        if let Some(counters) = &self.shared {
            let mut wait = Duration::ZERO;
            let mut answered = true;
            for key in [account_key(account), ip_key(ip)] {
                match counters.peek(&shared_key(&key)).await {
                    Ok((count, left)) if count >= u64::from(self.limit) => wait = wait.max(left),
                    Ok(_) => {}
                    Err(_) => answered = false,
                }
            }
            if answered {
                return if wait.is_zero() { Ok(()) } else { Err(AppError::rate_limited(wait.as_secs() + 1)) };
            }
        }
        self.check_here(account, ip)
    }

    pub async fn record_failure(&self, account: &str, ip: &str) {
        if let Some(counters) = &self.shared {
            for key in [account_key(account), ip_key(ip)] {
                if let Err(e) = counters.hit(&shared_key(&key), WINDOW).await {
                    tracing::warn!(error = %e, "shared sign-in throttle unavailable");
                }
            }
        }
        self.record_failure_here(account, ip);
    }

    /// A successful sign-in clears the account's failures (not the IP's).
    pub async fn record_success(&self, account: &str) {
        if let Some(counters) = &self.shared
            && let Err(e) = counters.clear(&shared_key(&account_key(account))).await
        {
            tracing::warn!(error = %e, "shared sign-in throttle unavailable");
        }
        self.record_success_here(account);
    }

    fn check_here(&self, account: &str, ip: &str) -> Result<(), AppError> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for key in [account_key(account), ip_key(ip)] {
            if let Some(times) = failures.get_mut(&key) {
                while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    times.pop_front();
                }
                if times.len() >= self.limit as usize
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(WINDOW.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(AppError::rate_limited(wait.as_secs() + 1)) }
    }

    fn record_failure_here(&self, account: &str, ip: &str) {
        if self.limit == 0 {
            return;
        }
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > SWEEP_AT {
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in [account_key(account), ip_key(ip)] {
            failures.entry(key).or_default().push_back(now);
        }
    }

    fn record_success_here(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.to_ascii_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account_from_any_ip() {
        let throttle = LoginThrottle::new(5, None);
        for i in 0..5 {
            assert!(throttle.check_here("Alice", &format!("10.0.0.{i}")).is_ok());
            throttle.record_failure_here("alice", &format!("10.0.0.{i}"));
        }
        let err = throttle.check_here("ALICE", "10.9.9.9").unwrap_err();
        assert_eq!(err.status, 429);
        assert!(err.retry_after.unwrap() > 800);
        assert!(throttle.check_here("bob", "10.9.9.9").is_ok());
    }

    #[test]
    fn five_failures_lock_the_ip_for_every_account() {
        let throttle = LoginThrottle::new(5, None);
        for i in 0..5 {
            throttle.record_failure_here(&format!("user{i}"), "10.0.0.1");
        }
        assert!(throttle.check_here("someone-else", "10.0.0.1").is_err());
        assert!(throttle.check_here("someone-else", "10.0.0.2").is_ok());
    }

    #[test]
    fn success_clears_the_account_but_not_the_ip() {
        let throttle = LoginThrottle::new(2, None);
        throttle.record_failure_here("carol", "1.1.1.1");
        throttle.record_success_here("carol");
        throttle.record_failure_here("carol", "1.1.1.1");
        assert!(throttle.check_here("carol", "2.2.2.2").is_ok());
        assert!(throttle.check_here("dave", "1.1.1.1").is_err());
    }
}
