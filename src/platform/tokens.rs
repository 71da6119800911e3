//! Access tokens (short-lived HS256 JWTs naming the user and the session) and refresh
//! tokens (random, shown once, stored only as a SHA-256 hash).

use crate::error::AppError;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const ACCESS: &str = "access";
const ISSUER: &str = "parlor";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The session (device) this token belongs to; revoking it voids the token.
    pub sid: Uuid,
    pub typ: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub jti: Uuid,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: u64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        // Only HS256 is accepted: a token naming another algorithm (none, RS256…) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl: ttl_secs,
        }
    }

    pub fn ttl(&self) -> u64 {
        self.ttl
    }

    pub fn issue_access(&self, user_id: Uuid, session_id: Uuid) -> Result<String, AppError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            typ: ACCESS.to_owned(),
            iss: ISSUER.to_owned(),
            iat: now,
            nbf: now,
            exp: now + self.ttl,
            jti: Uuid::now_v7(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "signing an access token");
            AppError::internal()
        })
    }

    /// Checks signature, algorithm, issuer, time window and type; the session is checked by the caller.
    pub fn verify_access(&self, token: &str) -> Result<Claims, AppError> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| AppError::new(401, "invalid_token", "The access token is invalid or expired."))?;
        if data.claims.typ != ACCESS {
            return Err(AppError::new(401, "invalid_token", "The access token is invalid or expired."));
        }
        Ok(data.claims)
    }
}

/// A fresh refresh token: 32 random bytes, URL-safe base64.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The only form in which refresh tokens are stored.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 64], 900)
    }

    #[test]
    fn an_issued_access_token_verifies_and_names_user_and_session() {
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let token = keys().issue_access(user, session).unwrap();
        let claims = keys().verify_access(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let other = TokenKeys::new(&[8u8; 64], 900);
        let token = other.issue_access(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        assert_eq!(keys().verify_access(&token).unwrap_err().status, 401);
    }

    #[test]
    fn an_unsigned_alg_none_token_is_refused() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let now = jsonwebtoken::get_current_timestamp();
        let payload = format!(
            r#"{{"sub":"{}","sid":"{}","typ":"access","iss":"parlor","iat":{now},"nbf":{now},"exp":{},"jti":"{}"}}"#,
            Uuid::now_v7(),
            Uuid::now_v7(),
            now + 900,
            Uuid::now_v7()
        );
        let token = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), b64(&payload));
        assert!(keys().verify_access(&token).is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys();
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: Uuid::now_v7(),
            sid: Uuid::now_v7(),
            typ: ACCESS.into(),
            iss: ISSUER.into(),
            iat: now - 1000,
            nbf: now - 1000,
            exp: now - 100,
            jti: Uuid::now_v7(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(keys.verify_access(&token).is_err());
    }

    #[test]
    fn a_token_of_another_type_is_refused() {
        let keys = keys();
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: Uuid::now_v7(),
            sid: Uuid::now_v7(),
            typ: "refresh".into(),
            iss: ISSUER.into(),
            iat: now,
            nbf: now,
            exp: now + 100,
            jti: Uuid::now_v7(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(keys.verify_access(&token).is_err());
    }

    #[test]
    fn refresh_tokens_are_unique_and_hashed_to_fixed_hex() {
        let (a, b) = (new_refresh_token(), new_refresh_token());
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }
}
