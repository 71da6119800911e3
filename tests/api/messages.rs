use crate::helpers::{TestUser, assert_error, spawn_app, spawn_with};
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[tokio::test]
async fn sending_assigns_seq_and_a_retry_returns_the_first_message() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob = app.user("bob").await.token;
    let chat = app.group(&bob, "Chat", &[&alice_id]).await;
    let body = json!({"content": "hello", "clientId": "c-1"});
    let first = app.post_bearer(&format!("/api/chats/{chat}/messages"), &alice, body.clone()).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["message"]["seq"], 1);
    assert_eq!(first["message"]["sender"]["username"], "alice");
    assert_eq!(first["message"]["clientId"], "c-1");
    let retry = app.post_bearer(&format!("/api/chats/{chat}/messages"), &alice, body).await;
    assert_eq!(retry.status(), 200);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["message"]["id"], first["message"]["id"]);
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &bob).await;
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_retries_with_one_client_id_create_one_message() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Retries", &[]).await;
    let path = format!("/api/chats/{chat}/messages");
    let sends = (0..10).map(|_| app.post_bearer(&path, &alice, json!({"content": "once", "clientId": "same"})));
    let responses = futures::future::join_all(sends).await;
    let mut ids = BTreeSet::new();
    for res in responses {
        assert!(res.status() == 201 || res.status() == 200, "{}", res.status());
        let body: Value = res.json().await.unwrap();
        ids.insert(body["message"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &alice).await;
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    assert_eq!(history["messages"][0]["seq"], 1);
}

#[tokio::test]
async fn two_hundred_concurrent_sends_get_seq_1_to_200_without_gaps() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob = app.user("bob").await.token;
    let chat = app.group(&bob, "Busy", &[&alice_id]).await;
    let path = format!("/api/chats/{chat}/messages");
    let sends = (0..200).map(|i| {
        let (token, path) = (if i % 2 == 0 { alice.clone() } else { bob.clone() }, path.clone());
        let app = &app;
        async move {
            app.post_bearer(&path, &token, json!({"content": format!("message {i}"), "clientId": format!("m{i}")}))
                .await
        }
    });
    let responses = futures::future::join_all(sends).await;
    let mut seqs = Vec::new();
    for res in responses {
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.unwrap();
        seqs.push(body["message"]["seq"].as_i64().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
    let mut stored = Vec::new();
    let mut after = 0;
    loop {
        let page = app.json_bearer(&format!("{path}?after={after}&limit=100"), &alice).await;
        let messages = page["messages"].as_array().unwrap();
        stored.extend(messages.iter().map(|m| m["seq"].as_i64().unwrap()));
        after = *stored.last().unwrap();
        if page["hasMore"] == false {
            break;
        }
    }
    assert_eq!(stored, (1..=200).collect::<Vec<i64>>());
}

#[tokio::test]
async fn message_text_is_validated() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Limits", &[]).await;
    let path = format!("/api/chats/{chat}/messages");
    let cases = [
        (json!({"content": "x".repeat(10_001), "clientId": "a"}), "message_too_long"),
        (json!({"content": "   ", "clientId": "b"}), "empty_message"),
        (json!({"content": "hi", "clientId": ""}), "invalid_client_id"),
        (json!({"content": "hi", "clientId": "has space"}), "invalid_client_id"),
        (json!({"content": "hi", "clientId": "c", "replyToId": uuid::Uuid::now_v7()}), "invalid_reply"),
    ];
    for (body, code) in cases {
        assert_eq!(assert_error(app.post_bearer(&path, &alice, body.clone()).await, 400).await, code, "{body}");
    }
    let res = app.post_bearer(&path, &alice, json!({"content": "x".repeat(10_000), "clientId": "max"})).await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn history_pages_before_after_and_around_a_message() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Pages", &[]).await;
    let mut ids = Vec::new();
    for i in 1..=30 {
        ids.push(app.say(&alice, &chat, &format!("m{i}")).await["id"].as_str().unwrap().to_owned());
    }
    let seqs =
        |v: &Value| v["messages"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect::<Vec<_>>();
    let latest = app.json_bearer(&format!("/api/chats/{chat}/messages?limit=10"), &alice).await;
    assert_eq!(seqs(&latest), (21..=30).collect::<Vec<_>>());
    assert_eq!(latest["hasMore"], true);
    let older = app.json_bearer(&format!("/api/chats/{chat}/messages?before=21&limit=10"), &alice).await;
    assert_eq!(seqs(&older), (11..=20).collect::<Vec<_>>());
    let oldest = app.json_bearer(&format!("/api/chats/{chat}/messages?before=11&limit=10"), &alice).await;
    assert_eq!(seqs(&oldest), (1..=10).collect::<Vec<_>>());
    assert_eq!(oldest["hasMore"], false);
    let newer = app.json_bearer(&format!("/api/chats/{chat}/messages?after=25"), &alice).await;
    assert_eq!(seqs(&newer), (26..=30).collect::<Vec<_>>());
    assert_eq!(newer["hasMore"], false);
    let around = app.json_bearer(&format!("/api/chats/{chat}/messages?around={}&limit=5", ids[14]), &alice).await;
    assert_eq!(seqs(&around), vec![13, 14, 15, 16, 17]);
    for bad in ["before=1&after=2", "limit=0", "limit=101", "before=x", "around=nope"] {
        assert_error(app.get_bearer(&format!("/api/chats/{chat}/messages?{bad}"), &alice).await, 400).await;
    }
}

#[tokio::test]
async fn only_the_sender_edits_and_the_history_is_kept() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Edits", &[&bob_id]).await;
    let id = app.say(&alice, &chat, "first draft").await["id"].as_str().unwrap().to_owned();
    let res = app.patch_bearer(&format!("/api/messages/{id}"), &alice, json!({"content": "second draft"})).await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["message"]["content"], "second draft");
    assert!(edited["message"]["editedAt"].is_string());
    app.patch_bearer(&format!("/api/messages/{id}"), &alice, json!({"content": "final"})).await;
    let history = app.json_bearer(&format!("/api/messages/{id}/history"), &bob).await;
    let texts: Vec<&str> =
        history["edits"].as_array().unwrap().iter().map(|e| e["content"].as_str().unwrap()).collect();
    assert_eq!(texts, ["first draft", "second draft"]);
    assert_error(app.patch_bearer(&format!("/api/messages/{id}"), &bob, json!({"content": "hijack"})).await, 403).await;
    assert_error(app.patch_bearer(&format!("/api/messages/{id}"), &alice, json!({"content": ""})).await, 400).await;
}

