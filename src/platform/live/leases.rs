//! The Redis shape presence and visibility share: per user, a hash whose values say until when
//! (ms since the epoch) each entry holds. Entries are renewed by a heartbeat; those of an
//! instance that died lapse on their own, so nothing has to clean up after a crash.

use redis::aio::ConnectionManager;
use std::time::Duration;
use uuid::Uuid;

pub struct Leases {
    /// None without Redis: there is only this instance, and its hub knows.
    pub shared: Option<ConnectionManager>,
    /// `<prefix>:<kind>`, the start of every key.
    space: String,
    /// This process, as it names its own entries.
    pub instance: Uuid,
    /// How long an entry lives without renewal; renewed every third of it.
    pub ttl: Duration,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Leases {
    pub fn new(shared: Option<ConnectionManager>, prefix: &str, kind: &str, ttl: Duration) -> Self {
        Self { shared, space: format!("{prefix}:{kind}"), instance: Uuid::now_v7(), ttl }
    }

    pub fn key(&self, user: Uuid) -> String {
        format!("{}:{user}", self.space)
    }

    pub fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(30_000)
    }

    /// For each of `users`, whether any entry of theirs still holds, in one round trip.
    /// None without Redis or when it does not answer: callers choose what is safe then.
    pub async fn any_live(&self, users: &[Uuid]) -> Option<Vec<bool>> {
        let shared = self.shared.as_ref()?;
        let mut pipe = redis::pipe();
        for user in users {
            pipe.hvals(self.key(*user));
        }
        let values = match pipe.query_async::<Vec<Vec<i64>>>(&mut shared.clone()).await {
            Ok(values) => values,
            Err(e) => {
                tracing::warn!(error = %e, space = %self.space, "reading leases from Redis failed");
                return None;
            }
        };
        let now = now_ms();
        Some(values.iter().map(|until| until.iter().any(|t| *t > now)).collect())
    }
}
