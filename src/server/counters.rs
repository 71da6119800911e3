//! Counters in Redis that every instance shares, for rate limits and sign-in throttling.
//! Each is a fixed window: the first hit starts it, and it expires on its own.

use redis::aio::ConnectionManager;
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
}

fn left(pttl: i64) -> Duration {
    Duration::from_millis(u64::try_from(pttl).unwrap_or(0))
}

impl Counters {
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        Self { conn, prefix: prefix.to_owned() }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// Counts one event in `key`'s window: (events so far, time until the window ends).
    pub async fn hit(&self, key: &str, window: Duration) -> redis::RedisResult<(u64, Duration)> {
        let mut conn = self.conn.clone();
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let (count, pttl): (u64, i64) = redis::Script::new(HIT).key(self.key(key)).arg(window_ms).invoke_async(&mut conn).await?;
        Ok((count, left(pttl)))
    }

    /// The count without adding to it.
    pub async fn peek(&self, key: &str) -> redis::RedisResult<(u64, Duration)> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let (count, pttl): (Option<u64>, i64) = redis::pipe().get(&key).pttl(&key).query_async(&mut conn).await?;
        Ok((count.unwrap_or(0), left(pttl)))
    }

    pub async fn clear(&self, key: &str) -> redis::RedisResult<()> {
        let mut conn = self.conn.clone();
        redis::cmd("DEL").arg(self.key(key)).query_async::<()>(&mut conn).await
    }
}
