//! Contact requests: the state machine (request, accept, decline, cancel, remove), mutual
//! requests, duplicates, the daily limit, and the live frames both people get.
use crate::helpers::{TestApp, TestUser, assert_error, spawn_app};
use crate::live_client::Ws;
use serde_json::{Value, json};
use std::time::Duration;

pub async fn ask(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_bearer("/api/contacts/requests", token, body).await
}

pub async fn book(app: &TestApp, token: &str) -> Value {
    app.json_bearer("/api/contacts", token).await
}

fn ids(list: &Value, side: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|entry| entry[side]["id"].as_str().unwrap().to_owned()).collect()
}

/// Makes two people contacts: a request and its acceptance.
pub async fn befriend(app: &TestApp, from: &str, to: &str, to_id: &str) {
    let res = ask(app, from, json!({"userId": to_id})).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["request"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), to, json!({})).await.status(), 200);
}

#[tokio::test]
async fn a_request_by_username_and_its_acceptance_make_two_contacts() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("Bob").await;
    let res = ask(&app, &alice, json!({"username": "BOB"})).await;
    assert_eq!(res.status(), 201);
    let request = res.json::<Value>().await.unwrap()["request"].clone();
    assert_eq!(
        (request["from"]["id"].as_str(), request["to"]["id"].as_str()),
        (Some(alice_id.as_str()), Some(bob_id.as_str()))
    );
    assert_eq!(request["status"], "pending");

    let (mine, theirs) = (book(&app, &alice).await, book(&app, &bob).await);
    assert_eq!(ids(&mine["outgoing"], "to"), [bob_id.as_str()]);
    assert_eq!(ids(&theirs["incoming"], "from"), [alice_id.as_str()]);
    assert!(mine["contacts"].as_array().unwrap().is_empty());

    let id = request["id"].as_str().unwrap();
    let res = app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), &bob, json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["request"]["status"], "accepted");
    let (mine, theirs) = (book(&app, &alice).await, book(&app, &bob).await);
    assert_eq!(ids(&mine["contacts"], "user"), [bob_id]);
    assert_eq!(ids(&theirs["contacts"], "user"), [alice_id]);
    assert_eq!(mine["contacts"][0]["status"], "accepted");
    assert!(mine["contacts"][0]["since"].is_string());
    assert!(mine["outgoing"].as_array().unwrap().is_empty() && theirs["incoming"].as_array().unwrap().is_empty());
    assert!(mine["blocked"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn only_the_recipient_may_accept_or_decline() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let mallory = app.user("mallory").await.token;
    let res = ask(&app, &alice, json!({"userId": bob_id})).await;
    let id = res.json::<Value>().await.unwrap()["request"]["id"].as_str().unwrap().to_owned();
    for token in [&alice, &mallory] {
        let res = app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), token, json!({})).await;
        assert_error(res, 404).await;
        let res = app.post_bearer(&format!("/api/contacts/requests/{id}/decline"), token, json!({})).await;
        assert_error(res, 404).await;
    }
    let unknown = uuid::Uuid::now_v7();
    assert_error(app.post_bearer(&format!("/api/contacts/requests/{unknown}/accept"), &bob, json!({})).await, 404)
        .await;

    let res = app.post_bearer(&format!("/api/contacts/requests/{id}/decline"), &bob, json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["request"]["status"], "declined");
    assert!(book(&app, &alice).await["outgoing"].as_array().unwrap().is_empty());
    assert!(book(&app, &bob).await["incoming"].as_array().unwrap().is_empty());
    // A declined request cannot be accepted afterwards.
    assert_error(app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), &bob, json!({})).await, 404).await;
}

#[tokio::test]
async fn cancelling_a_request_and_removing_a_contact_end_the_pair() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    assert_eq!(ask(&app, &alice, json!({"userId": bob_id})).await.status(), 201);
    assert_eq!(app.delete_bearer(&format!("/api/contacts/{bob_id}"), &alice).await.status(), 204);
    assert!(book(&app, &bob).await["incoming"].as_array().unwrap().is_empty());
    assert_error(app.delete_bearer(&format!("/api/contacts/{bob_id}"), &alice).await, 404).await;

    befriend(&app, &alice, &bob, &bob_id).await;
    assert_eq!(app.delete_bearer(&format!("/api/contacts/{alice_id}"), &bob).await.status(), 204);
    assert!(book(&app, &alice).await["contacts"].as_array().unwrap().is_empty());
    assert!(book(&app, &bob).await["contacts"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn asking_someone_who_already_asked_you_accepts_their_request() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let first = ask(&app, &alice, json!({"userId": bob_id})).await.json::<Value>().await.unwrap();
    let res = ask(&app, &bob, json!({"userId": alice_id})).await;
    assert_eq!(res.status(), 200);
    let answer = res.json::<Value>().await.unwrap();
    assert_eq!(answer["request"]["id"], first["request"]["id"]);
    assert_eq!(answer["request"]["status"], "accepted");
    assert_eq!(ids(&book(&app, &alice).await["contacts"], "user"), [bob_id]);
    assert_eq!(ids(&book(&app, &bob).await["contacts"], "user"), [alice_id]);
}

#[tokio::test]
async fn asking_twice_returns_the_pending_request_and_contacts_cannot_ask_again() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let first = ask(&app, &alice, json!({"userId": bob_id})).await.json::<Value>().await.unwrap();
    let res = ask(&app, &alice, json!({"username": "bob"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["request"]["id"], first["request"]["id"]);
    assert_eq!(book(&app, &bob).await["incoming"].as_array().unwrap().len(), 1);
    let id = first["request"]["id"].as_str().unwrap();
    app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), &bob, json!({})).await;
    assert_eq!(assert_error(ask(&app, &alice, json!({"userId": bob_id})).await, 409).await, "already_contacts");
}

