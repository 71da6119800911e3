//! Ending a session ends what is already open: a stolen-but-revoked token's live connections
//! close and get nothing more, and reusing a rotated refresh token ends that whole session
//! (what this product treats as the token's family) and no other.

use crate::helpers::{TestApp, TestUser, assert_error, spawn_app};
use crate::live_client::{Sse, Ws};
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.program().post(app.url("/api/auth/refresh")).json(&json!({"refreshToken": token})).send().await.unwrap()
}

async fn session_id(app: &TestApp, token: &str) -> String {
    let list = app.json_bearer("/api/sessions", token).await;
    list["sessions"].as_array().unwrap().iter().find(|s| s["current"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The socket says `session.revoked`, closes, and carried no message on the way out.
async fn ends_with_revocation(ws: &mut Ws) {
    let mut frames = Vec::new();
    while let Some(frame) = ws.next().await {
        frames.push(frame);
    }
    assert!(ws.closed().await, "the socket closes: {frames:?}");
    assert!(
        frames.iter().any(|f| f["type"] == "session.revoked" && f["data"]["sessionId"].is_string()),
        "told why: {frames:?}"
    );
    assert!(frames.iter().all(|f| f["type"] != "message.new"), "nothing after the revocation: {frames:?}");
}

#[tokio::test]
async fn a_revoked_devices_open_websocket_and_event_stream_close_and_get_no_more_messages() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob_phone, .. } = app.user("bob").await;
    let bob_laptop = app.login("bob", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let chat = app.group(&alice, "After", &[&bob_id]).await;
    let mut ws = Ws::connect(&app.base, &bob_phone).await;
    let mut sse = Sse::connect(&app.base, &bob_phone, None).await;
    sse.next_of("ready").await.unwrap();
    app.say(&alice, &chat, "before").await;
    assert_eq!(ws.next_of("message.new").await.unwrap()["data"]["content"], "before");
    assert_eq!(sse.next_of("message.new").await.unwrap().1["data"]["content"], "before");

    let phone = session_id(&app, &bob_phone).await;
    assert_eq!(app.delete_bearer(&format!("/api/sessions/{phone}"), &bob_laptop).await.status(), 204);
    app.say(&alice, &chat, "after").await;
    ends_with_revocation(&mut ws).await;
    let mut events = Vec::new();
    while let Some((_, frame)) = sse.next().await {
        events.push(frame);
    }
    assert!(
        events.iter().any(|f| f["type"] == "session.revoked" && f["data"]["sessionId"] == phone.as_str()),
        "{events:?}"
    );
    assert!(
        events.iter().all(|f| f["type"] != "message.new"),
        "the stream ended without the later message: {events:?}"
    );

    // The stolen token, still inside its 15 minutes, opens nothing new.
    assert_error(app.get_bearer("/api/users/me", &bob_phone).await, 401).await;
    let res = app.program().get(app.url(&format!("/api/events?token={bob_phone}"))).send().await.unwrap();
    assert_error(res, 401).await;
    let url = format!("{}/api/ws?token={bob_phone}", app.base.replacen("http", "ws", 1));
    match tokio_tungstenite::connect_async(url).await {
        Err(tungstenite::Error::Http(res)) => assert_eq!(res.status(), 401),
        other => panic!("a revoked token opened a WebSocket: {:?}", other.map(|_| ())),
    }
    // The device that revoked it is untouched.
    let mut laptop = Ws::connect(&app.base, &bob_laptop).await;
    laptop.send(json!({"type": "ping", "data": {}})).await;
    assert!(laptop.next_of("pong").await.is_some());
}

#[tokio::test]
async fn a_browser_websocket_opened_with_the_cookie_closes_when_its_device_is_signed_out() {
    let app = spawn_app().await;
    let phone = app.user("owner").await.token;
    let login = app
        .program()
        .post(app.url("/api/auth/login"))
        .header("origin", &app.base)
        .json(&json!({"username": "owner", "password": "password123"}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let browser_token = login.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_owned();
    let mut request = format!("{}/api/ws", app.base.replacen("http", "ws", 1)).into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request.headers_mut().insert("origin", app.base.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("same-site cookie WebSocket");
    let ready = socket.next().await.unwrap().unwrap();
    assert!(ready.to_text().unwrap().contains("\"ready\""));

    let browser = session_id(&app, &browser_token).await;
    assert_eq!(app.delete_bearer(&format!("/api/sessions/{browser}"), &phone).await.status(), 204);
    let mut frames = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(3), socket.next()).await {
        match message {
            tungstenite::Message::Text(text) => frames.push(text.to_string()),
            tungstenite::Message::Close(_) => break,
            _ => {}
        }
    }
    assert!(frames.iter().any(|f| f.contains("session.revoked")), "{frames:?}");
    assert!(
        matches!(tokio::time::timeout(Duration::from_secs(3), socket.next()).await, Ok(None | Some(Err(_)))),
        "closed"
    );
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_ends_that_session_its_sockets_and_nothing_else() {
    let app = spawn_app().await;
    let stolen = app.user("victim").await.refresh;
    let other_device = app.login("victim", "password123").await;
    let other = other_device["accessToken"].as_str().unwrap();
    let rotated: Value = refresh(&app, &stolen).await.json().await.unwrap();
    let (access, current) = (rotated["accessToken"].as_str().unwrap(), rotated["refreshToken"].as_str().unwrap());
    let mut ws = Ws::connect(&app.base, access).await;

    // The thief (or the victim) presents the old token: the whole session goes.
    assert_eq!(assert_error(refresh(&app, &stolen).await, 401).await, "refresh_token_reused");
    ends_with_revocation(&mut ws).await;
    assert_error(app.get_bearer("/api/users/me", access).await, 401).await;
    assert_eq!(assert_error(refresh(&app, current).await, 401).await, "invalid_refresh_token");
    // Presenting it again still says why, and still opens nothing.
    assert_eq!(assert_error(refresh(&app, &stolen).await, 401).await, "refresh_token_reused");
    // The user's other device is a different family and stays.
    assert_eq!(app.get_bearer("/api/users/me", other).await.status(), 200);
    assert_eq!(refresh(&app, other_device["refreshToken"].as_str().unwrap()).await.status(), 200);
}

#[tokio::test]
async fn two_refreshes_racing_with_one_token_leave_one_winner_and_then_end_the_session() {
    let app = spawn_app().await;
    let token = app.user("racer").await.refresh;
    let (a, b) = tokio::join!(refresh(&app, &token), refresh(&app, &token));
    let mut answers = [
        (a.status().as_u16(), a.json::<Value>().await.unwrap()),
        (b.status().as_u16(), b.json::<Value>().await.unwrap()),
    ];
    answers.sort_by_key(|(status, _)| *status);
    assert_eq!(answers[0].0, 200, "{answers:?}");
    assert_eq!(
        (answers[1].0, answers[1].1["error"]["code"].as_str()),
        (401, Some("refresh_token_reused")),
        "{answers:?}"
    );
    // The same token twice is reuse, even from one client: the winner's tokens die with the session.
    let winner = &answers[0].1;
    assert_error(app.get_bearer("/api/users/me", winner["accessToken"].as_str().unwrap()).await, 401).await;
    assert_error(refresh(&app, winner["refreshToken"].as_str().unwrap()).await, 401).await;
}

#[tokio::test]
async fn logging_out_everywhere_closes_every_open_socket_of_that_user() {
    let app = spawn_app().await;
    let phone = app.user("leaver").await.token;
    let laptop = app.login("leaver", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let bystander = app.user("bystander").await.token;
    let mut sockets = [Ws::connect(&app.base, &phone).await, Ws::connect(&app.base, &laptop).await];
    let mut other = Ws::connect(&app.base, &bystander).await;
    let res = app
        .program()
        .post(app.url("/api/auth/logout"))
        .bearer_auth(&phone)
        .json(&json!({"all": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    for ws in &mut sockets {
        ends_with_revocation(ws).await;
    }
    other.send(json!({"type": "ping", "data": {}})).await;
    assert!(other.next_of("pong").await.is_some());
}

/// A revocation can land while a WebSocket is being opened: after the handshake checked the
/// session, before the connection is registered to be closed. Swept over that moment, no
/// connection may outlive its session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_opened_while_its_session_is_being_revoked_does_not_stay_open() {
    const ROUNDS: i64 = 40;
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    let (mut outlived, mut refused) = (Vec::new(), 0);
    for round in 0..ROUNDS {
        let device = app.login("owner", "password123").await["accessToken"].as_str().unwrap().to_owned();
        let session = session_id(&app, &device).await;
        let url = format!("{}/api/ws?token={device}", app.base.replacen("http", "ws", 1));
        // From the handshake 4 ms ahead of the revocation to 4 ms behind it.
        let offset = (round - ROUNDS / 2) * 200;
        let opening = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_micros(offset.max(0).unsigned_abs())).await;
            tokio_tungstenite::connect_async(url).await
        });
        tokio::time::sleep(Duration::from_micros((-offset).max(0).unsigned_abs())).await;
        assert_eq!(app.delete_bearer(&format!("/api/sessions/{session}"), &owner).await.status(), 204);
        let Ok((mut socket, _)) = opening.await.unwrap() else {
            refused += 1;
            continue;
        };
        let closed = loop {
            match tokio::time::timeout(Duration::from_secs(3), socket.next()).await {
                Ok(Some(Ok(tungstenite::Message::Close(_))) | Some(Err(_)) | None) => break true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => break false,
            }
        };
        if !closed {
            outlived.push(offset);
        }
    }
    println!("{refused} of {ROUNDS} handshakes refused, the others opened and had to be closed");
    assert!(outlived.is_empty(), "sockets still open after their session was revoked, at offsets (µs) {outlived:?}");
}
