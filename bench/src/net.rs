//! The client side of every socket: HTTP clients and, with `--source-ips`, the loopback
//! address each user's sockets are bound to. One source address allows about 28,000
//! connections to one server port (the ephemeral port range); several multiply that.

use anyhow::Context;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// User `user`'s source address among 127.0.0.1 … 127.0.0.`n`, round-robin; None when `n` ≤ 1
/// (the kernel chooses, as without the flag).
pub fn source_ip(user: usize, n: usize) -> Option<Ipv4Addr> {
    if n <= 1 {
        return None;
    }
    let host = u8::try_from(1 + user % n.min(254)).ok()?;
    Some(Ipv4Addr::new(127, 0, 0, host))
}

/// HTTP clients, one per source address (reqwest binds per client, not per request).
pub struct Net {
    sources: usize,
    /// Setup, sends and history reads: bounded by a per-request timeout.
    http: Vec<reqwest::Client>,
    /// Event streams: no overall timeout, they stay open for the whole run.
    streams: Vec<reqwest::Client>,
}

impl Net {
    pub fn new(source_ips: usize) -> anyhow::Result<Self> {
        let slots = source_ips.max(1);
        let mut http = Vec::with_capacity(slots);
        let mut streams = Vec::with_capacity(slots);
        for slot in 0..slots {
            let local = source_ip(slot, source_ips).map(IpAddr::V4);
            http.push(
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .connect_timeout(Duration::from_secs(10))
                    .pool_max_idle_per_host(256)
                    .local_address(local)
                    .build()
                    .context("building the HTTP client")?,
            );
            streams.push(
                reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(15))
                    .local_address(local)
                    .build()
                    .context("building the event-stream client")?,
            );
        }
        Ok(Self { sources: source_ips, http, streams })
    }

    /// Where user `user`'s sockets come from (None: not bound).
    pub fn source(&self, user: usize) -> Option<IpAddr> {
        source_ip(user, self.sources).map(IpAddr::V4)
    }

    pub fn http(&self, user: usize) -> &reqwest::Client {
        &self.http[user % self.http.len()]
    }

    pub fn stream(&self, user: usize) -> &reqwest::Client {
        &self.streams[user % self.streams.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_go_round_robin_over_loopback() {
        assert_eq!(source_ip(5, 1), None);
        assert_eq!(source_ip(0, 4), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(source_ip(3, 4), Some(Ipv4Addr::new(127, 0, 0, 4)));
        assert_eq!(source_ip(4, 4), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(source_ip(253, 254), Some(Ipv4Addr::new(127, 0, 0, 254)));
        assert!((0..1000).filter_map(|u| source_ip(u, 254)).all(|ip| ip.is_loopback()));
    }

    #[test]
    fn each_source_has_its_clients() {
        let net = Net::new(3).unwrap();
        assert_eq!(net.source(4), Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))));
        assert_eq!(Net::new(1).unwrap().source(4), None);
        assert_eq!((net.http.len(), net.streams.len()), (3, 3));
    }
}
