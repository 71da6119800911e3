//! Login throttling, anonymous and per-user request limits, and CSRF protection.
use crate::helpers::{assert_error, spawn_app, spawn_with};
use serde_json::json;

#[tokio::test]
async fn five_failed_logins_lock_the_account_with_retry_after() {
    let app = spawn_app().await;
    app.register("target", "password123").await;
    for _ in 0..5 {
        assert_eq!(app.login_with(&app.program(), "target", "guess-guess").await.status(), 401);
    }
    // Even the right password is refused while locked.
    let res = app.login_with(&app.program(), "target", "password123").await;
    let retry: u64 = res.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 60 && retry <= 15 * 60, "retry-after {retry}");
    assert_eq!(assert_error(res, 429).await, "rate_limited");
}

#[tokio::test]
async fn five_failures_from_one_address_lock_that_address_for_every_account() {
    let app = spawn_app().await;
    app.register("innocent", "password123").await;
    for i in 0..5 {
        app.login_with(&app.program(), &format!("probe{i}"), "guess-guess").await;
    }
    let res = app.login_with(&app.program(), "innocent", "password123").await;
    assert_error(res, 429).await;
}

#[tokio::test]
async fn anonymous_requests_are_limited_per_address() {
    let app = spawn_with(&[("limit-anon-per-minute", "3")]).await;
    for _ in 0..3 {
        assert_eq!(app.program().get(app.url("/api/users/me")).send().await.unwrap().status(), 401);
    }
    let res = app.program().get(app.url("/api/users/me")).send().await.unwrap();
    assert!(res.headers().contains_key("retry-after"));
    assert_error(res, 429).await;
    // Probes are never limited.
    assert_eq!(app.program().get(app.url("/health")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn signed_in_requests_are_limited_per_user_not_per_address() {
    let app = spawn_with(&[("limit-api-per-minute", "4")]).await;
    let alice = app.user("alice").await.token;
    let bob = app.user("bob").await.token;
    for _ in 0..4 {
        assert_eq!(app.get_bearer("/api/users/me", &alice).await.status(), 200);
    }
    assert_error(app.get_bearer("/api/users/me", &alice).await, 429).await;
    assert_eq!(app.get_bearer("/api/users/me", &bob).await.status(), 200);
}

#[tokio::test]
async fn cookie_writes_from_another_site_are_refused() {
    let app = spawn_app().await;
    app.register("victim", "password123").await;
    let browser = app.browser();
    app.login_with(&browser, "victim", "password123").await;
    let res = browser
        .patch(app.url("/api/users/me"))
        .header("origin", "https://evil.example")
        .json(&json!({"displayName": "pwned"}))
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 403).await, "csrf_rejected");
    let res = browser.post(app.url("/api/auth/logout")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(assert_error(res, 403).await, "csrf_rejected");
    let me: serde_json::Value = browser.get(app.url("/api/users/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["user"]["displayName"], "victim");
}

#[tokio::test]
async fn cookie_writes_without_any_origin_are_refused() {
    let app = spawn_app().await;
    app.register("plain", "password123").await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder().cookie_provider(jar).build().unwrap();
    let res = client
        .post(app.url("/api/auth/login"))
        .header("origin", app.base.as_str())
        .json(&json!({"username": "plain", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client.patch(app.url("/api/users/me")).json(&json!({"displayName": "x"})).send().await.unwrap();
    assert_eq!(assert_error(res, 403).await, "csrf_rejected");
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    app.register("someone", "password123").await;
    let res = app
        .program()
        .post(app.url("/api/auth/login"))
        .header("origin", "https://evil.example")
        .json(&json!({"username": "someone", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 403).await, "csrf_rejected");
}
