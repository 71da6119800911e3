//! Live transports: frames reach members in order over WebSocket and SSE, never outsiders;
//! SSE resumes from Last-Event-ID; revoked sessions are cut off.
use crate::helpers::{TestUser, assert_error, spawn_app, spawn_with};
use crate::live_client::{Sse, Ws};
use serde_json::{Value, json};
use std::time::Duration;

fn send_frame(chat: &str, text: &str, client_id: &str) -> Value {
    json!({"type": "message.send", "data": {"chatId": chat, "content": text, "clientId": client_id}})
}

#[tokio::test]
async fn two_websockets_and_one_event_stream_get_every_message_in_order() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    let mallory = app.user("mallory").await.token;
    let chat = app.group(&alice, "Live", &[&bob_id, &carol_id]).await;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let mut carol_sse = Sse::connect(&app.base, &carol, None).await;
    assert_eq!(carol_sse.next().await.unwrap().1["type"], "ready");
    let mut mallory_ws = Ws::connect(&app.base, &mallory).await;

    for i in 1..=5 {
        alice_ws.send(send_frame(&chat, &format!("message {i}"), &format!("c{i}"))).await;
        let ack = alice_ws.next_of("ack").await.expect("ack");
        assert_eq!(ack["data"]["clientId"], format!("c{i}"));
        assert_eq!(ack["data"]["message"]["seq"], i);
    }
    for i in 1..=5 {
        let frame = bob_ws.next_of("message.new").await.expect("bob gets it");
        assert_eq!(frame["data"]["seq"], i);
        assert_eq!(frame["data"]["content"], format!("message {i}"));
        let (id, frame) = carol_sse.next_of("message.new").await.expect("carol gets it");
        assert!(id.is_some());
        assert_eq!(frame["data"]["seq"], i);
    }
    // HTTP sends, edits and reactions arrive live too.
    let sent = app.say(&bob, &chat, "from http").await;
    // Alice's own last message.new may still be queued behind its ack: skip to Bob's.
    while alice_ws.next_of("message.new").await.expect("bob's message arrives")["data"]["id"] != sent["id"] {}
    let id = sent["id"].as_str().unwrap();
    app.patch_bearer(&format!("/api/messages/{id}"), &bob, json!({"content": "edited"})).await;
    assert_eq!(alice_ws.next_of("message.edited").await.unwrap()["data"]["content"], "edited");
    app.post_bearer(&format!("/api/messages/{id}/reactions"), &carol, json!({"emoji": "👍"})).await;
    let reaction = alice_ws.next_of("reaction.added").await.unwrap();
    assert_eq!(reaction["data"]["userId"], carol_id.as_str());
    app.delete_bearer(&format!("/api/messages/{id}"), &bob).await;
    assert_eq!(alice_ws.next_of("message.deleted").await.unwrap()["data"]["messageId"], id);

    // The outsider got nothing from the chat.
    let leaked = mallory_ws.collect_of("message.new", Duration::from_millis(500)).await;
    assert!(leaked.is_empty(), "{leaked:?}");
}

#[tokio::test]
async fn an_event_stream_resumes_from_the_last_event_id_without_gaps() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let chat = app.group(&alice, "Resume", &[&bob_id]).await;
    let mut sse = Sse::connect(&app.base, &bob, None).await;
    sse.next_of("ready").await.unwrap();
    app.say(&alice, &chat, "one").await;
    app.say(&alice, &chat, "two").await;
    sse.next_of("message.new").await.unwrap();
    let (last_id, frame) = sse.next_of("message.new").await.unwrap();
    assert_eq!(frame["data"]["seq"], 2);
    drop(sse);
    for text in ["three", "four", "five"] {
        app.say(&alice, &chat, text).await;
    }
    let mut resumed = Sse::connect(&app.base, &bob, last_id.as_deref()).await;
    let (_, ready) = resumed.next_of("ready").await.unwrap();
    assert_eq!(ready["data"]["resync"], false);
    let mut seqs = Vec::new();
    for _ in 0..3 {
        seqs.push(resumed.next_of("message.new").await.unwrap().1["data"]["seq"].as_i64().unwrap());
    }
    assert_eq!(seqs, [3, 4, 5]);
}

