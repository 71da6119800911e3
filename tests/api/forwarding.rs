//! Spoofed X-Forwarded-For: sign-in and sign-up limits key on the caller's real address. The
//! header is believed only from TRUSTED_PROXIES, read from the right, so a client can neither
//! pick an address nor slip one in front of the proxy's entry.
use crate::helpers::{TestApp, assert_error, spawn_with};
use serde_json::json;

async fn login_from(app: &TestApp, username: &str, password: &str, forwarded: &[String]) -> reqwest::Response {
    let mut request =
        app.program().post(app.url("/api/auth/login")).json(&json!({"username": username, "password": password}));
    for line in forwarded {
        request = request.header("x-forwarded-for", line);
    }
    request.send().await.unwrap()
}

async fn register_from(app: &TestApp, username: &str, forwarded: &str) -> reqwest::Response {
    app.program()
        .post(app.url("/api/auth/register"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"username": username, "password": "password123"}))
        .send()
        .await
        .unwrap()
}

/// A different made-up address for each request.
fn spoofed(i: usize) -> String {
    format!("203.0.113.{}", i + 1)
}

/// Five wrong passwords for five different accounts (so no account locks), each request with
/// the given X-Forwarded-For lines; then whether "innocent" can still sign in from `last`.
async fn failures_then_innocent(app: &TestApp, lines: impl Fn(usize) -> Vec<String>, last: Vec<String>) -> u16 {
    for i in 0..5 {
        assert_eq!(login_from(app, &format!("probe{i}"), "guess-guess", &lines(i)).await.status(), 401);
    }
    login_from(app, "innocent", "password123", &last).await.status().as_u16()
}

#[tokio::test]
async fn without_trusted_proxies_a_new_forwarded_address_per_request_does_not_reset_the_login_limit() {
    let app = spawn_with(&[]).await;
    app.register("innocent", "password123").await;
    let status = failures_then_innocent(&app, |i| vec![spoofed(i)], vec![spoofed(99)]).await;
    assert_eq!(status, 429, "the address is the socket's, whatever the header says");
}

#[tokio::test]
async fn without_trusted_proxies_a_new_forwarded_address_per_request_does_not_reset_the_sign_up_limit() {
    let app = spawn_with(&[("limit-anon-per-minute", "3")]).await;
    for i in 0..3 {
        assert_eq!(register_from(&app, &format!("new{i}"), &spoofed(i)).await.status(), 201);
    }
    let res = register_from(&app, "new3", &spoofed(3)).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(assert_error(res, 429).await, "rate_limited");
}

/// The same requests through a trusted proxy: now each address is its own client, so the
/// tests above are not passing only because the header is never read.
#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_gets_its_own_login_limit() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1")]).await;
    app.register("innocent", "password123").await;
    assert_eq!(failures_then_innocent(&app, |i| vec![spoofed(i)], vec![spoofed(99)]).await, 200);
    // One address over its limit is refused.
    let same = || vec!["198.51.100.7".to_owned()];
    assert_eq!(failures_then_innocent(&app, |_| same(), same()).await, 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_gets_its_own_sign_up_limit() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1"), ("limit-anon-per-minute", "3")]).await;
    for i in 0..4 {
        assert_eq!(register_from(&app, &format!("new{i}"), &spoofed(i)).await.status(), 201, "sign-up {i}");
    }
    for i in 4..7 {
        assert_eq!(register_from(&app, &format!("new{i}"), "198.51.100.8").await.status(), 201);
    }
    assert_error(register_from(&app, "new7", "198.51.100.8").await, 429).await;
}

#[tokio::test]
async fn addresses_a_client_puts_in_front_of_the_proxys_entry_are_ignored() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1")]).await;
    app.register("innocent", "password123").await;
    // The proxy appends the real client (198.51.100.7) after whatever the client sent.
    let prepended = |i: usize| vec![format!("{}, 198.51.100.7", spoofed(i))];
    assert_eq!(failures_then_innocent(&app, prepended, vec![format!("{}, 198.51.100.7", spoofed(99))]).await, 429);
}

#[tokio::test]
async fn a_proxy_that_adds_its_own_header_line_is_read_from_its_line() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1")]).await;
    app.register("innocent", "password123").await;
    // Some proxies add a second X-Forwarded-For line instead of extending the client's one.
    let two_lines = |i: usize| vec![spoofed(i), "198.51.100.7".to_owned()];
    assert_eq!(failures_then_innocent(&app, two_lines, vec![spoofed(99), "198.51.100.7".to_owned()]).await, 429);
}

#[tokio::test]
async fn a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_address() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1,10.0.0.0/8")]).await;
    app.register("innocent", "password123").await;
    // client → 10.1.2.3 (inner proxy) → 127.0.0.1: the client is the address before the proxies.
    let chain = |i: usize| vec![format!("{}, 198.51.100.7, 10.1.2.3", spoofed(i))];
    assert_eq!(failures_then_innocent(&app, chain, vec!["198.51.100.7, 10.9.9.9".to_owned()]).await, 429);
    // Another client behind the same proxies is not locked out.
    assert_eq!(
        login_from(&app, "innocent", "password123", &["198.51.100.99, 10.1.2.3".to_owned()]).await.status(),
        200
    );
}
