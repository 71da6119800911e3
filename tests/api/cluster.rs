//! Several instances of one deployment (one database, one Redis, a key prefix per test):
//! live frames reach connections held by another instance, exactly once.
use crate::helpers::{TestApp, TestUser, redis_url, spawn_with};
use crate::live_client::Ws;
use crate::push_service::{Browser, PushService};
use serde_json::json;
use std::time::Duration;

async fn cluster() -> (TestApp, parlor::server::Server) {
    let prefix = format!("parlor-test-{}", uuid::Uuid::now_v7().simple());
    let app =
        spawn_with(&[("redis-url", &redis_url()), ("redis-prefix", &prefix), ("limit-messages-per-second", "0")]).await;
    let peer = app.peer().await;
    (app, peer)
}

#[tokio::test]
async fn live_frames_cross_instances_once() {
    let (a, b) = cluster().await;
    let b_base = format!("http://{}", b.addr);
    let alice = a.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = a.user("bob").await;
    let chat = a.group(&alice, "Across", &[&bob_id]).await;
    let mut alice_ws = Ws::connect(&a.base, &alice).await;
    let mut bob_ws = Ws::connect(&b_base, &bob).await;

    // Bob writes through instance B; Alice, connected to A, gets it once.
    let res = a
        .program()
        .post(format!("{b_base}/api/chats/{chat}/messages"))
        .bearer_auth(&bob)
        .json(&json!({"content": "from B", "clientId": "b-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let frame = alice_ws.next_of("message.new").await.expect("alice gets it on A");
    assert_eq!(frame["data"]["content"], "from B");
    assert!(alice_ws.collect_of("message.new", Duration::from_millis(400)).await.is_empty(), "exactly once");

    // Alice types and reacts on A; Bob sees both on B.
    alice_ws.send(json!({"type": "typing", "data": {"chatId": chat, "typing": true}})).await;
    let typing = bob_ws.next_of("typing").await.expect("typing crosses");
    assert_eq!(typing["data"]["typing"], true);
    let message_id = frame["data"]["id"].as_str().unwrap();
    let reacted = a.post_bearer(&format!("/api/messages/{message_id}/reactions"), &alice, json!({"emoji": "👍"})).await;
    assert_eq!(reacted.status(), 201);
    assert_eq!(bob_ws.next_of("reaction.added").await.expect("reaction crosses")["data"]["emoji"], "👍");

    // Alice reads on A: Bob's tick turns on B. Alice adds Carol on A: Bob hears on B.
    let read = a.post_bearer(&format!("/api/chats/{chat}/read"), &alice, json!({"seq": 1})).await;
    assert_eq!(read.status(), 204);
    // Alice's delivered mark (written within a second) may cross first: skip it.
    let mut receipts = Vec::new();
    while receipts.len() < 3 {
        let receipt = bob_ws.next_of("receipt").await.expect("receipt crosses");
        let read = receipt["data"]["readSeq"] == 1;
        receipts.push(receipt);
        if read {
            break;
        }
    }
    assert_eq!(receipts.last().unwrap()["data"]["readSeq"], 1, "Alice's read reached Bob: {receipts:?}");
    let carol_id = a.user("carol").await.id;
    let added = a.post_bearer(&format!("/api/chats/{chat}/members"), &alice, json!({"userIds": [carol_id]})).await;
    assert_eq!(added.status(), 200);
    assert_eq!(
        bob_ws.next_of("member.added").await.expect("member change crosses")["data"]["userId"],
        carol_id.as_str()
    );
}

#[tokio::test]
async fn revoking_a_session_on_one_instance_closes_its_socket_on_another() {
    let (a, b) = cluster().await;
    let b_base = format!("http://{}", b.addr);
    let phone = a.user("owner").await.token;
    let laptop = a.login("owner", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let mut phone_ws = Ws::connect(&b_base, &phone).await;
    let sessions = a.json_bearer("/api/sessions", &laptop).await;
    let phone_session = sessions["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(a.delete_bearer(&format!("/api/sessions/{phone_session}"), &laptop).await.status(), 204);
    let frame = phone_ws.next_of("session.revoked").await.expect("told why, across instances");
    assert_eq!(frame["data"]["sessionId"], phone_session.as_str());
    assert!(phone_ws.closed().await);
}

#[tokio::test]
async fn rate_limits_and_sign_in_throttling_are_shared_by_the_instances() {
    let prefix = format!("parlor-test-{}", uuid::Uuid::now_v7().simple());
    let limits = [
        ("redis-url", redis_url()),
        ("redis-prefix", prefix),
        ("limit-api-per-minute", "6".into()),
        ("limit-login-failures", "3".into()),
    ];
    let limits: Vec<(&str, &str)> = limits.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = spawn_with(&limits).await;
    let b = a.peer().await;
    let b_base = format!("http://{}", b.addr);
    let token = a.user("busy").await.token;
    // Six calls a minute in all: alternating instances, the seventh is refused wherever it lands.
    for i in 0..6 {
        let base = if i % 2 == 0 { a.base.clone() } else { b_base.clone() };
        let res = a.program().get(format!("{base}/api/users/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 200, "call {i}");
    }
    let refused = a.program().get(format!("{b_base}/api/users/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));

    // Three wrong passwords across both instances lock the account on both.
    a.register("target", "password123").await;
    for base in [&a.base, &b_base, &a.base] {
        let res = a
            .program()
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"username": "target", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let locked = a
        .program()
        .post(format!("{b_base}/api/auth/login"))
        .json(&json!({"username": "target", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), 429);
}

#[tokio::test]
async fn someone_connected_to_any_instance_is_online() {
    let (a, b) = cluster().await;
    let b_base = format!("http://{}", b.addr);
    let alice = a.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = a.user("bob").await;
    a.group(&alice, "Watchers", &[&bob_id]).await;
    let mut alice_ws = Ws::connect(&a.base, &alice).await;
    let bob_on_a = Ws::connect(&a.base, &bob).await;
    let online = alice_ws.next_of("presence").await.expect("bob comes online");
    assert_eq!(online["data"]["status"], "online");
    let bob_on_b = Ws::connect(&b_base, &bob).await;

    // Bob closes his tab on B; his tab on A keeps him online.
    drop(bob_on_b);
    let frames = alice_ws.collect_of("presence", Duration::from_millis(800)).await;
    assert!(frames.iter().all(|f| f["data"]["status"] != "offline"), "still online: {frames:?}");

    // Closing the last one, wherever it is, makes him offline with a last-seen time.
    drop(bob_on_a);
    let offline = alice_ws.next_of("presence").await.expect("bob goes offline");
    assert_eq!(offline["data"]["status"], "offline");
    assert!(offline["data"]["lastSeenAt"].is_string());
}

#[tokio::test]
async fn a_stopping_instance_asks_its_clients_to_reconnect() {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let (a, b) = cluster().await;
    let alice = a.user("alice").await.token;
    let url = format!("ws://{}/api/ws?token={alice}", b.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let ready = socket.next().await.unwrap().unwrap();
    assert!(ready.to_text().unwrap().contains("ready"));
    let stopping = tokio::spawn(b.stop());
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame with a code"),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(u16::from(close.code), 1012, "service restart: reconnect elsewhere");
    stopping.await.unwrap().unwrap();
    // Another instance of the deployment takes the client.
    Ws::connect(&a.base, &alice).await;
}

#[tokio::test]
async fn a_push_goes_out_once_and_only_while_no_instance_shows_the_app() {
    let prefix = format!("parlor-test-{}", uuid::Uuid::now_v7().simple());
    let a = spawn_with(&[
        ("redis-url", &redis_url()),
        ("redis-prefix", &prefix),
        ("limit-messages-per-second", "0"),
        ("push-allow-http", "true"),
    ])
    .await;
    let b = a.peer().await;
    let b_base = format!("http://{}", b.addr);
    let service = PushService::start().await;
    let alice = a.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = a.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = a.user("carol").await;
    let key_a = a.json_bearer("/api/push/key", &bob).await;
    let key_b: serde_json::Value =
        a.program().get(format!("{b_base}/api/push/key")).bearer_auth(&bob).send().await.unwrap().json().await.unwrap();
    assert_eq!(key_a, key_b, "every instance signs with the same key");
    let bob_phone = Browser::new(&service, "bob");
    let res = a
        .program()
        .post(format!("{b_base}/api/push/subscriptions"))
        .bearer_auth(&bob)
        .json(&bob_phone.subscription())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        a.post_bearer("/api/push/subscriptions", &carol, Browser::new(&service, "carol").subscription()).await.status(),
        201
    );
    let group = a.group(&alice, "Spread", &[&bob_id, &carol_id]).await;

    // Bob looks at the app through instance B; Alice writes through A, which sends the pushes.
    let mut tab = Ws::connect(&b_base, &bob).await;
    a.say(&alice, &group, "seen on B").await;
    service.wait_for("carol", 1).await;
    service.settle().await;
    assert!(service.hits("bob").is_empty(), "A knows Bob's tab on B is visible");

    tab.send(json!({"type": "presence", "data": {"status": "away"}})).await;
    tab.send(json!({"type": "ping", "data": {}})).await;
    tab.next_of("pong").await.expect("pong");
    a.say(&alice, &group, "hidden on B").await;
    assert_eq!(bob_phone.open(&service.wait_for("bob", 1).await[0])["body"], "hidden on B");
    service.settle().await;
    assert_eq!(service.hits("bob").len(), 1, "one push, from one instance");
    assert_eq!(service.hits("carol").len(), 2);
}
