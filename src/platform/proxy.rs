//! Who is calling: the socket's peer address, or, when that peer is a proxy listed in
//! TRUSTED_PROXIES, the address it reports in X-Forwarded-For. Without the setting the header
//! is ignored, so nobody can pick their own address to dodge rate limits.

use super::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client address, put on each request by `attach_client_ip`.
#[derive(Clone)]
pub struct ClientIp(pub String);

pub async fn attach_client_ip(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ip = client_ip(&request, &state.settings.trusted_proxies);
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

/// The caller's address: the socket peer, or what a trusted proxy says (TRUSTED_PROXIES).
pub fn client_ip(request: &Request, trusted: &[IpNet]) -> String {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    // Some proxies add their own X-Forwarded-For line rather than extending the client's, and
    // the client's line comes first: all lines in order, or the walk from the right would start
    // at the client's. A line that is not text stops the walk there, like any other garbage.
    let lines: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().map(|v| v.to_str().unwrap_or("?")).collect();
    let forwarded = (!lines.is_empty()).then(|| lines.join(","));
    client_address(peer, forwarded.as_deref(), trusted)
}

/// A TRUSTED_PROXIES entry: a network (`10.0.0.0/8`) or one address (`10.0.0.7`).
pub fn parse_proxy(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{raw} is not an IP address or network"))
}

/// The client's address. X-Forwarded-For lists the client first and each proxy after it;
/// reading from the right and skipping our own proxies finds the first address we did not
/// put there ourselves.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpNet]) -> String {
    let Some(peer) = peer else { return "unknown".to_owned() };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    let hops = forwarded_for.unwrap_or_default().split(',').rev().map(str::trim);
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Garbage in the header: stop believing it.
            Err(_) => break,
        }
    }
    peer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = vec![parse_proxy("10.0.0.0/8").unwrap(), parse_proxy("192.168.1.5").unwrap()];
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.2.3.4"), &trusted), "203.0.113.9");
        assert_eq!(client_address(ip("10.1.2.3"), Some("198.51.100.7"), &trusted), "198.51.100.7");
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("6.6.6.6, 198.51.100.7, 192.168.1.5"), &trusted),
            "198.51.100.7"
        );
        assert_eq!(client_address(ip("10.1.2.3"), Some("not-an-ip"), &trusted), "10.1.2.3");
        assert_eq!(client_address(ip("10.1.2.3"), None, &trusted), "10.1.2.3");
        assert_eq!(client_address(ip("10.1.2.3"), Some("1.2.3.4"), &[]), "10.1.2.3");
        assert_eq!(client_address(None, Some("1.2.3.4"), &trusted), "unknown");
        assert!(parse_proxy("nonsense").is_err());
    }
}