#[tokio::test]
async fn deleting_erases_the_content_and_keeps_a_tombstone() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let TestUser { id: carol_id, token: carol, .. } = app.user("carol").await;
    let owner = app.user("owner").await.token;
    let chat = app.group(&owner, "Deletes", &[&bob_id, &carol_id]).await;
    let bobs = app.say(&bob, &chat, "secret plans").await["id"].as_str().unwrap().to_owned();
    app.patch_bearer(&format!("/api/messages/{bobs}"), &bob, json!({"content": "secret plans v2"})).await;
    app.post_bearer(&format!("/api/messages/{bobs}/reactions"), &carol, json!({"emoji": "👍"})).await;
    // Another member cannot delete it; its sender can.
    assert_error(app.delete_bearer(&format!("/api/messages/{bobs}"), &carol).await, 403).await;
    assert_eq!(app.delete_bearer(&format!("/api/messages/{bobs}"), &bob).await.status(), 204);
    let gone = app.json_bearer(&format!("/api/messages/{bobs}"), &carol).await["message"].clone();
    assert_eq!(gone["content"], "");
    assert!(gone["deletedAt"].is_string());
    assert_eq!(gone["reactions"], json!([]));
    assert_eq!(app.json_bearer(&format!("/api/messages/{bobs}/history"), &carol).await["edits"], json!([]));
    assert_error(app.patch_bearer(&format!("/api/messages/{bobs}"), &bob, json!({"content": "back"})).await, 409).await;
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &carol).await;
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    // The group's owner may delete anyone's message.
    let carols = app.say(&carol, &chat, "off topic").await["id"].as_str().unwrap().to_owned();
    assert_eq!(app.delete_bearer(&format!("/api/messages/{carols}"), &owner).await.status(), 204);
}

#[tokio::test]
async fn reactions_count_per_emoji_and_know_mine() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Reactions", &[&bob_id]).await;
    let id = app.say(&alice, &chat, "party?").await["id"].as_str().unwrap().to_owned();
    assert_eq!(react(&app, &id, &alice, "🎉").await.status(), 201);
    assert_eq!(react(&app, &id, &bob, "🎉").await.status(), 201);
    assert_eq!(react(&app, &id, &bob, "🎉").await.status(), 201);
    assert_eq!(react(&app, &id, &bob, "👍").await.status(), 201);
    assert_error(react(&app, &id, &bob, "lol").await, 400).await;
    let seen = app.json_bearer(&format!("/api/messages/{id}"), &bob).await["message"]["reactions"].clone();
    assert_eq!(seen, json!([{"emoji": "🎉", "count": 2, "me": true}, {"emoji": "👍", "count": 1, "me": true}]));
    let path = format!("/api/messages/{id}/reactions/{}", percent_encode("🎉"));
    assert_eq!(app.delete_bearer(&path, &bob).await.status(), 204);
    let seen = app.json_bearer(&format!("/api/messages/{id}"), &alice).await["message"]["reactions"].clone();
    assert_eq!(seen, json!([{"emoji": "🎉", "count": 1, "me": true}, {"emoji": "👍", "count": 1, "me": false}]));
}

