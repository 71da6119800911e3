//! Forged credentials: access tokens built the way an attacker (or a confused client) builds
//! them, and signed session cookies. Keys are either ones an attacker can make or know, or the
//! deployment's own secrets read from DATA_DIR, for cases that need a correct signature over
//! bad claims.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::sync::OnceLock;
use tower_sessions::cookie::{Cookie, CookieJar, Key};

pub const COOKIE: &str = "parlor_session";

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Access-token claims as the server issues them: this user and session, valid for 15 minutes.
pub fn claims(sub: &str, sid: &str) -> Value {
    let now = now();
    json!({"sub": sub, "sid": sid, "typ": "access", "iss": "parlor", "iat": now, "nbf": now, "exp": now + 900,
        "jti": uuid::Uuid::now_v7()})
}

/// `claims` with fields replaced; a `null` removes the field.
pub fn with(mut claims: Value, changes: Value) -> Value {
    let fields = claims.as_object_mut().expect("claims object");
    for (key, value) in changes.as_object().expect("changes object") {
        if value.is_null() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    claims
}

/// A JWT from raw header and payload JSON, signed over exactly those bytes.
pub fn jwt_raw(header: &str, payload: &str, alg: Algorithm, key: &EncodingKey) -> String {
    let message = format!("{}.{}", b64(header), b64(payload));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, alg).expect("signing");
    format!("{message}.{signature}")
}

pub fn jwt(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).expect("encoding a token")
}

/// HS256 over `claims` with `secret`: the server's own algorithm, whatever the key.
pub fn hs256(secret: &[u8], claims: &Value) -> String {
    jwt(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret))
}

/// An unsigned token: `{"alg": <alg>}` and an empty signature.
pub fn unsigned(alg: &str, claims: &Value) -> String {
    format!("{}.{}.", b64(json!({"alg": alg, "typ": "JWT"}).to_string()), b64(claims.to_string()))
}

/// The three dot-separated parts of a token.
pub fn parts(token: &str) -> [String; 3] {
    let mut it = token.split('.').map(str::to_owned);
    [it.next().unwrap_or_default(), it.next().unwrap_or_default(), it.next().unwrap_or_default()]
}

pub fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url part")).expect("JSON part")
}

/// A real token whose payload was edited by `edit` and whose original signature is kept.
pub fn tampered(token: &str, edit: impl FnOnce(&mut Value)) -> String {
    let [header, payload, signature] = parts(token);
    let mut claims = decode_part(&payload);
    edit(&mut claims);
    format!("{header}.{}.{signature}", b64(claims.to_string()))
}

/// Key pairs an attacker generates for themselves; the public halves are theirs to publish.
pub struct AttackerKeys {
    pub rsa_private_der: Vec<u8>,
    pub rsa_public_der: Vec<u8>,
    pub rsa_n: String,
    pub rsa_e: String,
    pub ec_private_der: Vec<u8>,
    pub ed_private_der: Vec<u8>,
}

/// Generated once per test process: RSA key generation is slow in a debug build.
pub fn attacker() -> &'static AttackerKeys {
    static KEYS: OnceLock<AttackerKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
        use rsa::traits::PublicKeyParts;
        let mut rng = rand_core::OsRng;
        let rsa = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key");
        let public = rsa.to_public_key();
        let ec = p256::SecretKey::random(&mut rng);
        let ed = ed25519_dalek::SigningKey::generate(&mut rng);
        AttackerKeys {
            rsa_private_der: rsa.to_pkcs1_der().expect("RSA DER").as_bytes().to_vec(),
            rsa_public_der: public.to_pkcs1_der().expect("RSA public DER").as_bytes().to_vec(),
            rsa_n: b64(public.n().to_bytes_be()),
            rsa_e: b64(public.e().to_bytes_be()),
            ec_private_der: p256::pkcs8::EncodePrivateKey::to_pkcs8_der(&ec).expect("EC DER").as_bytes().to_vec(),
            ed_private_der: ed25519_dalek::pkcs8::EncodePrivateKey::to_pkcs8_der(&ed)
                .expect("Ed DER")
                .as_bytes()
                .to_vec(),
        }
    })
}

impl AttackerKeys {
    pub fn sign(&self, alg: Algorithm, header: Option<Header>, claims: &Value) -> String {
        let key = match alg {
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => EncodingKey::from_rsa_der(&self.rsa_private_der),
            Algorithm::ES256 => EncodingKey::from_ec_der(&self.ec_private_der),
            Algorithm::EdDSA => EncodingKey::from_ed_der(&self.ed_private_der),
            other => panic!("no attacker key for {other:?}"),
        };
        jwt(&header.unwrap_or_else(|| Header::new(alg)), claims, &key)
    }

    /// The attacker's RSA public key as a JWK, to embed in a token header.
    pub fn rsa_jwk(&self) -> jsonwebtoken::jwk::Jwk {
        serde_json::from_value(json!({"kty": "RSA", "n": self.rsa_n, "e": self.rsa_e, "alg": "RS256", "use": "sig"}))
            .expect("JWK")
    }
}

/// The `parlor_session` cookie value for a tower-sessions id, signed with `key` (64 bytes).
pub fn signed_cookie(key: &[u8], session_id: &str) -> String {
    let mut jar = CookieJar::new();
    jar.signed_mut(&Key::from(key)).add(Cookie::new(COOKIE, session_id.to_owned()));
    jar.get(COOKIE).expect("signed cookie").value().to_owned()
}

/// The signature of a signed cookie value is its first 44 characters (base64 of HMAC-SHA256).
pub fn cookie_session_id(value: &str) -> &str {
    &value[44..]
}
