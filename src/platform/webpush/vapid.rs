//! VAPID (RFC 8292): the server's P-256 key pair, whose public half browsers subscribe with,
//! and the signed `Authorization: vapid t=…, k=…` header every push request carries.

use axum::http::Uri;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use web_push_native::jwt_simple::prelude::{
    Claims, Duration, ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, ES256KeyPair,
};

/// How long a signature is good for; push services refuse more than 24 hours.
const VALID_FOR_HOURS: u64 = 12;

pub struct Vapid {
    key: ES256KeyPair,
    /// base64url of the uncompressed public point: what `GET /api/push/key` answers.
    public_key: String,
    /// Whom the push service may contact (mailto: or https:).
    subject: String,
}

impl Vapid {
    /// From the 32-byte private scalar (VAPID_PRIVATE_KEY or DATA_DIR/secrets/vapid.key).
    pub fn new(private_key: &[u8], subject: String) -> anyhow::Result<Self> {
        let key = ES256KeyPair::from_bytes(private_key)
            .map_err(|e| anyhow::anyhow!("the VAPID key is not a P-256 private key: {e}"))?;
        let public_key = URL_SAFE_NO_PAD.encode(key.public_key().public_key().to_bytes_uncompressed());
        Ok(Self { key, public_key, subject })
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The Authorization header for a request to `endpoint`: a JWT for the endpoint's origin.
    pub fn authorization(&self, endpoint: &Uri) -> anyhow::Result<String> {
        let claims = Claims::create(Duration::from_hours(VALID_FOR_HOURS))
            .with_audience(origin(endpoint)?)
            .with_subject(&self.subject);
        let token = self.key.sign(claims).map_err(|e| anyhow::anyhow!("signing the VAPID token: {e}"))?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

/// scheme://host[:port], the port only when it is not the scheme's default.
fn origin(endpoint: &Uri) -> anyhow::Result<String> {
    let scheme = endpoint.scheme_str().ok_or_else(|| anyhow::anyhow!("endpoint without a scheme"))?;
    let host = endpoint.host().ok_or_else(|| anyhow::anyhow!("endpoint without a host"))?;
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match endpoint.port_u16() {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_is_the_endpoints_origin_with_a_non_default_port() {
        let at = |s: &str| origin(&s.parse().unwrap()).unwrap();
        assert_eq!(at("https://fcm.googleapis.com/fcm/send/x"), "https://fcm.googleapis.com");
        assert_eq!(at("https://push.example.com:443/x"), "https://push.example.com");
        assert_eq!(at("http://127.0.0.1:9000/push/1"), "http://127.0.0.1:9000");
    }

    #[test]
    fn the_public_key_is_the_uncompressed_point_and_signs_the_header() {
        let vapid = Vapid::new(&[7u8; 32], "mailto:admin@localhost".into()).unwrap();
        let raw = URL_SAFE_NO_PAD.decode(vapid.public_key()).unwrap();
        assert_eq!(raw.len(), 65);
        assert_eq!(raw[0], 4);
        let header = vapid.authorization(&"https://push.example.com/x".parse().unwrap()).unwrap();
        assert!(header.starts_with("vapid t=ey"));
        assert!(header.ends_with(&format!(", k={}", vapid.public_key())));
        assert!(Vapid::new(&[0u8; 32], String::new()).is_err(), "zero is no private key");
    }
}
