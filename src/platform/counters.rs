//! Counters in Redis that every instance shares, for rate limits and sign-in throttling.
//! Each is a fixed window: the first hit starts it, and it expires on its own.

use redis::aio::ConnectionManager;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// INCR and, on the first hit, start the window; return the count and the time left.
const HIT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
";

#[derive(Clone)]
pub struct Counters {
    conn: ConnectionManager,
    prefix: String,
    /// After a failure, Redis is left alone until then (ms since the epoch): while it is
    /// away, requests go straight to the local fallback instead of each waiting on it.
    resting_until: Arc<AtomicI64>,
}

const REST_MS: i64 = 2_000;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn left(pttl: i64) -> Duration {
    Duration::from_millis(u64::try_from(pttl).unwrap_or(0))
}

impl Counters {
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        Self { conn, prefix: prefix.to_owned(), resting_until: Arc::new(AtomicI64::new(0)) }
    }

    /// Runs a Redis call unless Redis failed moments ago; a failure starts a rest.
    async fn call<T>(&self, call: impl Future<Output = redis::RedisResult<T>>) -> redis::RedisResult<T> {
        if now_ms() < self.resting_until.load(Ordering::Relaxed) {
            return Err(redis::RedisError::from((redis::ErrorKind::Io, "Redis was unreachable moments ago")));
        }
        let result = call.await;
        if result.is_err() {
            self.resting_until.store(now_ms() + REST_MS, Ordering::Relaxed);
        }
        result
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Counts one event in `key`'s window: (events so far, time until the window ends).
    pub async fn hit(&self, key: &str, window: Duration) -> redis::RedisResult<(u64, Duration)> {
        let mut conn = self.conn.clone();
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let script = redis::Script::new(HIT);
        let mut invocation = script.key(self.key(key));
        invocation.arg(window_ms);
        let (count, pttl): (u64, i64) = self.call(invocation.invoke_async(&mut conn)).await?;
        Ok((count, left(pttl)))
    }

    /// The count without adding to it.
    pub async fn peek(&self, key: &str) -> redis::RedisResult<(u64, Duration)> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.get(&key).pttl(&key);
        let (count, pttl): (Option<u64>, i64) = self.call(pipe.query_async(&mut conn)).await?;
        Ok((count.unwrap_or(0), left(pttl)))
    }

    pub async fn clear(&self, key: &str) -> redis::RedisResult<()> {
        let mut conn = self.conn.clone();
        let mut del = redis::cmd("DEL");
        del.arg(self.key(key));
        self.call(del.query_async::<()>(&mut conn)).await
    }
}