#[tokio::test]
async fn requests_to_yourself_or_to_nobody_are_refused() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob_id = app.user("bob").await.id;
    assert_eq!(assert_error(ask(&app, &alice, json!({"userId": alice_id})).await, 400).await, "invalid_contact");
    assert_eq!(assert_error(ask(&app, &alice, json!({"username": "ALICE"})).await, 400).await, "invalid_contact");
    let nobody = uuid::Uuid::now_v7();
    assert_eq!(assert_error(ask(&app, &alice, json!({"userId": nobody})).await, 404).await, "user_not_found");
    assert_eq!(assert_error(ask(&app, &alice, json!({"username": "nobody"})).await, 404).await, "user_not_found");
    assert_error(ask(&app, &alice, json!({})).await, 400).await;
    assert_error(ask(&app, &alice, json!({"userId": bob_id, "username": "bob"})).await, 400).await;
    assert!(book(&app, &alice).await["outgoing"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_fifty_first_request_of_a_day_is_refused_even_after_cancelling() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let people = app.seed_users(51).await;
    for person in &people[..50] {
        assert_eq!(ask(&app, &alice, json!({"userId": person})).await.status(), 201);
    }
    // Cancelling does not give the request back: the limit counts what was sent.
    assert_eq!(app.delete_bearer(&format!("/api/contacts/{}", people[0]), &alice).await.status(), 204);
    let res = ask(&app, &alice, json!({"userId": people[50]})).await;
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "{wait}");
    assert_eq!(assert_error(res, 429).await, "contact_request_limit");
    // Asking again someone already asked is not a new request.
    assert_eq!(ask(&app, &alice, json!({"userId": people[1]})).await.status(), 200);
    assert_eq!(book(&app, &alice).await["outgoing"].as_array().unwrap().len(), 49);
}

#[tokio::test]
async fn both_people_hear_of_requests_and_answers_live() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let eve = app.user("eve").await.token;
    let mut alice_ws = Ws::connect(&app.base, &alice).await;
    let mut bob_ws = Ws::connect(&app.base, &bob).await;
    let mut eve_ws = Ws::connect(&app.base, &eve).await;

    let sent = ask(&app, &alice, json!({"userId": bob_id})).await.json::<Value>().await.unwrap();
    let to_bob = bob_ws.next_of("contact.request").await.expect("the recipient is told");
    assert_eq!(to_bob["data"]["id"], sent["request"]["id"]);
    assert_eq!(to_bob["data"]["from"]["id"], alice_id.as_str());
    assert_eq!(to_bob["data"]["createdAt"], sent["request"]["createdAt"]);
    let to_alice = alice_ws.next_of("contact.request").await.expect("the sender's devices are told");
    assert_eq!(to_alice["data"]["to"]["id"], bob_id.as_str());

    let id = sent["request"]["id"].as_str().unwrap();
    app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), &bob, json!({})).await;
    let updated = alice_ws.next_of("contact.updated").await.unwrap();
    assert_eq!(
        (updated["data"]["userId"].as_str(), updated["data"]["status"].as_str()),
        (Some(bob_id.as_str()), Some("accepted"))
    );
    let updated = bob_ws.next_of("contact.updated").await.unwrap();
    assert_eq!(
        (updated["data"]["userId"].as_str(), updated["data"]["status"].as_str()),
        (Some(alice_id.as_str()), Some("accepted"))
    );

    app.delete_bearer(&format!("/api/contacts/{alice_id}"), &bob).await;
    assert_eq!(alice_ws.next_of("contact.updated").await.unwrap()["data"]["status"], "none");
    assert_eq!(bob_ws.next_of("contact.updated").await.unwrap()["data"]["status"], "none");

    let again = ask(&app, &alice, json!({"userId": bob_id})).await.json::<Value>().await.unwrap();
    bob_ws.next_of("contact.request").await.unwrap();
    let id = again["request"]["id"].as_str().unwrap();
    app.post_bearer(&format!("/api/contacts/requests/{id}/decline"), &bob, json!({})).await;
    let declined = alice_ws.next_of("contact.updated").await.unwrap();
    assert_eq!(
        (declined["data"]["userId"].as_str(), declined["data"]["status"].as_str()),
        (Some(bob_id.as_str()), Some("none"))
    );

    // Nobody else heard any of it.
    let frames = eve_ws.collect_of("contact.request", Duration::from_millis(300)).await;
    assert!(frames.is_empty(), "{frames:?}");
    let frames = eve_ws.collect_of("contact.updated", Duration::from_millis(300)).await;
    assert!(frames.is_empty(), "{frames:?}");
}
