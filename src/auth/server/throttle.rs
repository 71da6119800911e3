//! Login throttling: after N failed sign-ins in 15 minutes, an account and an IP address
//! are refused (429 + Retry-After) until the oldest failure ages out.

use crate::error::AppError;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const SWEEP_AT: usize = 10_000;

pub struct LoginThrottle {
    limit: u32,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    pub fn new(limit: u32) -> Self {
        Self { limit, failures: Mutex::new(HashMap::new()) }
    }

    /// Refuses the attempt when the account or the IP has used up its failures.
    pub fn check(&self, account: &str, ip: &str) -> Result<(), AppError> {
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

    pub fn record_failure(&self, account: &str, ip: &str) {
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

    /// A successful sign-in clears the account's failures (not the IP's).
    pub fn record_success(&self, account: &str) {
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
        let throttle = LoginThrottle::new(5);
        for i in 0..5 {
            assert!(throttle.check("Alice", &format!("10.0.0.{i}")).is_ok());
            throttle.record_failure("alice", &format!("10.0.0.{i}"));
        }
        let err = throttle.check("ALICE", "10.9.9.9").unwrap_err();
        assert_eq!(err.status, 429);
        assert!(err.retry_after.unwrap() > 800);
        assert!(throttle.check("bob", "10.9.9.9").is_ok());
    }

    #[test]
    fn five_failures_lock_the_ip_for_every_account() {
        let throttle = LoginThrottle::new(5);
        for i in 0..5 {
            throttle.record_failure(&format!("user{i}"), "10.0.0.1");
        }
        assert!(throttle.check("someone-else", "10.0.0.1").is_err());
        assert!(throttle.check("someone-else", "10.0.0.2").is_ok());
    }

    #[test]
    fn success_clears_the_account_but_not_the_ip() {
        let throttle = LoginThrottle::new(2);
        throttle.record_failure("carol", "1.1.1.1");
        throttle.record_success("carol");
        throttle.record_failure("carol", "1.1.1.1");
        assert!(throttle.check("carol", "2.2.2.2").is_ok());
        assert!(throttle.check("dave", "1.1.1.1").is_err());
    }
}
