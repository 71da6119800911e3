//! A stand-in for a browser vendor's push service (an HTTP server on 127.0.0.1:0 that records
//! every request and answers 201, or what a test tells it to), and a browser's side of a
//! subscription: its P-256 key pair and auth secret, to decrypt what arrives.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use web_push_native::p256::SecretKey;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

#[derive(Debug, Clone)]
pub struct Hit {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Book {
    hits: HashMap<String, Vec<Hit>>,
    answers: HashMap<String, u16>,
}

pub struct PushService {
    pub origin: String,
    book: Arc<Mutex<Book>>,
}

async fn receive(
    State(book): State<Arc<Mutex<Book>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut book = book.lock().unwrap();
    book.hits.entry(id.clone()).or_default().push(Hit { headers, body: body.to_vec() });
    StatusCode::from_u16(book.answers.get(&id).copied().unwrap_or(201)).unwrap()
}

impl PushService {
    pub async fn start() -> PushService {
        let book = Arc::new(Mutex::new(Book::default()));
        let app = axum::Router::new().route("/push/{id}", axum::routing::post(receive)).with_state(book.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        PushService { origin, book }
    }

    pub fn endpoint(&self, id: &str) -> String {
        format!("{}/push/{id}", self.origin)
    }

    /// From now on, requests to `id` get this status.
    pub fn answer(&self, id: &str, status: u16) {
        self.book.lock().unwrap().answers.insert(id.to_owned(), status);
    }

    pub fn hits(&self, id: &str) -> Vec<Hit> {
        self.book.lock().unwrap().hits.get(id).cloned().unwrap_or_default()
    }

    /// Waits (up to 10 s) until `id` has had `count` requests, and returns them.
    pub async fn wait_for(&self, id: &str, count: usize) -> Vec<Hit> {
        for _ in 0..500 {
            let hits = self.hits(id);
            if hits.len() >= count {
                return hits;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{id} got {} push requests, expected {count}", self.hits(id).len());
    }

    /// Time for any push of a message whose other pushes already arrived to arrive too.
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// A browser's subscription secrets, made as `pushManager.subscribe` makes them.
pub struct Browser {
    secret: SecretKey,
    auth: [u8; 16],
    pub endpoint: String,
}

impl Browser {
    pub fn new(service: &PushService, id: &str) -> Browser {
        let secret = loop {
            if let Ok(key) = SecretKey::from_slice(&rand::random::<[u8; 32]>()) {
                break key;
            }
        };
        Browser { secret, auth: rand::random(), endpoint: service.endpoint(id) }
    }

    /// `PushSubscription.toJSON()`.
    pub fn subscription(&self) -> Value {
        let p256dh = URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes());
        json!({"endpoint": self.endpoint, "expirationTime": null, "keys": {"p256dh": p256dh, "auth": URL_SAFE_NO_PAD.encode(self.auth)}})
    }

    /// The notification's JSON, decrypted as the browser would (RFC 8291).
    pub fn open(&self, hit: &Hit) -> Value {
        let auth = web_push_native::Auth::from(self.auth);
        let plain = web_push_native::decrypt(hit.body.clone(), &self.secret, &auth)
            .expect("the payload decrypts with the browser's keys");
        serde_json::from_slice(&plain).expect("the payload is JSON")
    }
}

/// Checks a push request's VAPID header against the server's public key (RFC 8292):
/// `vapid t=<ES256 JWT for this origin, expiring within 24 h, with a subject>, k=<key>`.
pub fn assert_vapid(hit: &Hit, public_key: &str, origin: &str) -> Value {
    let header = hit.headers["authorization"].to_str().unwrap();
    let rest = header.strip_prefix("vapid ").expect("vapid scheme");
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => token = Some(v),
            Some(("k", v)) => key = Some(v),
            _ => panic!("unexpected part in {header}"),
        }
    }
    assert_eq!(key, Some(public_key), "k is the key from GET /api/push/key");
    let point = URL_SAFE_NO_PAD.decode(public_key).unwrap();
    assert_eq!((point.len(), point[0]), (65, 4), "an uncompressed P-256 point");
    let (x, y) = (URL_SAFE_NO_PAD.encode(&point[1..33]), URL_SAFE_NO_PAD.encode(&point[33..]));
    let decoding = jsonwebtoken::DecodingKey::from_ec_components(&x, &y).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[origin]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Value>(token.expect("t"), &decoding, &validation)
        .expect("an ES256 signature by that key")
        .claims;
    let now = chrono::Utc::now().timestamp();
    let exp = claims["exp"].as_i64().unwrap();
    assert!(exp > now && exp <= now + 24 * 3600, "expires within 24 h: {claims}");
    assert!(claims["sub"].as_str().is_some_and(|s| s.starts_with("mailto:") || s.starts_with("https://")), "{claims}");
    claims
}
