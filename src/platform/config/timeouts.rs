//! How long the server waits on each dependency before it gives up and answers 503: a database,
//! Redis or S3 that stopped answering (down, or a black hole that takes the connection and never
//! replies) must make requests fail fast, not hang. Durations read like `500ms`, `3s` or `3`
//! (seconds).

use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct Timeouts {
    /// Longest a request may take before it is answered 503 (uploads excepted: their bodies may
    /// be slow to arrive). The work goes on in the background, so nothing stops half done.
    #[arg(long = "request-timeout", env = "REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub request: Duration,
    /// Longest wait for a database connection, including checking it and opening a new one;
    /// past it the request is answered 503.
    #[arg(long = "db-acquire-timeout", env = "DB_ACQUIRE_TIMEOUT", default_value = "3s", value_parser = parse_duration)]
    pub db_acquire: Duration,
    /// PostgreSQL cancels a statement running longer than this (0 = never). Migrations are exempt.
    #[arg(long = "db-statement-timeout", env = "DB_STATEMENT_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub db_statement: Duration,
    /// Longest wait for Redis to connect or to answer one command; past it, rate limits count
    /// locally and live frames wait for the resync.
    #[arg(long = "redis-timeout", env = "REDIS_TIMEOUT", default_value = "500ms", value_parser = parse_duration)]
    pub redis: Duration,
    /// Longest one S3 call may take, retries included. Raise it when the bucket is far away
    /// and uploads are large (an upload stores up to ~10 MB).
    #[arg(long = "s3-timeout", env = "S3_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pub s3: Duration,
}

impl Timeouts {
    pub(super) fn check(&self) -> anyhow::Result<()> {
        let waits = [
            ("REQUEST_TIMEOUT", self.request),
            ("DB_ACQUIRE_TIMEOUT", self.db_acquire),
            ("REDIS_TIMEOUT", self.redis),
            ("S3_TIMEOUT", self.s3),
        ];
        if let Some((name, _)) = waits.iter().find(|(_, d)| d.is_zero()) {
            anyhow::bail!("{name} must be positive");
        }
        Ok(())
    }
}

/// `250ms`, `3s` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix("ms") {
        Some(number) => (number, 1),
        None => (text.strip_suffix('s').unwrap_or(text), 1000),
    };
    let number: u64 = number.trim().parse().map_err(|_| format!("{text} is not a duration like 500ms, 3s or 3"))?;
    Ok(Duration::from_millis(number.saturating_mul(unit)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::config::Settings;

    #[test]
    fn durations_read_as_milliseconds_seconds_or_bare_seconds() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("3s"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1.5s").is_err());
    }

    #[test]
    fn every_dependency_has_a_bounded_wait_by_default() {
        let settings = Settings::from_args(Vec::<String>::new()).unwrap();
        let t = &settings.timeouts;
        assert_eq!(
            (t.request, t.db_acquire, t.db_statement),
            (Duration::from_secs(10), Duration::from_secs(3), Duration::from_secs(10))
        );
        assert_eq!((t.redis, t.s3), (Duration::from_millis(500), Duration::from_secs(5)));
    }

    #[test]
    fn a_wait_of_zero_is_refused_except_for_the_statement_timeout() {
        assert!(Settings::from_args(["--db-acquire-timeout".to_owned(), "0".to_owned()]).is_err());
        assert!(Settings::from_args(["--request-timeout".to_owned(), "0ms".to_owned()]).is_err());
        let unlimited = Settings::from_args(["--db-statement-timeout".to_owned(), "0".to_owned()]).unwrap();
        assert!(unlimited.timeouts.db_statement.is_zero());
    }
}
