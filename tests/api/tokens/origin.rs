//! The other side of the live endpoints' Origin check (refusals are rows of the table): pages
//! of this site and programs without an Origin still connect, with the cookie or a token.

use crate::helpers::{TestApp, spawn_app};
use crate::live_client::Ws;
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The first frame of a WebSocket opened with these headers, or the refusal's status.
async fn ws_first_frame(app: &TestApp, query: &str, headers: &[(&'static str, &str)]) -> Result<Value, u16> {
    let mut request = format!("{}/api/ws{query}", app.base.replacen("http", "ws", 1)).into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, _)) => {
            let message = tokio::time::timeout(Duration::from_secs(3), socket.next()).await.unwrap().unwrap().unwrap();
            Ok(serde_json::from_str(message.to_text().unwrap()).unwrap())
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("handshake failed: {e}"),
    }
}

/// The first event of an event stream opened with these headers, or the refusal's status.
async fn sse_first_event(app: &TestApp, query: &str, headers: &[(&'static str, &str)]) -> Result<Value, u16> {
    let mut request = app.program().get(app.url(&format!("/api/events{query}")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let res = request.send().await.unwrap();
    if res.status() != 200 {
        return Err(res.status().as_u16());
    }
    let mut body = res.bytes_stream();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next()).await.unwrap().unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = text.lines().find_map(|l| l.strip_prefix("data:")).unwrap();
    Ok(serde_json::from_str(data.trim()).unwrap())
}

async fn browser_cookie(app: &TestApp, username: &str) -> String {
    let res = app
        .program()
        .post(app.url("/api/auth/login"))
        .header("origin", &app.base)
        .json(&json!({"username": username, "password": "password123"}))
        .send()
        .await
        .unwrap();
    res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_of_this_site_connect_live_with_the_cookie() {
    let app = spawn_app().await;
    app.register("browser", "password123").await;
    let cookie = browser_cookie(&app, "browser").await;
    let ready =
        ws_first_frame(&app, "", &[("cookie", &cookie), ("origin", &app.base), ("sec-fetch-site", "same-origin")])
            .await;
    assert_eq!(ready.unwrap()["type"], "ready");
    // A same-origin EventSource sends no Origin; newer browsers add Sec-Fetch-Site.
    let ready = sse_first_event(&app, "", &[("cookie", &cookie), ("sec-fetch-site", "same-origin")]).await;
    assert_eq!(ready.unwrap()["type"], "ready");
    let ready = sse_first_event(&app, "", &[("cookie", &cookie)]).await;
    assert_eq!(ready.unwrap()["type"], "ready");
    let ready = sse_first_event(&app, "", &[("cookie", &cookie), ("origin", &app.base)]).await;
    assert_eq!(ready.unwrap()["type"], "ready");
}

#[tokio::test]
async fn programs_without_an_origin_connect_live_with_a_token() {
    let app = spawn_app().await;
    let token = app.user("bot").await.token;
    Ws::connect(&app.base, &token).await;
    let auth = format!("Bearer {token}");
    assert_eq!(ws_first_frame(&app, "", &[("authorization", &auth)]).await.unwrap()["type"], "ready");
    assert_eq!(sse_first_event(&app, &format!("?token={token}"), &[]).await.unwrap()["type"], "ready");
    assert_eq!(sse_first_event(&app, "", &[("authorization", &auth)]).await.unwrap()["type"], "ready");
    // A page of this site may use a token too.
    let ready = ws_first_frame(&app, &format!("?token={token}"), &[("origin", &app.base)]).await;
    assert_eq!(ready.unwrap()["type"], "ready");
}

#[tokio::test]
async fn another_site_cannot_open_a_live_connection_with_the_cookie_or_a_token() {
    let app = spawn_app().await;
    let token = app.user("victim").await.token;
    let cookie = browser_cookie(&app, "victim").await;
    let evil = [("origin", "https://evil.example")];
    assert_eq!(ws_first_frame(&app, "", &[("cookie", &cookie), evil[0]]).await.unwrap_err(), 403);
    assert_eq!(sse_first_event(&app, "", &[("cookie", &cookie), evil[0]]).await.unwrap_err(), 403);
    assert_eq!(ws_first_frame(&app, &format!("?token={token}"), &evil).await.unwrap_err(), 403);
    assert_eq!(sse_first_event(&app, &format!("?token={token}"), &evil).await.unwrap_err(), 403);
    // The same requests from this site pass: the refusals above are about the Origin alone.
    let here = [("origin", app.base.as_str())];
    assert!(ws_first_frame(&app, "", &[("cookie", &cookie), here[0]]).await.is_ok());
    assert!(sse_first_event(&app, &format!("?token={token}"), &here).await.is_ok());
}

#[tokio::test]
async fn an_app_on_a_listed_origin_connects_live_with_its_token_but_never_with_the_cookie() {
    let app = crate::helpers::spawn_with(&[("cors-origins", "https://app.example.com")]).await;
    let token = app.user("partner").await.token;
    let cookie = browser_cookie(&app, "partner").await;
    let listed = [("origin", "https://app.example.com"), ("sec-fetch-site", "cross-site")];
    assert_eq!(ws_first_frame(&app, &format!("?token={token}"), &listed).await.unwrap()["type"], "ready");
    assert_eq!(sse_first_event(&app, &format!("?token={token}"), &listed).await.unwrap()["type"], "ready");
    assert_eq!(ws_first_frame(&app, "", &[("cookie", &cookie), listed[0], listed[1]]).await.unwrap_err(), 403);
    assert_eq!(sse_first_event(&app, "", &[("cookie", &cookie), listed[0], listed[1]]).await.unwrap_err(), 403);
    let unlisted = [("origin", "https://evil.example")];
    assert_eq!(ws_first_frame(&app, &format!("?token={token}"), &unlisted).await.unwrap_err(), 403);
}
