use crate::helpers::{TestUser, assert_error, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn registering_returns_201_and_the_public_user() {
    let app = spawn_app().await;
    let body = app.register("Ada.Lovelace", "analytical-engine").await;
    let user = &body["user"];
    assert_eq!(user["username"], "Ada.Lovelace");
    assert_eq!(user["displayName"], "Ada.Lovelace");
    assert_eq!(user["status"], "offline");
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());
    let text = body.to_string();
    assert!(!text.contains("argon2") && !text.contains("analytical-engine"), "no secrets in {text}");
}

#[tokio::test]
async fn a_username_is_taken_whatever_its_case() {
    let app = spawn_app().await;
    app.register("grace", "password123").await;
    let res = app
        .program()
        .post(app.url("/api/auth/register"))
        .json(&json!({"username": "GRACE", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 409).await, "username_taken");
}

#[tokio::test]
async fn registration_refuses_invalid_values_with_a_reason() {
    let app = spawn_app().await;
    let cases = [
        (json!({"username": "ab", "password": "password123"}), "invalid_username"),
        (json!({"username": "has space", "password": "password123"}), "invalid_username"),
        (json!({"username": "x".repeat(51), "password": "password123"}), "invalid_username"),
        (json!({"username": "<script>", "password": "password123"}), "invalid_username"),
        (json!({"username": "alice", "password": "short"}), "weak_password"),
        (
            json!({"username": "alice", "password": "password123", "passwordConfirm": "password124"}),
            "password_mismatch",
        ),
        (
            json!({"username": "alice", "password": "password123", "displayName": "d".repeat(101)}),
            "invalid_display_name",
        ),
    ];
    for (body, code) in cases {
        let res = app.program().post(app.url("/api/auth/register")).json(&body).send().await.unwrap();
        assert_eq!(assert_error(res, 400).await, code, "for {body}");
    }
    // Nothing was created by the refused attempts.
    let res = app.login_with(&app.program(), "alice", "password123").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn login_answers_the_same_for_an_unknown_user_and_a_wrong_password() {
    let app = spawn_app().await;
    app.register("hopper", "password123").await;
    let wrong = app.login_with(&app.program(), "hopper", "wrong-password").await;
    let unknown = app.login_with(&app.program(), "nobody-here", "wrong-password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (a, b): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn login_gives_tokens_and_a_protected_session_cookie() {
    let app = spawn_app().await;
    app.register("turing", "password123").await;
    let res = app.login_with(&app.browser(), "Turing", "password123").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("parlor_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http is not Secure: {cookie}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["expiresIn"], 900);
    assert_eq!(body["user"]["username"], "turing");
    assert!(body["accessToken"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refreshToken"].as_str().unwrap().len() >= 40);
}

#[tokio::test]
async fn cookies_are_secure_when_the_public_url_is_https() {
    let app = crate::helpers::spawn_with(&[("public-url", "https://chat.example.com")]).await;
    app.register("secure", "password123").await;
    let res = app.login_with(&app.program(), "secure", "password123").await;
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn the_profile_reads_with_a_bearer_token_or_the_cookie() {
    let app = spawn_app().await;
    let TestUser { id, token: access, .. } = app.user("knuth").await;
    let res = app.get_bearer("/api/users/me", &access).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["id"], id.as_str());

    let browser = app.browser();
    app.login_with(&browser, "knuth", "password123").await;
    let body: Value = browser.get(app.url("/api/users/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["user"]["id"], id.as_str());
}

#[tokio::test]
async fn the_profile_needs_a_valid_token() {
    let app = spawn_app().await;
    let res = app.program().get(app.url("/api/users/me")).send().await.unwrap();
    assert_eq!(assert_error(res, 401).await, "unauthenticated");
    let res = app.get_bearer("/api/users/me", "not.a.token").await;
    assert_eq!(assert_error(res, 401).await, "unauthenticated");
}

#[tokio::test]
async fn changing_the_display_name_is_kept_and_validated() {
    let app = spawn_app().await;
    let access = app.user("liskov").await.token;
    let res = app
        .program()
        .patch(app.url("/api/users/me"))
        .bearer_auth(&access)
        .json(&json!({"displayName": "  Barbara Liskov "}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = app.get_bearer("/api/users/me", &access).await.json().await.unwrap();
    assert_eq!(body["user"]["displayName"], "Barbara Liskov");

    for bad in [json!({"displayName": ""}), json!({"displayName": "x".repeat(101)}), json!({"displayName": 5})] {
        let res = app.program().patch(app.url("/api/users/me")).bearer_auth(&access).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 400, "for {bad}");
    }
    let res = app
        .program()
        .patch(app.url("/api/users/me"))
        .bearer_auth(&access)
        .json(&json!({"avatarMediaId": uuid::Uuid::now_v7()}))
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 400).await, "invalid_media");
    let body: Value = app.get_bearer("/api/users/me", &access).await.json().await.unwrap();
    assert_eq!(body["user"]["displayName"], "Barbara Liskov");
}
