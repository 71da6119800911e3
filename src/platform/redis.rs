//! The Redis connections, when REDIS_URL is set: a client (for the bus's subscriber, which
//! opens its own connection) and a command connection shared by everything else.

use super::config::Settings;
use anyhow::Context;

pub struct Redis {
    pub client: redis::Client,
    pub commands: redis::aio::ConnectionManager,
}

pub async fn connect(settings: &Settings) -> anyhow::Result<Option<Redis>> {
    let Some(url) = &settings.redis_url else { return Ok(None) };
    let client = redis::Client::open(url.as_str()).context("REDIS_URL")?;
    // Fail fast while Redis is away: callers fall back (limits count locally, live frames
    // wait for the resync) instead of holding requests for seconds.
    let wait = settings.timeouts.redis;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_number_of_retries(1)
        .set_max_delay(wait)
        .set_connection_timeout(Some(wait))
        .set_response_timeout(Some(wait));
    let commands =
        redis::aio::ConnectionManager::new_with_config(client.clone(), config).await.context("connecting to Redis")?;
    Ok(Some(Redis { client, commands }))
}
