//! Bad input on every route is a 4xx with the error body: never a 500, never a stack trace.
use crate::helpers::{assert_error, spawn_app};

/// Every route that takes a body (logout last: a body it accepted would end the session).
fn write_routes() -> Vec<(&'static str, String)> {
    let id = uuid::Uuid::now_v7();
    vec![
        ("POST", "/api/auth/register".into()),
        ("POST", "/api/auth/login".into()),
        ("POST", "/api/auth/refresh".into()),
        ("PATCH", "/api/users/me".into()),
        ("POST", "/api/chats/direct".into()),
        ("POST", "/api/chats/group".into()),
        ("PATCH", format!("/api/chats/{id}")),
        ("POST", format!("/api/chats/{id}/members")),
        ("PATCH", format!("/api/chats/{id}/members/{id}")),
        ("POST", format!("/api/chats/{id}/read")),
        ("POST", format!("/api/chats/{id}/messages")),
        ("PATCH", format!("/api/messages/{id}")),
        ("POST", format!("/api/messages/{id}/reactions")),
        ("POST", "/api/contacts/requests".into()),
        ("POST", "/api/auth/logout".into()),
    ]
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_a_4xx_on_every_route() {
    let app = spawn_app().await;
    let token = app.user("fuzzy").await.token;
    let bodies: [(&str, &str); 7] = [
        ("{", "application/json"),
        ("[]", "application/json"),
        ("{\"username\": 5, \"password\": []}", "application/json"),
        ("null", "application/json"),
        ("{\"unexpected\": true}", "application/json"),
        ("username=a&password=b", "application/x-www-form-urlencoded"),
        ("\u{0}\u{1}binary", "application/json"),
    ];
    for (method, path) in write_routes() {
        for (body, content_type) in bodies {
            let res = app
                .program()
                .request(method.parse().unwrap(), app.url(&path))
                .bearer_auth(&token)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            assert!((400..500).contains(&status), "{method} {path} with {body:?} gave {status}");
            let text = res.text().await.unwrap();
            let parsed: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON error body, got {text}"));
            assert!(parsed["error"]["code"].is_string(), "{text}");
            assert!(!text.to_lowercase().contains("sql") && !text.contains("panicked"), "{text}");
        }
    }
}

#[tokio::test]
async fn a_missing_content_type_is_415() {
    let app = spawn_app().await;
    let res = app
        .program()
        .post(app.url("/api/auth/login"))
        .body("{\"username\":\"a\",\"password\":\"b\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 415).await, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = spawn_app().await;
    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(3 * 1024 * 1024));
    let res = app
        .program()
        .post(app.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(assert_error(res, 413).await, "too_large");
}

#[tokio::test]
async fn over_long_values_are_refused_not_stored() {
    let app = spawn_app().await;
    let res = app
        .program()
        .post(app.url("/api/auth/register"))
        .json(&serde_json::json!({"username": "u".repeat(5000), "password": "p".repeat(5000)}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400).await;
    let res = app
        .program()
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({"username": "u".repeat(5000), "password": "p".repeat(100_000)}))
        .send()
        .await
        .unwrap();
    assert_error(res, 401).await;
}

#[tokio::test]
async fn unknown_api_routes_are_404_with_the_error_body() {
    let app = spawn_app().await;
    for path in ["/api/nope", "/api/auth/nope", "/api/users/me/extra"] {
        let res = app.program().get(app.url(path)).send().await.unwrap();
        assert_eq!(assert_error(res, 404).await, "not_found", "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_with_the_error_body() {
    let app = spawn_app().await;
    let res = app.program().get(app.url("/api/auth/login")).send().await.unwrap();
    assert_eq!(assert_error(res, 405).await, "method_not_allowed");
    let res = app.program().put(app.url("/api/users/me")).send().await.unwrap();
    assert_eq!(assert_error(res, 405).await, "method_not_allowed");
}
