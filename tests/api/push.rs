//! Web Push: subscriptions per device, who gets a notification for a new message (not the
//! sender, not someone muting the chat or looking at the app), what it says, and how it is
//! encrypted and signed. A local push service records what the server sends.
use crate::helpers::{TestApp, TestUser, assert_error, spawn_app, spawn_with};
use crate::live_client::Ws;
use crate::push_service::{Browser, PushService, assert_vapid};
use serde_json::{Value, json};

async fn push_app() -> TestApp {
    spawn_with(&[("push-allow-http", "true"), ("limit-messages-per-second", "0")]).await
}

async fn subscribe(app: &TestApp, token: &str, browser: &Browser) -> Value {
    let res = app.post_bearer("/api/push/subscriptions", token, browser.subscription()).await;
    assert_eq!(res.status(), 201, "subscribing");
    res.json().await.unwrap()
}

async fn direct(app: &TestApp, token: &str, other: &str) -> String {
    let res = app.post_bearer("/api/chats/direct", token, json!({"userId": other})).await;
    let body: Value = res.json().await.unwrap();
    body["chat"]["id"].as_str().unwrap().to_owned()
}

async fn mute(app: &TestApp, token: &str, chat: &str, muted: bool) -> reqwest::Response {
    app.program()
        .put(app.url(&format!("/api/chats/{chat}/mute")))
        .bearer_auth(token)
        .json(&json!({"muted": muted}))
        .send()
        .await
        .unwrap()
}

/// Alice writes to a group with Bob and Carol, who each have a subscribed phone; Carol is the
/// control that shows a push was due.
struct Trio {
    alice: String,
    bob: String,
    carol: String,
    bob_phone: Browser,
    carol_phone: Browser,
    group: String,
}

async fn trio(app: &TestApp, service: &PushService, name: &str) -> Trio {
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    let (bob_phone, carol_phone) = (Browser::new(service, "bob"), Browser::new(service, "carol"));
    subscribe(app, &bob, &bob_phone).await;
    subscribe(app, &carol, &carol_phone).await;
    let group = app.group(&alice, name, &[&bob_id, &carol_id]).await;
    Trio { alice, bob, carol, bob_phone, carol_phone, group }
}

/// Waits until the live connection has handled everything sent before (frames are handled in order).
async fn sync(ws: &mut Ws) {
    ws.send(json!({"type": "ping", "data": {}})).await;
    ws.next_of("pong").await.expect("pong");
}

