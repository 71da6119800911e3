//! Who has the app in view on some device, on any instance: a live connection counts from
//! the moment it opens until its client reports `away` (tab hidden), and again after `online`.
//! Web Push leaves out people who do, since they see new messages live.
//!
//! With Redis, each visible connection is a field of `<prefix>:visible:<user>` (field =
//! instance:connection) whose value is when it lapses; a heartbeat renews this instance's
//! fields, so those of an instance that died lapse within PRESENCE_TTL. Without Redis there is
//! only this instance, and the hub knows.

use super::hub::Hub;
use super::leases::{Leases, now_ms};
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
    leases: Leases,
}

impl Visibility {
    pub fn new(shared: Option<ConnectionManager>, prefix: &str, ttl: Duration) -> Self {
        Self { leases: Leases::new(shared, prefix, "visible", ttl) }
    }

    fn field(&self, conn: u64) -> String {
        format!("{}:{conn}", self.leases.instance)
    }

    /// Records whether one of this instance's connections shows the app, here and for the others.
    pub async fn report(&self, hub: &Hub, user: Uuid, conn: u64, visible: bool) {
        hub.set_visible(user, conn, visible);
        if visible { self.show(user, conn).await } else { self.hide(user, conn).await }
    }

    async fn show(&self, user: Uuid, conn: u64) {
        let Some(shared) = &self.leases.shared else { return };
        let (now, ttl) = (now_ms(), self.leases.ttl_ms());
        let script = redis::Script::new(SHOW);
        let mut invocation = script.key(self.leases.key(user));
        invocation.arg(self.field(conn)).arg(now + ttl).arg(now).arg(ttl);
        if let Err(e) = invocation.invoke_async::<i64>(&mut shared.clone()).await {
            tracing::warn!(error = %e, "recording a visible connection in Redis failed");
        }
    }

    /// Forgets one of this instance's connections (hidden, or closed).
    pub async fn hide(&self, user: Uuid, conn: u64) {
        let Some(shared) = &self.leases.shared else { return };
        let dropped: redis::RedisResult<()> =
            redis::cmd("HDEL").arg(self.leases.key(user)).arg(self.field(conn)).query_async(&mut shared.clone()).await;
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
        if rest.is_empty() {
            return visible;
        }
        if let Some(live) = self.leases.any_live(&rest).await {
            visible.extend(rest.iter().zip(live).filter(|(_, live)| *live).map(|(user, _)| *user));
        }
        visible
    }

    /// Renews this instance's visible connections until the process ends.
    pub fn spawn_heartbeat(self: Arc<Self>, hub: Arc<Hub>) {
        let Some(shared) = self.leases.shared.clone() else { return };
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.leases.ttl / 3);
            loop {
                tick.tick().await;
                let conns = hub.visible_connections();
                if conns.is_empty() {
                    continue;
                }
                let ttl = self.leases.ttl_ms();
                let until = now_ms() + ttl;
                let mut pipe = redis::pipe();
                for (user, conn) in conns {
                    pipe.cmd("EVAL")
                        .arg(RENEW)
                        .arg(1)
                        .arg(self.leases.key(user))
                        .arg(self.field(conn))
                        .arg(until)
                        .arg(ttl)
                        .ignore();
                }
                if let Err(e) = pipe.query_async::<()>(&mut shared.clone()).await {
                    tracing::warn!(error = %e, "renewing visible connections in Redis failed");
                }
            }
        });
    }
}
