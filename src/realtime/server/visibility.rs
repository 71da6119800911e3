//! Who has the app in view on some device, on any instance: a live connection counts from
//! the moment it opens until its client reports `away` (tab hidden), and again after `online`.
//! Web Push leaves out people who do, since they see new messages live.
//!
//! With Redis, each visible connection is a field of `<prefix>:visible:<user>` (field =
//! instance:connection) whose value is when it lapses; a heartbeat renews this instance's
//! fields, so those of an instance that died lapse within PRESENCE_TTL. Without Redis there is
//! only this instance, and the hub knows.

use super::hub::Hub;
use redis::aio::ConnectionManager;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Sets one field and forgets the lapsed ones, so a hash never collects dead connections.
const SHOW: &str = r"
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) <= tonumber(ARGV[3]) then redis.call('HDEL', KEYS[1], all[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
";

/// Renews a field that is still there: a connection hidden a moment ago is never brought back.
const RENEW: &str = r"
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
";

pub struct Visibility {
    shared: Option<ConnectionManager>,
    prefix: String,
    instance: Uuid,
    /// How long a field lives without renewal; renewed every third of it.
    ttl: Duration,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Visibility {
    pub fn new(shared: Option<ConnectionManager>, prefix: &str, ttl: Duration) -> Self {
        Self { shared, prefix: prefix.to_owned(), instance: Uuid::now_v7(), ttl }
    }

    fn key(&self, user: Uuid) -> String {
        format!("{}:visible:{user}", self.prefix)
    }

    fn field(&self, conn: u64) -> String {
        format!("{}:{conn}", self.instance)
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(30_000)
    }

    /// Records whether one of this instance's connections shows the app, here and for the others.
    pub async fn report(&self, hub: &Hub, user: Uuid, conn: u64, visible: bool) {
        hub.set_visible(user, conn, visible);
        if visible { self.show(user, conn).await } else { self.hide(user, conn).await }
    }

    async fn show(&self, user: Uuid, conn: u64) {
        let Some(shared) = &self.shared else { return };
        let now = now_ms();
        let script = redis::Script::new(SHOW);
        let mut invocation = script.key(self.key(user));
        invocation.arg(self.field(conn)).arg(now + self.ttl_ms()).arg(now).arg(self.ttl_ms());
        if let Err(e) = invocation.invoke_async::<i64>(&mut shared.clone()).await {
            tracing::warn!(error = %e, "recording a visible connection in Redis failed");
        }
    }

    /// Forgets one of this instance's connections (hidden, or closed).
    pub async fn hide(&self, user: Uuid, conn: u64) {
        let Some(shared) = &self.shared else { return };
        let dropped: redis::RedisResult<()> = redis::cmd("HDEL").arg(self.key(user)).arg(self.field(conn)).query_async(&mut shared.clone()).await;
        if let Err(e) = dropped {
            tracing::warn!(error = %e, "clearing a visible connection in Redis failed");
        }
    }

    /// Of `users`, those with a visible connection on any instance: this instance's hub first,
    /// then one Redis round trip for the rest. When Redis does not answer, only this instance
    /// counts (a notification too many beats one missed).
    pub async fn visible_users(&self, hub: &Hub, users: &[Uuid]) -> HashSet<Uuid> {
        let (mut visible, rest): (HashSet<Uuid>, Vec<Uuid>) = {
            let (here, rest): (Vec<Uuid>, Vec<Uuid>) = users.iter().partition(|u| hub.is_visible(**u));
            (here.into_iter().collect(), rest)
        };
        let Some(shared) = &self.shared else { return visible };
        if rest.is_empty() {
            return visible;
        }
        let mut pipe = redis::pipe();
        for user in &rest {
            pipe.hvals(self.key(*user));
        }
        match pipe.query_async::<Vec<Vec<i64>>>(&mut shared.clone()).await {
            Ok(fields) => {
                let now = now_ms();
                visible.extend(rest.iter().zip(fields).filter(|(_, until)| until.iter().any(|t| *t > now)).map(|(user, _)| *user));
            }
            Err(e) => tracing::warn!(error = %e, "reading visible connections from Redis failed"),
        }
        visible
    }

    /// Renews this instance's visible connections until the process ends.
    pub fn spawn_heartbeat(self: Arc<Self>, hub: Arc<Hub>) {
        let Some(shared) = self.shared.clone() else { return };
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.ttl / 3);
            loop {
                tick.tick().await;
                let conns = hub.visible_connections();
                if conns.is_empty() {
                    continue;
                }
                let until = now_ms() + self.ttl_ms();
                let mut pipe = redis::pipe();
                for (user, conn) in conns {
                    pipe.cmd("EVAL").arg(RENEW).arg(1).arg(self.key(user)).arg(self.field(conn)).arg(until).arg(self.ttl_ms()).ignore();
                }
                if let Err(e) = pipe.query_async::<()>(&mut shared.clone()).await {
                    tracing::warn!(error = %e, "renewing visible connections in Redis failed");
                }
            }
        });
    }
}
