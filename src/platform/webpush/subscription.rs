//! A subscription as the browser sent it, checked: an endpoint the server may call, a P-256
//! key to encrypt for and a 16-byte auth secret. Parse, don't validate: past `parse`, every
//! subscription can be delivered to.

use crate::error::AppError;
use crate::push::model::SubscribeRequest;
use axum::http::Uri;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::net::IpAddr;
use web_push_native::p256::PublicKey;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

/// Longest endpoint accepted (real ones are a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription {
    pub endpoint: String,
    /// Uncompressed point, base64url.
    pub p256dh: String,
    pub auth: String,
}

fn invalid(code: &str, message: &str) -> AppError {
    AppError::bad_request(code, message)
}

/// Browsers send base64url without padding; padding and the standard alphabet are tolerated.
pub fn decode_b64url(value: &str) -> Option<Vec<u8>> {
    let cleaned: String = value
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    URL_SAFE_NO_PAD.decode(cleaned).ok()
}

impl NewSubscription {
    /// `allow_http`: also plain http and private or loopback hosts (PUSH_ALLOW_HTTP, for tests).
    pub fn parse(req: &SubscribeRequest, allow_http: bool) -> Result<Self, AppError> {
        check_endpoint(&req.endpoint, allow_http)?;
        let key = decode_b64url(&req.keys.p256dh)
            .and_then(|bytes| PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or_else(|| invalid("invalid_key", "keys.p256dh is not a P-256 public key in base64url."))?;
        let auth = decode_b64url(&req.keys.auth)
            .filter(|bytes| bytes.len() == 16)
            .ok_or_else(|| invalid("invalid_auth", "keys.auth must be 16 bytes in base64url."))?;
        Ok(Self {
            endpoint: req.endpoint.clone(),
            p256dh: URL_SAFE_NO_PAD.encode(key.to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
        })
    }
}

/// An absolute https URL (http too when allowed) whose host is not this network's: no
/// loopback, private or link-local address literal and no localhost, so a subscription
/// cannot make the server call inside its own network. Names are checked again when
/// resolved (see `sender`).
pub fn check_endpoint(endpoint: &str, allow_http: bool) -> Result<Uri, AppError> {
    let bad = |message: &str| invalid("invalid_endpoint", message);
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(bad("The endpoint is longer than 2048 characters."));
    }
    let uri: Uri = endpoint.parse().map_err(|_| bad("The endpoint is not a URL."))?;
    let scheme_ok = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => allow_http,
        _ => false,
    };
    if !scheme_ok {
        return Err(bad("The endpoint must be an https:// URL."));
    }
    let Some(authority) = uri.authority() else { return Err(bad("The endpoint has no host.")) };
    if authority.as_str().contains('@') {
        return Err(bad("The endpoint must not carry credentials."));
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if host.is_empty() {
        return Err(bad("The endpoint has no host."));
    }
    if !allow_http {
        let internal_name = host == "localhost"
            || host.ends_with(".localhost")
            || (!host.contains('.') && host.parse::<IpAddr>().is_err());
        let internal_address = host.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip));
        if internal_name || internal_address {
            return Err(bad("The endpoint must be on a public host."));
        }
    }
    Ok(uri)
}

/// Whether an address is out on the internet: not loopback, private, link-local, shared
/// (carrier-grade NAT), unspecified, broadcast, multicast or documentation space.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::model::SubscriptionKeys;

    const KEY: &str = "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
    const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

    fn request(endpoint: &str, p256dh: &str, auth: &str) -> SubscribeRequest {
        SubscribeRequest {
            endpoint: endpoint.into(),
            expiration_time: None,
            keys: SubscriptionKeys { p256dh: p256dh.into(), auth: auth.into() },
        }
    }

    fn code(result: Result<NewSubscription, AppError>) -> String {
        result.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn a_browser_subscription_parses_and_keeps_its_keys() {
        let parsed =
            NewSubscription::parse(&request("https://fcm.googleapis.com/fcm/send/abc", KEY, AUTH), false).unwrap();
        assert_eq!(parsed.p256dh, KEY);
        assert_eq!(parsed.auth, AUTH);
    }

    #[test]
    fn keys_that_are_not_a_curve_point_or_16_bytes_are_refused() {
        let url = "https://push.example.com/x";
        assert_eq!(
            code(NewSubscription::parse(
                &request(
                    url,
                    "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    AUTH
                ),
                false
            )),
            "invalid_key"
        );
        assert_eq!(code(NewSubscription::parse(&request(url, "not base64!", AUTH), false)), "invalid_key");
        assert_eq!(code(NewSubscription::parse(&request(url, KEY, "c2hvcnQ"), false)), "invalid_auth");
    }

    #[test]
    fn endpoints_must_be_public_https_unless_http_is_allowed() {
        for refused in [
            "ftp://push.example.com/x",
            "http://push.example.com/x",
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://192.168.0.1:8443/x",
            "https://169.254.169.254/latest",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://localhost/x",
            "https://intranet/x",
            "https://user:pw@push.example.com/x",
            "/relative",
        ] {
            assert!(check_endpoint(refused, false).is_err(), "{refused} is refused");
        }
        assert!(check_endpoint(&format!("https://push.example.com/{}", "a".repeat(MAX_ENDPOINT_LEN)), false).is_err());
        assert!(check_endpoint("https://updates.push.services.mozilla.com/wpush/v2/x", false).is_ok());
        assert!(check_endpoint("https://8.8.8.8/x", false).is_ok());
        assert!(check_endpoint("http://127.0.0.1:9000/push/1", true).is_ok());
        assert!(check_endpoint("ftp://127.0.0.1/x", true).is_err(), "only http(s), even when allowed");
    }
}
