//! Who is connected anywhere. Each instance keeps, per user it holds connections for, a field
//! in a Redis hash (`<prefix>:presence:<user>`, field = instance) whose value is when that
//! claim expires; a heartbeat renews it. An instance that dies stops renewing, so its claims
//! lapse within the TTL (PRESENCE_TTL). Without Redis there is only this instance, and the
//! hub knows.

use super::hub::Hub;
use super::leases::{Leases, now_ms};
use redis::aio::ConnectionManager;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub struct Online {
    leases: Leases,
}

impl Online {
    pub fn new(shared: Option<ConnectionManager>, prefix: &str, ttl: Duration) -> Self {
        Self { leases: Leases::new(shared, prefix, "presence", ttl) }
    }

    /// How often claims are renewed and vanished users looked for.
    pub fn beat(&self) -> Duration {
        self.leases.ttl / 3
    }

    /// This instance holds a connection of `user` (renewed by the heartbeat).
    pub async fn arrive(&self, user: Uuid) {
        self.claim(&[user]).await;
    }

    async fn claim(&self, users: &[Uuid]) {
        let Some(conn) = &self.leases.shared else { return };
        let ttl_ms = self.leases.ttl_ms();
        let until = now_ms() + ttl_ms;
        let mut pipe = redis::pipe();
        for user in users {
            let key = self.leases.key(*user);
            pipe.hset(&key, self.leases.instance.to_string(), until).ignore().pexpire(&key, ttl_ms).ignore();
        }
        if let Err(e) = pipe.query_async::<()>(&mut conn.clone()).await {
            tracing::warn!(error = %e, "recording presence in Redis failed");
        }
    }

    /// This instance no longer holds any connection of `user`.
    pub async fn leave(&self, user: Uuid) {
        let Some(conn) = &self.leases.shared else { return };
        let dropped: redis::RedisResult<()> = redis::cmd("HDEL")
            .arg(self.leases.key(user))
            .arg(self.leases.instance.to_string())
            .query_async(&mut conn.clone())
            .await;
        if let Err(e) = dropped {
            tracing::warn!(error = %e, "clearing presence in Redis failed");
        }
    }

    /// Whether another instance holds a live claim for `user`. When Redis does not answer,
    /// say no: the worst case is an "offline" that the next connection corrects.
    pub async fn online_elsewhere(&self, user: Uuid) -> bool {
        let Some(conn) = &self.leases.shared else { return false };
        let claims: redis::RedisResult<Vec<(String, i64)>> =
            redis::cmd("HGETALL").arg(self.leases.key(user)).query_async(&mut conn.clone()).await;
        let now = now_ms();
        let me = self.leases.instance.to_string();
        claims.is_ok_and(|claims| claims.iter().any(|(instance, until)| *instance != me && *until > now))
    }

    /// Of `users`, those no instance holds a live claim for: one Redis round trip for all of
    /// them. When Redis does not answer, nobody is reported (a later sweep tries again).
    pub async fn held_nowhere(&self, users: &[Uuid]) -> Vec<Uuid> {
        if self.leases.shared.is_none() {
            return users.to_vec();
        }
        let Some(live) = self.leases.any_live(users).await else { return Vec::new() };
        users.iter().zip(live).filter(|(_, live)| !live).map(|(user, _)| *user).collect()
    }

    /// Renews this instance's claims for everyone connected here, until the process ends.
    pub fn spawn_heartbeat(self: Arc<Self>, hub: Arc<Hub>) {
        if self.leases.shared.is_none() {
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