#[tokio::test]
async fn a_message_reaches_an_absent_member_encrypted_and_signed() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let key = app.json_bearer("/api/push/key", &bob).await["publicKey"].as_str().unwrap().to_owned();
    let phone = Browser::new(&service, "bob-phone");
    let created = subscribe(&app, &bob, &phone).await;
    assert_eq!(created["subscription"]["endpoint"], phone.endpoint.as_str());
    assert!(created["subscription"]["id"].is_string() && created["subscription"]["createdAt"].is_string());

    let chat = direct(&app, &alice, &bob_id).await;
    let message = app.say(&alice, &chat, "Lunch at **noon**?").await;
    let hit = service.wait_for("bob-phone", 1).await.remove(0);
    let payload = phone.open(&hit);
    let id = message["id"].as_str().unwrap();
    assert_eq!(
        payload,
        json!({
            "title": "alice", "body": "Lunch at noon?", "chatId": chat, "messageId": id,
            "url": format!("/chats/{chat}/m/{id}"), "tag": chat,
        })
    );
    assert_eq!(hit.headers["content-encoding"], "aes128gcm");
    assert!(hit.headers["ttl"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(hit.headers["urgency"], "high");
    assert_vapid(&hit, &key, &service.origin);

    // In a group the title names the group; a photo alone reads "📷 Photo"; long text is cut.
    let group = app.group(&alice, "Team", &[&bob_id]).await;
    app.say(&alice, &group, &"x".repeat(300)).await;
    let long = phone.open(&service.wait_for("bob-phone", 2).await[1]);
    assert_eq!(long["title"], "alice · Team");
    assert_eq!(long["body"].as_str().unwrap().chars().count(), 120);
    let media = app.upload_ok(&alice, crate::images::png(40, 30)).await;
    let body = json!({"content": "", "clientId": "photo-1", "mediaIds": [media["id"]]});
    assert_eq!(app.post_bearer(&format!("/api/chats/{group}/messages"), &alice, body).await.status(), 201);
    assert_eq!(phone.open(&service.wait_for("bob-phone", 3).await[2])["body"], "📷 Photo");
}

#[tokio::test]
async fn private_previews_say_only_that_a_message_came() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    assert_eq!(app.json_bearer("/api/push/settings", &bob).await, json!({"previews": true}));
    let res = app
        .program()
        .put(app.url("/api/push/settings"))
        .bearer_auth(&bob)
        .json(&json!({"previews": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"previews": false}));
    assert_eq!(app.json_bearer("/api/push/settings", &bob).await, json!({"previews": false}));

    let phone = Browser::new(&service, "bob");
    subscribe(&app, &bob, &phone).await;
    let group = app.group(&alice, "Secret plans", &[&bob_id]).await;
    let message = app.say(&alice, &group, "The password is swordfish").await;
    let payload = phone.open(&service.wait_for("bob", 1).await[0]);
    let id = message["id"].as_str().unwrap();
    assert_eq!(
        payload,
        json!({
            "title": "Parlor", "body": "New message", "chatId": group, "messageId": id,
            "url": format!("/chats/{group}/m/{id}"), "tag": group,
        })
    );
    let text = payload.to_string();
    for secret in ["alice", "swordfish", "Secret plans"] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }

    let bad = app
        .program()
        .put(app.url("/api/push/settings"))
        .bearer_auth(&bob)
        .json(&json!({"previews": "no"}))
        .send()
        .await
        .unwrap();
    assert_error(bad, 400).await;
}

#[tokio::test]
async fn a_muted_chat_sends_no_push_until_unmuted() {
    let app = push_app().await;
    let service = PushService::start().await;
    let Trio { alice, bob, carol, bob_phone, carol_phone, group } = trio(&app, &service, "Noisy").await;

    let res = mute(&app, &bob, &group, true).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["chat"]["muted"], true);
    assert_eq!(app.json_bearer(&format!("/api/chats/{group}"), &bob).await["chat"]["muted"], true);
    let list = app.json_bearer("/api/chats", &bob).await;
    assert_eq!(list["chats"][0]["muted"], true, "the list shows it too");
    assert_eq!(
        app.json_bearer(&format!("/api/chats/{group}"), &carol).await["chat"]["muted"],
        false,
        "muting is Bob's own"
    );

    app.say(&alice, &group, "first").await;
    assert_eq!(carol_phone.open(&service.wait_for("carol", 1).await[0])["body"], "first");
    service.settle().await;
    assert!(service.hits("bob").is_empty(), "muted");

    assert_eq!(mute(&app, &bob, &group, false).await.status(), 200);
    app.say(&alice, &group, "second").await;
    assert_eq!(bob_phone.open(&service.wait_for("bob", 1).await[0])["body"], "second");
}

#[tokio::test]
async fn muting_a_chat_one_is_not_in_is_not_found() {
    let app = push_app().await;
    let alice = app.user("alice").await.token;
    let mallory = app.user("mallory").await.token;
    let group = app.group(&alice, "Private", &[]).await;
    assert_error(mute(&app, &mallory, &group, true).await, 404).await;
    assert_error(mute(&app, &alice, &uuid::Uuid::now_v7().to_string(), true).await, 404).await;
    let bad = app
        .program()
        .put(app.url(&format!("/api/chats/{group}/mute")))
        .bearer_auth(&alice)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_error(bad, 400).await;
}

