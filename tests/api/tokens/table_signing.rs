//! Rows about the signature: unsigned tokens, algorithms the server does not use, keys that are
//! not the server's, and real tokens edited after signing. Every claim in these tokens is one
//! the server would accept from a genuine token of Alice's live session.

use super::fixture::Fixture;
use super::forge::{self, attacker, b64, hs256, jwt, jwt_raw, parts, tampered, unsigned};
use super::{Case, Category, bearer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

pub fn cases(fx: &Fixture) -> Vec<Case> {
    let mut cases = alg_none(fx);
    cases.extend(confusion(fx));
    cases.extend(wrong_key(fx));
    cases.extend(tampering(fx));
    cases
}

fn alg_none(fx: &Fixture) -> Vec<Case> {
    let claims = fx.claims_of(&fx.alice);
    let [_, payload, signature] = parts(&fx.alice.access);
    let none_header = b64(json!({"alg": "none", "typ": "JWT"}).to_string());
    let row = |name: &str, token: String| bearer(Category::AlgNone, name, &token);
    vec![
        row("alg none, empty signature", unsigned("none", &claims)),
        row("alg NONE in capitals", unsigned("NONE", &claims)),
        row("alg nOnE in mixed case", unsigned("nOnE", &claims)),
        row("alg none without the last dot", unsigned("none", &claims).trim_end_matches('.').to_owned()),
        row("alg none over a real token, its signature kept", format!("{none_header}.{payload}.{signature}")),
        row("alg none with an HMAC of the real key", {
            // The signature is right for these bytes; only the header's algorithm is a lie.
            let header = json!({"alg": "none", "typ": "JWT"}).to_string();
            jwt_raw(&header, &claims.to_string(), Algorithm::HS256, &EncodingKey::from_secret(&fx.jwt_key))
        }),
        row("alg header missing, signed with the real key", {
            jwt_raw(r#"{"typ":"JWT"}"#, &claims.to_string(), Algorithm::HS256, &EncodingKey::from_secret(&fx.jwt_key))
        }),
    ]
}

fn confusion(fx: &Fixture) -> Vec<Case> {
    let claims = fx.claims_of(&fx.alice);
    let keys = attacker();
    let row = |name: &str, token: String| bearer(Category::AlgorithmConfusion, name, &token);
    let header = |alg: Algorithm, edit: fn(&mut Header)| {
        let mut h = Header::new(alg);
        edit(&mut h);
        Some(h)
    };
    vec![
        row("RS256 with the attacker's RSA key", keys.sign(Algorithm::RS256, None, &claims)),
        row("PS256 with the attacker's RSA key", keys.sign(Algorithm::PS256, None, &claims)),
        row("ES256 with the attacker's P-256 key", keys.sign(Algorithm::ES256, None, &claims)),
        row("EdDSA with the attacker's Ed25519 key", keys.sign(Algorithm::EdDSA, None, &claims)),
        row("RS256 carrying the attacker's public key as jwk", {
            let mut h = Header::new(Algorithm::RS256);
            h.jwk = Some(keys.rsa_jwk());
            keys.sign(Algorithm::RS256, Some(h), &claims)
        }),
        row(
            "RS256 pointing jku at the attacker's key set",
            keys.sign(
                Algorithm::RS256,
                header(Algorithm::RS256, |h| {
                    h.jku = Some("https://evil.example/jwks.json".to_owned());
                }),
                &claims,
            ),
        ),
        row("HS256 keyed with the server's public VAPID key", hs256(&fx.vapid_public, &claims)),
        row("HS256 keyed with a published RSA public key", hs256(&keys.rsa_public_der, &claims)),
        row(
            "HS512 with the real key",
            jwt(&Header::new(Algorithm::HS512), &claims, &EncodingKey::from_secret(&fx.jwt_key)),
        ),
        row(
            "HS384 with the real key",
            jwt(&Header::new(Algorithm::HS384), &claims, &EncodingKey::from_secret(&fx.jwt_key)),
        ),
        row("header says RS256, HMAC of the real key", {
            jwt_raw(
                r#"{"alg":"RS256","typ":"JWT"}"#,
                &claims.to_string(),
                Algorithm::HS256,
                &EncodingKey::from_secret(&fx.jwt_key),
            )
        }),
    ]
}

fn wrong_key(fx: &Fixture) -> Vec<Case> {
    let claims = fx.claims_of(&fx.alice);
    let row = |name: &str, token: String| bearer(Category::WrongKey, name, &token);
    let mut other = [0u8; 64];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut other);
    let kid = |kid: &str, secret: &[u8]| {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(kid.to_owned());
        jwt(&h, &claims, &EncodingKey::from_secret(secret))
    };
    vec![
        row("HS256 with an empty key", hs256(b"", &claims)),
        row("HS256 with a random 64-byte key", hs256(&other, &claims)),
        row("HS256 with the word secret", hs256(b"secret", &claims)),
        row("HS256 with the deployment's cookie key", hs256(&fx.cookie_key, &claims)),
        row("HS256 with half of the real key", hs256(&fx.jwt_key[..32], &claims)),
        row("HS256 with the real key as base64 text", hs256(b64(&fx.jwt_key).as_bytes(), &claims)),
        row("kid naming the attacker's key", kid("attacker-2024", &other)),
        row("kid path traversal to an empty file", kid("../../../../../../dev/null", b"")),
        row("kid SQL injection with an empty key", kid("x' UNION SELECT '' --", b"")),
    ]
}

fn tampering(fx: &Fixture) -> Vec<Case> {
    let real = &fx.alice.access;
    let row = |name: &str, token: String| bearer(Category::TamperedClaims, name, &token);
    let [header, payload, signature] = parts(real);
    let mut flipped = signature.clone().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let duplicated = {
        // Two "sub" keys: a parser that keeps the last one would read Bob.
        let body = fx.claims_of(&fx.alice).to_string();
        let body = body.replacen('{', &format!(r#"{{"sub":"{}","#, fx.bob.user_id), 1);
        jwt_raw(r#"{"alg":"HS256","typ":"JWT"}"#, &body, Algorithm::HS256, &EncodingKey::from_secret(&fx.jwt_key))
    };
    vec![
        row("sub changed to Bob, signature kept", tampered(real, |c| c["sub"] = json!(fx.bob.user_id))),
        row("sid changed to Bob's session, signature kept", tampered(real, |c| c["sid"] = json!(fx.bob.session_id))),
        row("exp pushed a year out, signature kept", tampered(real, |c| c["exp"] = json!(forge::now() + 365 * 86400))),
        row("typ edited, signature kept", tampered(real, |c| c["typ"] = json!("admin"))),
        row(
            "kid added to the header, signature kept",
            format!("{}.{payload}.{signature}", b64(r#"{"alg":"HS256","typ":"JWT","kid":"x"}"#)),
        ),
        row(
            "one signature character changed",
            format!("{header}.{payload}.{}", String::from_utf8(flipped).unwrap_or_default()),
        ),
        row("signature truncated", format!("{header}.{payload}.{}", &signature[..signature.len() / 2])),
        row("signature removed", format!("{header}.{payload}.")),
        row("only header and payload", format!("{header}.{payload}")),
        row("a fourth segment appended", format!("{real}.{signature}")),
        row("duplicate sub claim, correctly signed", duplicated),
        row("payload that is not JSON", format!("{header}.{}.{signature}", b64("not json"))),
        row("empty token", String::new()),
        row("a UUID instead of a token", uuid::Uuid::now_v7().to_string()),
    ]
}
