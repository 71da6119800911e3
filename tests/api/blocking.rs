//! Blocking and presence privacy: a blocked person's requests, chats and sends are refused with
//! nothing stored or announced; the block is invisible to them; presence reaches only contacts
//! and chat partners, never someone the user blocked.
use crate::contacts::{ask, befriend, book};
use crate::helpers::{TestApp, TestUser, assert_error, spawn_app};
use crate::live_client::Ws;
use serde_json::{Value, json};
use std::time::Duration;

async fn direct(app: &TestApp, token: &str, other: &str) -> String {
    let res = app.post_bearer("/api/chats/direct", token, json!({"userId": other})).await;
    res.json::<Value>().await.unwrap()["chat"]["id"].as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, token: &str, chat: &str, text: &str) -> reqwest::Response {
    let body = json!({"content": text, "clientId": uuid::Uuid::now_v7().to_string()});
    app.post_bearer(&format!("/api/chats/{chat}/messages"), token, body).await
}

async fn last_seq(app: &TestApp, token: &str, chat: &str) -> i64 {
    app.json_bearer(&format!("/api/chats/{chat}"), token).await["chat"]["lastSeq"].as_i64().unwrap()
}

#[tokio::test]
async fn a_blocked_person_cannot_ask_open_a_chat_or_send_and_nothing_is_stored() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    befriend(&app, &alice, &bob, &bob_id).await;
    let chat = direct(&app, &alice, &bob_id).await;
    app.say(&alice, &chat, "before").await;
    let group = app.group(&bob, "Both of us", &[&alice_id]).await;

    assert_eq!(app.post_bearer(&format!("/api/blocks/{alice_id}"), &bob, json!({})).await.status(), 204);
    // Blocking ended the contact, and the block list says so.
    assert!(book(&app, &alice).await["contacts"].as_array().unwrap().is_empty());
    let bobs = book(&app, &bob).await;
    assert!(bobs["contacts"].as_array().unwrap().is_empty());
    assert_eq!(bobs["blocked"][0]["user"]["id"], alice_id.as_str());

    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let before = last_seq(&app, &bob, &chat).await;
    assert_eq!(assert_error(ask(&app, &alice, json!({"userId": bob_id})).await, 403).await, "blocked");
    let res = app.post_bearer("/api/chats/direct", &alice, json!({"userId": bob_id})).await;
    assert_eq!(assert_error(res, 403).await, "blocked");
    let res = send(&app, &alice, &chat, "over http").await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "blocked");
    assert_eq!(body["error"]["message"], "You can't message this person.");
    alice_ws
        .send(json!({"type": "message.send", "data": {"chatId": chat, "content": "over ws", "clientId": "w1"}}))
        .await;
    let refused = alice_ws.next_of("error").await.expect("the sender is told");
    assert_eq!((refused["data"]["clientId"].as_str(), refused["data"]["code"].as_str()), (Some("w1"), Some("blocked")));
    alice_ws.send(json!({"type": "typing", "data": {"chatId": chat, "typing": true}})).await;

    let heard = bob_ws.next_within(Duration::from_millis(600)).await;
    assert!(heard.is_none(), "the blocker received {heard:?}");
    assert_eq!(last_seq(&app, &bob, &chat).await, before);
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &bob).await;
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);

    // The blocker cannot write either until they unblock; groups are not affected.
    let res = send(&app, &bob, &chat, "hello?").await;
    assert_eq!(assert_error(res, 403).await, "you_blocked");
    assert_eq!(send(&app, &alice, &group, "in the group").await.status(), 201);
    assert_eq!(app.delete_bearer(&format!("/api/blocks/{alice_id}"), &bob).await.status(), 204);
    assert_eq!(send(&app, &alice, &chat, "after unblock").await.status(), 201);
    assert_eq!(last_seq(&app, &bob, &chat).await, before + 1);
}

#[tokio::test]
async fn blocking_is_invisible_to_the_blocked_person() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    befriend(&app, &alice, &bob, &bob_id).await;
    let chat = direct(&app, &alice, &bob_id).await;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    assert_eq!(alice_ws.next_of("presence").await.unwrap()["data"]["status"], "online");
    assert_eq!(app.json_bearer(&format!("/api/users/{bob_id}"), &alice).await["user"]["status"], "online");

    app.post_bearer(&format!("/api/blocks/{alice_id}"), &bob, json!({})).await;
    let told = bob_ws.next_of("contact.updated").await.expect("the blocker's devices are told");
    assert_eq!(
        (told["data"]["userId"].as_str(), told["data"]["status"].as_str()),
        (Some(alice_id.as_str()), Some("blocked"))
    );
    assert!(alice_ws.next_within(Duration::from_millis(500)).await.is_none(), "the blocked person got a frame");

    // To Alice, Bob is an ordinary person who is offline.
    let seen = app.json_bearer(&format!("/api/users/{bob_id}"), &alice).await["user"].clone();
    assert_eq!((seen["status"].as_str(), seen["lastSeenAt"].is_null()), (Some("offline"), true));
    let found = app.json_bearer("/api/users/search?q=bob", &alice).await;
    assert_eq!(found["users"][0]["status"], "offline");
    let member = app.json_bearer(&format!("/api/chats/{chat}"), &alice).await["chat"]["members"][0]["user"].clone();
    assert_eq!((member["status"].as_str(), member["lastSeenAt"].is_null()), (Some("offline"), true));
    let listed = app.json_bearer("/api/chats", &alice).await["chats"][0]["members"][0]["user"]["status"].clone();
    assert_eq!(listed, "offline");
    let alices = book(&app, &alice).await;
    for list in ["contacts", "incoming", "outgoing", "blocked"] {
        assert!(alices[list].as_array().unwrap().is_empty(), "{list}: {alices}");
    }
    // Bob going away later is not announced to Alice either.
    bob_ws.send(json!({"type": "presence", "data": {"status": "away"}})).await;
    assert!(alice_ws.collect_of("presence", Duration::from_millis(500)).await.is_empty());
}