#[tokio::test]
async fn someone_looking_at_the_app_gets_no_push_until_the_tab_is_hidden() {
    let app = push_app().await;
    let service = PushService::start().await;
    let Trio { alice, bob, bob_phone, group, .. } = trio(&app, &service, "Watching").await;

    let mut tab = Ws::connect(&app.base, &bob).await;
    app.say(&alice, &group, "seen live").await;
    assert_eq!(tab.next_of("message.new").await.unwrap()["data"]["content"], "seen live");
    service.wait_for("carol", 1).await;
    service.settle().await;
    assert!(service.hits("bob").is_empty(), "Bob's tab is open and visible");

    tab.send(json!({"type": "presence", "data": {"status": "away"}})).await;
    sync(&mut tab).await;
    app.say(&alice, &group, "while hidden").await;
    assert_eq!(bob_phone.open(&service.wait_for("bob", 1).await[0])["body"], "while hidden");

    tab.send(json!({"type": "presence", "data": {"status": "online"}})).await;
    sync(&mut tab).await;
    app.say(&alice, &group, "back again").await;
    service.wait_for("carol", 3).await;
    service.settle().await;
    assert_eq!(service.hits("bob").len(), 1, "visible again: no push");

    drop(tab);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.say(&alice, &group, "after closing").await;
    assert_eq!(bob_phone.open(&service.wait_for("bob", 2).await[1])["body"], "after closing");
}

#[tokio::test]
async fn the_sender_is_never_notified_of_their_own_message() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    subscribe(&app, &alice, &Browser::new(&service, "alice")).await;
    subscribe(&app, &bob, &Browser::new(&service, "bob")).await;
    let chat = direct(&app, &alice, &bob_id).await;
    app.say(&alice, &chat, "from alice").await;
    service.wait_for("bob", 1).await;
    service.settle().await;
    assert!(service.hits("alice").is_empty());
}

#[tokio::test]
async fn a_subscription_the_push_service_calls_gone_is_forgotten() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let (old, new) = (Browser::new(&service, "old"), Browser::new(&service, "new"));
    subscribe(&app, &bob, &old).await;
    subscribe(&app, &bob, &new).await;
    service.answer("old", 410);
    let chat = direct(&app, &alice, &bob_id).await;
    app.say(&alice, &chat, "one").await;
    service.wait_for("old", 1).await;
    service.wait_for("new", 1).await;
    // The 410 is handled after the request: give the deletion a moment before the next send.
    service.settle().await;
    app.say(&alice, &chat, "two").await;
    assert_eq!(new.open(&service.wait_for("new", 2).await[1])["body"], "two");
    service.settle().await;
    assert_eq!(service.hits("old").len(), 1, "not asked again");
}

#[tokio::test]
async fn signing_a_device_out_removes_its_subscriptions() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: phone, .. } = app.user("bob").await;
    let laptop = app.login("bob", "password123").await["accessToken"].as_str().unwrap().to_owned();
    let tablet = app.login("bob", "password123").await["accessToken"].as_str().unwrap().to_owned();
    for (token, id) in [(&phone, "phone"), (&laptop, "laptop"), (&tablet, "tablet")] {
        subscribe(&app, token, &Browser::new(&service, id)).await;
    }
    let chat = direct(&app, &alice, &bob_id).await;

    // The phone signs out; the laptop revokes the tablet.
    assert_eq!(app.post_bearer("/api/auth/logout", &phone, json!({})).await.status(), 204);
    let sessions = app.json_bearer("/api/sessions", &laptop).await;
    let tablet_id = sessions["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.delete_bearer(&format!("/api/sessions/{tablet_id}"), &laptop).await.status(), 204);
    app.say(&alice, &chat, "who is still there?").await;
    service.wait_for("laptop", 1).await;
    service.settle().await;
    assert!(service.hits("phone").is_empty() && service.hits("tablet").is_empty());

    // Signing out everywhere leaves nothing to notify; Carol, in the same group, is the control.
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    subscribe(&app, &carol, &Browser::new(&service, "carol")).await;
    let group = app.group(&alice, "Everyone", &[&bob_id, &carol_id]).await;
    assert_eq!(app.post_bearer("/api/auth/logout", &laptop, json!({"all": true})).await.status(), 204);
    app.say(&alice, &group, "anyone?").await;
    service.wait_for("carol", 1).await;
    service.settle().await;
    assert_eq!(service.hits("laptop").len(), 1);
}

