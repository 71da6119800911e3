use crate::helpers::{TestUser, assert_error, spawn_app, spawn_with};
use serde_json::{Value, json};

async fn refresh(app: &crate::helpers::TestApp, token: &str) -> reqwest::Response {
    app.program().post(app.url("/api/auth/refresh")).json(&json!({"refreshToken": token})).send().await.unwrap()
}

#[tokio::test]
async fn refreshing_rotates_the_refresh_token() {
    let app = spawn_app().await;
    let first = app.user("rotate").await.refresh;
    let res = refresh(&app, &first).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let second = body["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(body["expiresIn"], 900);
    let access = body["accessToken"].as_str().unwrap();
    assert_eq!(app.get_bearer("/api/users/me", access).await.status(), 200);
    // The new one works once more.
    assert_eq!(refresh(&app, &second).await.status(), 200);
}

#[tokio::test]
async fn reusing_an_old_refresh_token_revokes_the_session() {
    let app = spawn_app().await;
    let first = app.user("reuse").await.refresh;
    let body: Value = refresh(&app, &first).await.json().await.unwrap();
    let (access, second) = (body["accessToken"].as_str().unwrap(), body["refreshToken"].as_str().unwrap());

    let res = refresh(&app, &first).await;
    assert_eq!(assert_error(res, 401).await, "refresh_token_reused");
    // The whole session is gone: its access token and its current refresh token fail too.
    assert_eq!(app.get_bearer("/api/users/me", access).await.status(), 401);
    assert_eq!(refresh(&app, second).await.status(), 401);
}

#[tokio::test]
async fn refresh_tokens_are_stored_only_as_hashes() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let token = app.user("hashed").await.refresh;
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT refresh_token_hash FROM sessions"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].try_get("", "refresh_token_hash").unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, parlor::platform::tokens::hash_token(&token));
}

#[tokio::test]
async fn unknown_or_malformed_refresh_tokens_are_refused() {
    let app = spawn_app().await;
    assert_eq!(assert_error(refresh(&app, "nope").await, 401).await, "invalid_refresh_token");
    let res = app.program().post(app.url("/api/auth/refresh")).json(&json!({"refreshToken": 42})).send().await.unwrap();
    assert_error(res, 400).await;
}

#[tokio::test]
async fn logging_out_ends_this_session_only() {
    let app = spawn_app().await;
    let phone = app.user("multi").await.token;
    let laptop = app.login("multi", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let res = app.program().post(app.url("/api/auth/logout")).bearer_auth(&phone).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_bearer("/api/users/me", &phone).await.status(), 401);
    assert_eq!(app.get_bearer("/api/users/me", &laptop).await.status(), 200);
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session() {
    let app = spawn_app().await;
    let TestUser { token: phone, refresh: refresh_token, .. } = app.user("everywhere").await;
    let laptop = app.login("everywhere", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let res = app
        .program()
        .post(app.url("/api/auth/logout"))
        .bearer_auth(&phone)
        .json(&json!({"all": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_bearer("/api/users/me", &phone).await.status(), 401);
    assert_eq!(app.get_bearer("/api/users/me", &laptop).await.status(), 401);
    assert_eq!(refresh(&app, &refresh_token).await.status(), 401);
}

#[tokio::test]
async fn logging_out_a_browser_forgets_its_cookie() {
    let app = spawn_app().await;
    app.register("cookie", "password123").await;
    let browser = app.browser();
    app.login_with(&browser, "cookie", "password123").await;
    assert_eq!(browser.get(app.url("/api/users/me")).send().await.unwrap().status(), 200);
    assert_eq!(browser.post(app.url("/api/auth/logout")).send().await.unwrap().status(), 204);
    assert_eq!(browser.get(app.url("/api/users/me")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn devices_are_listed_and_another_can_be_signed_out() {
    let app = spawn_app().await;
    app.register("devices", "password123").await;
    let phone: Value = app
        .program()
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "devices", "password": "password123", "deviceName": "Phone"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phone_token = phone["accessToken"].as_str().unwrap();
    let laptop = app.login("devices", "password123").await;
    let laptop_token = laptop["accessToken"].as_str().unwrap();

    let list: Value = app.get_bearer("/api/sessions", laptop_token).await.json().await.unwrap();
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let phone_session = sessions.iter().find(|s| s["deviceName"] == "Phone").unwrap();
    assert_eq!(phone_session["current"], false);
    assert_eq!(phone_session["ip"], "127.0.0.1");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);

    let id = phone_session["id"].as_str().unwrap();
    let res =
        app.program().delete(app.url(&format!("/api/sessions/{id}"))).bearer_auth(laptop_token).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_bearer("/api/users/me", phone_token).await.status(), 401);
    let list: Value = app.get_bearer("/api/sessions", laptop_token).await.json().await.unwrap();
    assert_eq!(list["sessions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_users_session_cannot_be_revoked() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let bob = app.user("bob").await.token;
    let bobs: Value = app.get_bearer("/api/sessions", &bob).await.json().await.unwrap();
    let id = bobs["sessions"][0]["id"].as_str().unwrap();
    let res = app.program().delete(app.url(&format!("/api/sessions/{id}"))).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(assert_error(res, 404).await, "not_found");
    assert_eq!(app.get_bearer("/api/users/me", &bob).await.status(), 200);
    let res = app.program().delete(app.url("/api/sessions/not-a-uuid")).bearer_auth(&alice).send().await.unwrap();
    assert_error(res, 404).await;
}

#[tokio::test]
async fn a_revoked_browser_is_signed_out_on_its_next_request() {
    let app = spawn_app().await;
    app.register("revoked", "password123").await;
    let (first, second) = (app.browser(), app.browser());
    app.login_with(&first, "revoked", "password123").await;
    app.login_with(&second, "revoked", "password123").await;
    let list: Value = first.get(app.url("/api/sessions")).send().await.unwrap().json().await.unwrap();
    let other = list["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first.delete(app.url(&format!("/api/sessions/{other}"))).send().await.unwrap().status(), 204);
    assert_eq!(second.get(app.url("/api/users/me")).send().await.unwrap().status(), 401);
    let page = second.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(first.get(app.url("/api/users/me")).send().await.unwrap().status(), 200);
}

/// X-Forwarded-For names the client only when the connection comes from a trusted proxy.
#[tokio::test]
async fn the_forwarded_address_counts_only_behind_a_trusted_proxy() {
    for (trusted, expected) in [(None, "127.0.0.1"), (Some("127.0.0.1"), "198.51.100.7")] {
        let app = match trusted {
            Some(proxy) => spawn_with(&[("trusted-proxies", proxy)]).await,
            None => spawn_app().await,
        };
        app.register("walker", "password123").await;
        let login = app
            .program()
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", "6.6.6.6, 198.51.100.7")
            .json(&json!({"username": "walker", "password": "password123"}))
            .send()
            .await
            .unwrap();
        let token = login.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_owned();
        // Each request refreshes the session's last address: this one comes through the proxy too.
        let sessions: Value = app
            .program()
            .get(app.url("/api/sessions"))
            .bearer_auth(&token)
            .header("x-forwarded-for", "198.51.100.7")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(sessions["sessions"][0]["ip"], expected, "trusted proxies: {trusted:?}");
    }
}