#[tokio::test]
async fn presence_shows_to_contacts_and_chat_partners_only() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let carol = app.user("carol").await.token;
    let TestUser { id: dave_id, token: dave, .. } = app.user("dave").await;
    let eve = app.user("eve").await.token;
    let TestUser { id: mallory_id, token: mallory, .. } = app.user("mallory").await;
    befriend(&app, &carol, &bob, &bob_id).await;
    let group = app.group(&bob, "Team", &[&dave_id, &mallory_id]).await;
    app.post_bearer(&format!("/api/blocks/{mallory_id}"), &bob, json!({})).await;

    let mut watchers = Vec::new();
    for token in [&carol, &dave, &eve, &mallory] {
        watchers.push(Ws::connect(&app.base, token).await);
    }
    let _bob_ws = Ws::connect(&app.base, &bob).await;
    let mut heard = Vec::new();
    for ws in &mut watchers {
        let frames = ws.collect_of("presence", Duration::from_millis(700)).await;
        heard.push(frames.iter().any(|f| f["data"]["userId"] == bob_id.as_str() && f["data"]["status"] == "online"));
    }
    assert_eq!(
        heard,
        [true, true, false, false],
        "carol (contact), dave (chat partner), eve (stranger), mallory (blocked)"
    );

    for (token, expected) in [(&carol, "online"), (&dave, "online"), (&eve, "offline"), (&mallory, "offline")] {
        let user = app.json_bearer(&format!("/api/users/{bob_id}"), token).await["user"].clone();
        assert_eq!(user["status"], expected);
        let found = app.json_bearer("/api/users/search?q=bo", token).await;
        assert_eq!(found["users"][0]["status"], expected);
    }
    let members = app.json_bearer(&format!("/api/chats/{group}"), &mallory).await["chat"]["members"].clone();
    let bob_there = members.as_array().unwrap().iter().find(|m| m["user"]["id"] == bob_id.as_str()).unwrap().clone();
    assert_eq!(bob_there["user"]["status"], "offline");
    let members = app.json_bearer(&format!("/api/chats/{group}"), &dave).await["chat"]["members"].clone();
    let bob_there = members.as_array().unwrap().iter().find(|m| m["user"]["id"] == bob_id.as_str()).unwrap().clone();
    assert_eq!(bob_there["user"]["status"], "online");
    assert_eq!(book(&app, &carol).await["contacts"][0]["user"]["status"], "online");
    // Mallory may still write in the group: blocking does not reach group chats.
    assert_eq!(
        app.post_bearer(&format!("/api/chats/{group}/messages"), &mallory, json!({"content": "hi", "clientId": "m1"}))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn blocking_needs_another_existing_person_and_is_idempotent() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob_id = app.user("bob").await.id;
    assert_error(app.post_bearer(&format!("/api/blocks/{alice_id}"), &alice, json!({})).await, 400).await;
    let nobody = uuid::Uuid::now_v7();
    assert_error(app.post_bearer(&format!("/api/blocks/{nobody}"), &alice, json!({})).await, 404).await;
    for _ in 0..2 {
        assert_eq!(app.post_bearer(&format!("/api/blocks/{bob_id}"), &alice, json!({})).await.status(), 204);
    }
    assert_eq!(book(&app, &alice).await["blocked"].as_array().unwrap().len(), 1);
    // The blocker cannot send requests either until they unblock.
    assert_eq!(assert_error(ask(&app, &alice, json!({"userId": bob_id})).await, 403).await, "you_blocked");
    for _ in 0..2 {
        assert_eq!(app.delete_bearer(&format!("/api/blocks/{bob_id}"), &alice).await.status(), 204);
    }
    assert!(book(&app, &alice).await["blocked"].as_array().unwrap().is_empty());
    assert_eq!(ask(&app, &alice, json!({"userId": bob_id})).await.status(), 201);
}