async fn react(app: &crate::helpers::TestApp, id: &str, token: &str, emoji: &str) -> reqwest::Response {
    app.post_bearer(&format!("/api/messages/{id}/reactions"), token, json!({"emoji": emoji})).await
}

fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn replies_carry_a_preview_of_the_original() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Replies", &[]).await;
    let other = app.group(&alice, "Other", &[]).await;
    let original = app.say(&alice, &chat, "**Lunch** at noon?").await;
    let res = app
        .post_bearer(
            &format!("/api/chats/{chat}/messages"),
            &alice,
            json!({"content": "yes", "clientId": "r1", "replyToId": original["id"]}),
        )
        .await;
    let reply: Value = res.json().await.unwrap();
    assert_eq!(reply["message"]["replyTo"]["id"], original["id"]);
    assert_eq!(reply["message"]["replyTo"]["snippet"], "Lunch at noon?");
    assert_eq!(reply["message"]["replyTo"]["senderName"], "alice");
    let res = app
        .post_bearer(
            &format!("/api/chats/{other}/messages"),
            &alice,
            json!({"content": "cross", "clientId": "r2", "replyToId": original["id"]}),
        )
        .await;
    assert_eq!(assert_error(res, 400).await, "invalid_reply");
}

#[tokio::test]
async fn receipts_show_who_read_a_message() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let carol_id = app.user("carol").await.id;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Receipts", &[&bob_id, &carol_id]).await;
    let message = app.say(&alice, &chat, "did you see this?").await;
    let id = message["id"].as_str().unwrap();
    let receipts = app.json_bearer(&format!("/api/messages/{id}/receipts"), &alice).await;
    assert_eq!(receipts["readBy"], json!([]));
    app.post_bearer(&format!("/api/chats/{chat}/read"), &bob, json!({"seq": message["seq"]})).await;
    let receipts = app.json_bearer(&format!("/api/messages/{id}/receipts"), &alice).await;
    let readers: Vec<&str> =
        receipts["readBy"].as_array().unwrap().iter().map(|r| r["userId"].as_str().unwrap()).collect();
    assert_eq!(readers, [bob_id.as_str()]);
    assert!(receipts["readBy"][0]["at"].is_string());
    let delivered: Vec<&str> =
        receipts["deliveredTo"].as_array().unwrap().iter().map(|r| r["userId"].as_str().unwrap()).collect();
    assert_eq!(delivered, [bob_id.as_str()]);
}

#[tokio::test]
async fn someone_outside_a_chat_can_do_nothing_with_it() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let mallory = app.user("mallory").await.token;
    let chat = app.group(&alice, "Private", &[]).await;
    let id = app.say(&alice, &chat, "private words").await["id"].as_str().unwrap().to_owned();
    let denied = [
        app.get_bearer(&format!("/api/chats/{chat}/messages"), &mallory).await,
        app.post_bearer(&format!("/api/chats/{chat}/messages"), &mallory, json!({"content": "hi", "clientId": "x"}))
            .await,
        app.get_bearer(&format!("/api/messages/{id}"), &mallory).await,
        app.patch_bearer(&format!("/api/messages/{id}"), &mallory, json!({"content": "x"})).await,
        app.delete_bearer(&format!("/api/messages/{id}"), &mallory).await,
        app.get_bearer(&format!("/api/messages/{id}/history"), &mallory).await,
        app.get_bearer(&format!("/api/messages/{id}/receipts"), &mallory).await,
        app.post_bearer(&format!("/api/messages/{id}/reactions"), &mallory, json!({"emoji": "👍"})).await,
        app.post_bearer(&format!("/api/chats/{chat}/read"), &mallory, json!({"seq": 1})).await,
        app.post_bearer(&format!("/api/chats/{chat}/leave"), &mallory, json!({})).await,
        app.patch_bearer(&format!("/api/chats/{chat}"), &mallory, json!({"name": "mine"})).await,
        app.post_bearer(&format!("/api/chats/{chat}/members"), &mallory, json!({"userIds": []})).await,
    ];
    for res in denied {
        let text = res.text().await.unwrap();
        assert!(text.contains("\"not_found\""), "{text}");
        assert!(!text.contains("private words"));
    }
    let unchanged = app.json_bearer(&format!("/api/messages/{id}"), &alice).await;
    assert_eq!(unchanged["message"]["content"], "private words");
    assert_eq!(unchanged["message"]["reactions"], json!([]));
}

#[tokio::test]
async fn sending_is_limited_to_ten_messages_a_second() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Flood", &[]).await;
    let path = format!("/api/chats/{chat}/messages");
    let sends =
        (0..12).map(|i| app.post_bearer(&path, &alice, json!({"content": "spam", "clientId": format!("f{i}")})));
    let statuses: Vec<u16> = futures::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().filter(|s| **s == 201).count() <= 10, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}
