//! Who is connected anywhere. Each instance keeps, per user it holds connections for, a field
//! in a Redis hash (`<prefix>:presence:<user>`, field = instance) whose value is when that
//! claim expires; a heartbeat renews it. An instance that dies stops renewing, so its claims
//! lapse within the TTL (PRESENCE_TTL). Without Redis there is only this instance, and the
//! hub knows.

use super::hub::Hub;
use redis::aio::ConnectionManager;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub struct Presence {
    shared: Option<ConnectionManager>,
    prefix: String,
    instance: Uuid,
    /// How long a claim lives without renewal; renewed every third of it.
    ttl: Duration,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Presence {
    pub fn new(shared: Option<ConnectionManager>, prefix: &str, ttl: Duration) -> Self {
        Self { shared, prefix: prefix.to_owned(), instance: Uuid::now_v7(), ttl }
    }

    /// How often claims are renewed and vanished users looked for.
    pub fn beat(&self) -> Duration {
        self.ttl / 3
    }

    fn key(&self, user: Uuid) -> String {
        format!("{}:presence:{user}", self.prefix)
    }

    /// This instance holds a connection of `user` (renewed by the heartbeat).
    pub async fn arrive(&self, user: Uuid) {
        self.claim(&[user]).await;
    }

    async fn claim(&self, users: &[Uuid]) {
        let Some(conn) = &self.shared else { return };
        let ttl_ms = i64::try_from(self.ttl.as_millis()).unwrap_or(30_000);
        let until = now_ms() + ttl_ms;
        let mut pipe = redis::pipe();
        for user in users {
            let key = self.key(*user);
            pipe.hset(&key, self.instance.to_string(), until).ignore().pexpire(&key, ttl_ms).ignore();
        }
        if let Err(e) = pipe.query_async::<()>(&mut conn.clone()).await {
            tracing::warn!(error = %e, "recording presence in Redis failed");
        }
    }

    /// This instance no longer holds any connection of `user`.
    pub async fn leave(&self, user: Uuid) {
        let Some(conn) = &self.shared else { return };
        let dropped: redis::RedisResult<()> =
            redis::cmd("HDEL").arg(self.key(user)).arg(self.instance.to_string()).query_async(&mut conn.clone()).await;
        if let Err(e) = dropped {
            tracing::warn!(error = %e, "clearing presence in Redis failed");
        }
    }

    /// Whether another instance holds a live claim for `user`. When Redis does not answer,
    /// say no: the worst case is an "offline" that the next connection corrects.
    pub async fn online_elsewhere(&self, user: Uuid) -> bool {
        let Some(conn) = &self.shared else { return false };
        let claims: redis::RedisResult<Vec<(String, i64)>> =
            redis::cmd("HGETALL").arg(self.key(user)).query_async(&mut conn.clone()).await;
        let now = now_ms();
        let me = self.instance.to_string();
        claims.is_ok_and(|claims| claims.iter().any(|(instance, until)| *instance != me && *until > now))
    }

    /// Of `users`, those no instance holds a live claim for: one Redis round trip for all of
    /// them. When Redis does not answer, nobody is reported (a later sweep tries again).
    pub async fn held_nowhere(&self, users: &[Uuid]) -> Vec<Uuid> {
        let Some(conn) = &self.shared else { return users.to_vec() };
        let mut pipe = redis::pipe();
        for user in users {
            pipe.hvals(self.key(*user));
        }
        let Ok(claims) = pipe.query_async::<Vec<Vec<i64>>>(&mut conn.clone()).await else { return Vec::new() };
        let now = now_ms();
        users.iter().zip(claims).filter(|(_, until)| until.iter().all(|t| *t <= now)).map(|(user, _)| *user).collect()
    }

    /// Renews this instance's claims for everyone connected here, until the process ends.
    pub fn spawn_heartbeat(self: Arc<Self>, hub: Arc<Hub>) {
        if self.shared.is_none() {
            return;
        }
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.beat());
            loop {
                tick.tick().await;
                let users = hub.online_users();
                if !users.is_empty() {
                    self.claim(&users).await;
                }
            }
        });
    }
}