#[tokio::test]
async fn subscribing_again_replaces_and_unsubscribing_stops_only_ones_own() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    let browser = Browser::new(&service, "bob");
    let first = subscribe(&app, &bob, &browser).await;
    let again = subscribe(&app, &bob, &browser).await;
    assert_eq!(first["subscription"]["id"], again["subscription"]["id"], "one row per endpoint");
    subscribe(&app, &carol, &Browser::new(&service, "carol")).await;
    let group = app.group(&alice, "Trio", &[&bob_id, &carol_id]).await;
    app.say(&alice, &group, "once").await;
    service.wait_for("bob", 1).await;
    service.wait_for("carol", 1).await;
    service.settle().await;
    assert_eq!(service.hits("bob").len(), 1, "no duplicate push");

    // Carol cannot unsubscribe Bob's browser; Bob can.
    let delete = |token: String, endpoint: String| {
        let app = &app;
        async move {
            app.program()
                .delete(app.url("/api/push/subscriptions"))
                .bearer_auth(token)
                .json(&json!({"endpoint": endpoint}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(delete(carol.clone(), browser.endpoint.clone()).await.status(), 204);
    app.say(&alice, &group, "still there").await;
    service.wait_for("bob", 2).await;
    assert_eq!(delete(bob.clone(), browser.endpoint.clone()).await.status(), 204);
    app.say(&alice, &group, "gone").await;
    service.wait_for("carol", 3).await;
    service.settle().await;
    assert_eq!(service.hits("bob").len(), 2);
}

#[tokio::test]
async fn a_person_keeps_at_most_twenty_subscriptions() {
    let app = push_app().await;
    let service = PushService::start().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    for i in 0..21 {
        subscribe(&app, &bob, &Browser::new(&service, &format!("b{i}"))).await;
    }
    let chat = direct(&app, &alice, &bob_id).await;
    app.say(&alice, &chat, "to all").await;
    for i in 1..21 {
        service.wait_for(&format!("b{i}"), 1).await;
    }
    service.settle().await;
    assert!(service.hits("b0").is_empty(), "the oldest was dropped");
}

#[tokio::test]
async fn bad_subscriptions_are_refused_with_the_error_shape() {
    let app = push_app().await;
    let service = PushService::start().await;
    let bob = app.user("bob").await.token;
    let good = Browser::new(&service, "x").subscription();
    let with = |path: &[&str], value: Value| {
        let mut body = good.clone();
        let mut at = &mut body;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        body
    };
    let cases = [
        (
            with(
                &["keys", "p256dh"],
                json!("BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ),
            "invalid_key",
        ),
        (with(&["keys", "p256dh"], json!("%%%")), "invalid_key"),
        (with(&["keys", "auth"], json!("c2hvcnQ")), "invalid_auth"),
        (with(&["endpoint"], json!("ftp://push.example.com/x")), "invalid_endpoint"),
        (with(&["endpoint"], json!(format!("https://push.example.com/{}", "a".repeat(2048)))), "invalid_endpoint"),
        (json!({"endpoint": service.endpoint("x")}), "invalid_body"),
        (json!({"keys": good["keys"]}), "invalid_body"),
    ];
    for (body, code) in cases {
        let res = app.post_bearer("/api/push/subscriptions", &bob, body.clone()).await;
        assert_eq!(assert_error(res, 400).await, code, "{body}");
    }
    assert_error(app.get_bearer("/api/push/key", "not-a-token").await, 401).await;

    // Without PUSH_ALLOW_HTTP: https on a public host only.
    let strict = spawn_app().await;
    let carol = strict.user("carol").await.token;
    for endpoint in [
        service.endpoint("x"),
        "https://127.0.0.1/push".to_owned(),
        "https://10.0.0.8/push".to_owned(),
        "https://localhost/push".to_owned(),
    ] {
        let res = strict.post_bearer("/api/push/subscriptions", &carol, with(&["endpoint"], json!(endpoint))).await;
        assert_eq!(assert_error(res, 400).await, "invalid_endpoint", "{endpoint}");
    }
    let public = strict
        .post_bearer("/api/push/subscriptions", &carol, with(&["endpoint"], json!("https://push.example.com/abc")))
        .await;
    assert_eq!(public.status(), 201);
}