#[tokio::test]
async fn an_unknown_last_event_id_asks_the_client_to_resync() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    // Frames went out while Bob had no connection here: nothing was kept for him.
    let chat = app.group(&alice, "Missed", &[&bob_id]).await;
    app.say(&alice, &chat, "while you were away").await;
    let mut sse = Sse::connect(&app.base, &bob, Some("0")).await;
    let (_, ready) = sse.next_of("ready").await.unwrap();
    assert_eq!(ready["data"]["resync"], true);
}

#[tokio::test]
async fn revoking_a_session_closes_its_socket_and_no_other() {
    let app = spawn_app().await;
    let phone = app.user("owner").await.token;
    let laptop = app.login("owner", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let mut phone_ws = Ws::connect(&app.base, &phone).await;
    let mut laptop_ws = Ws::connect(&app.base, &laptop).await;
    let sessions = app.json_bearer("/api/sessions", &laptop).await;
    let phone_session = sessions["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.delete_bearer(&format!("/api/sessions/{phone_session}"), &laptop).await.status(), 204);
    let frame = phone_ws.next_of("session.revoked").await.expect("told why");
    assert_eq!(frame["data"]["sessionId"], phone_session.as_str());
    assert!(phone_ws.closed().await);
    laptop_ws.send(json!({"type": "ping", "data": {}})).await;
    assert_eq!(laptop_ws.next_of("pong").await.unwrap()["type"], "pong");
    // The revoked token cannot open a new connection.
    let res = app.program().get(app.url(&format!("/api/events?token={phone}"))).send().await.unwrap();
    assert_error(res, 401).await;
}

#[tokio::test]
async fn websocket_errors_name_the_client_id_and_outsiders_cannot_send() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let mallory = app.user("mallory").await.token;
    let chat = app.group(&alice, "Closed", &[]).await;
    let mut ws = Ws::connect(&app.base, &mallory).await;
    ws.send(send_frame(&chat, "let me in", "m1")).await;
    let error = ws.next_of("error").await.unwrap();
    assert_eq!(error["data"]["clientId"], "m1");
    assert_eq!(error["data"]["code"], "not_found");
    ws.send(json!({"type": "nonsense"})).await;
    assert_eq!(ws.next_of("error").await.unwrap()["data"]["code"], "invalid_frame");
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &alice).await;
    assert!(history["messages"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn websocket_sends_are_rate_limited_with_an_error_frame() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Flood", &[]).await;
    let mut ws = Ws::connect(&app.base, &alice).await;
    for i in 0..12 {
        ws.send(send_frame(&chat, "spam", &format!("s{i}"))).await;
    }
    // Acks, the sender's own message.new frames and errors interleave: gather them all.
    let errors = ws.collect_of("error", Duration::from_secs(2)).await;
    let limited: Vec<String> = errors.iter().map(|f| f["data"]["code"].as_str().unwrap().to_owned()).collect();
    assert!(errors.iter().all(|f| f["data"]["clientId"].as_str().is_some_and(|c| c.starts_with('s'))));
    assert!(limited.iter().any(|c| c == "rate_limited"), "{limited:?}");
}

#[tokio::test]
async fn live_connections_need_a_session_and_this_site() {
    let app = spawn_app().await;
    let res = app.program().get(app.url("/api/events")).send().await.unwrap();
    assert_error(res, 401).await;
    // A cookie-authenticated handshake from another site is refused.
    app.register("cookie", "password123").await;
    let browser = app.browser();
    app.login_with(&browser, "cookie", "password123").await;
    let res = browser
        .get(app.url("/api/ws"))
        .header("origin", "https://evil.example")
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn typing_reaches_the_others_and_presence_follows_connections() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let mallory = app.user("mallory").await.token;
    let chat = app.group(&alice, "Presence", &[&bob_id]).await;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut mallory_ws = Ws::connect(&app.base, &mallory).await;

    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let online = alice_ws.next_of("presence").await.unwrap();
    assert_eq!(
        (online["data"]["userId"].as_str(), online["data"]["status"].as_str()),
        (Some(bob_id.as_str()), Some("online"))
    );

    bob_ws.send(json!({"type": "typing", "data": {"chatId": chat, "typing": true}})).await;
    let typing = alice_ws.next_of("typing").await.unwrap();
    assert_eq!(typing["data"]["userId"], bob_id.as_str());
    assert_eq!(typing["data"]["typing"], true);
    assert!(bob_ws.collect_of("typing", Duration::from_millis(300)).await.is_empty(), "not echoed to the typist");

    bob_ws.send(json!({"type": "presence", "data": {"status": "away"}})).await;
    assert_eq!(alice_ws.next_of("presence").await.unwrap()["data"]["status"], "away");
    drop(bob_ws);
    let offline = alice_ws.next_of("presence").await.unwrap();
    assert_eq!(offline["data"]["status"], "offline");
    assert!(offline["data"]["lastSeenAt"].is_string());
    // Someone who shares no chat with Bob saw none of it.
    let seen = mallory_ws.collect_of("presence", Duration::from_millis(300)).await;
    assert!(seen.iter().all(|f| f["data"]["userId"] != bob_id.as_str()), "{seen:?}");
    let _ = alice_id;
}

#[tokio::test]
async fn receiving_a_message_live_marks_it_delivered_and_reading_it_sends_a_receipt() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let chat = app.group(&alice, "Ticks", &[&bob_id]).await;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let sent = app.say(&alice, &chat, "did it arrive?").await;
    bob_ws.next_of("message.new").await.unwrap();
    let delivered = alice_ws.next_of("receipt").await.expect("delivered receipt");
    assert_eq!(delivered["data"]["userId"], bob_id.as_str());
    assert_eq!(delivered["data"]["deliveredSeq"], 1);
    assert_eq!(delivered["data"]["readSeq"], 0);
    bob_ws.send(json!({"type": "read", "data": {"chatId": chat, "seq": 1}})).await;
    let read = alice_ws.next_of("receipt").await.expect("read receipt");
    assert_eq!(read["data"]["readSeq"], 1);
    let receipts = app.json_bearer(&format!("/api/messages/{}/receipts", sent["id"].as_str().unwrap()), &alice).await;
    assert_eq!(receipts["readBy"][0]["userId"], bob_id.as_str());
}

#[tokio::test]
async fn delivery_marks_are_batched_per_instance_and_catching_up_by_history_counts() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    let chat = app.group(&alice, "Batched", &[&bob_id, &carol_id]).await;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    // Bob has two connections: both receive the three messages, one mark is written.
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let mut bob_tab = Ws::connect(&app.base, &bob).await;
    for text in ["one", "two", "three"] {
        app.say(&alice, &chat, text).await;
    }
    for ws in [&mut bob_ws, &mut bob_tab] {
        for _ in 0..3 {
            ws.next_of("message.new").await.expect("message");
        }
    }
    let receipts: Vec<_> = alice_ws.collect_of("receipt", Duration::from_millis(2500)).await;
    let bobs: Vec<_> = receipts.iter().filter(|r| r["data"]["userId"] == bob_id.as_str()).collect();
    assert!(!bobs.is_empty(), "Bob's delivery was announced: {receipts:?}");
    assert_eq!(bobs.last().unwrap()["data"]["deliveredSeq"], 3, "{receipts:?}");
    assert!(bobs.len() <= 3, "marks are batched, not one per frame per connection: {receipts:?}");
    // Carol was offline: loading the history marks it delivered, within a second or so.
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &carol).await;
    assert_eq!(history["messages"].as_array().unwrap().len(), 3);
    let receipt = alice_ws.next_of("receipt").await.expect("Carol's delivered receipt");
    assert_eq!(receipt["data"]["userId"], carol_id.as_str());
    assert_eq!(receipt["data"]["deliveredSeq"], 3);
    assert_eq!(receipt["data"]["readSeq"], 0);
}
