//! Runs the tables against a fresh server each, then checks that nothing the refused requests
//! asked for happened anyway.

use super::fixture::Fixture;
use super::probe::{check, run_all};
use super::{Category, Expect, Probe, bearer, cookie, refresh, single, table_browser, table_claims, table_signing};
use crate::helpers::{TestApp, spawn_app};
use serde_json::Value;

/// The forged writes would have created a group, renamed Alice or ended a session.
async fn nothing_changed(app: &TestApp, fx: &Fixture) {
    let me = app.json_bearer("/api/users/me", &fx.alice.access).await;
    assert_eq!(me["user"]["displayName"], "alice");
    let chats: Value = app.json_bearer("/api/chats", &fx.alice.access).await;
    assert_eq!(chats["chats"].as_array().map(Vec::len), Some(0), "no chat was created: {chats}");
    assert_eq!(app.get_bearer("/api/users/me", &fx.bob.access).await.status(), 200, "Bob is still signed in");
    let cookie = format!("parlor_session={}", fx.alice.cookie);
    let res = app.program().get(app.url("/api/users/me")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(res.status(), 200, "Alice's browser is still signed in");
}

#[tokio::test]
async fn forged_and_tampered_signatures_are_refused_everywhere() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    run_all(&app, &table_signing::cases(&fx)).await;
    nothing_changed(&app, &fx).await;
}

#[tokio::test]
async fn correctly_signed_tokens_with_bad_claims_or_ended_sessions_are_refused_everywhere() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    run_all(&app, &table_claims::cases(&fx)).await;
    nothing_changed(&app, &fx).await;
}

#[tokio::test]
async fn stale_cookies_cross_site_requests_and_spent_refresh_tokens_are_refused() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    run_all(&app, &table_browser::cases(&fx)).await;
    nothing_changed(&app, &fx).await;
}

/// The probes can tell acceptance from refusal: Alice's genuine credentials, sent the same way
/// on the same routes, get through, so every refusal in the tables is the server's doing.
#[tokio::test]
async fn the_same_requests_with_genuine_credentials_are_accepted() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    let same_site = single(
        Category::Csrf,
        "same-site cookie write",
        vec![
            Probe::http("profile", reqwest::Method::PATCH, "/api/users/me", Expect::Error(403, "csrf_rejected"))
                .header("cookie", format!("parlor_session={}", fx.alice.cookie))
                .header("origin", &fx.base)
                .json(serde_json::json!({"displayName": "alice"})),
        ],
    );
    let controls = [
        bearer(Category::WrongKey, "genuine access token", &fx.alice.access),
        cookie(Category::Cookie, "genuine cookie", &fx, Some(&fx.alice.cookie), &[]),
        refresh("genuine refresh token", &fx.bob.refresh, "invalid_refresh_token"),
        same_site,
    ];
    for case in &controls {
        for probe in &case.probes {
            let outcome = check(&app, probe).await;
            let accepted =
                outcome.as_ref().is_err_and(|why| why.starts_with("status 2") || why == "the WebSocket was upgraded");
            assert!(accepted, "{} on {}: {outcome:?}", case.name, probe.route);
        }
    }
}
