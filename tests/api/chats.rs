use crate::helpers::{TestUser, assert_error, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn a_direct_chat_exists_once_per_pair() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let first = app.post_bearer("/api/chats/direct", &alice, json!({"userId": bob_id})).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = app.post_bearer("/api/chats/direct", &alice, json!({"userId": bob_id})).await;
    assert_eq!(again.status(), 200);
    let from_bob = app.post_bearer("/api/chats/direct", &bob, json!({"userId": alice_id})).await;
    assert_eq!(from_bob.status(), 200);
    let (again, from_bob): (Value, Value) = (again.json().await.unwrap(), from_bob.json().await.unwrap());
    assert_eq!(first["chat"]["id"], again["chat"]["id"]);
    assert_eq!(first["chat"]["id"], from_bob["chat"]["id"]);
    assert_eq!(first["chat"]["type"], "direct");
    // Each sees the other person as the member shown.
    assert_eq!(first["chat"]["members"][0]["user"]["id"], bob_id.as_str());
    assert_eq!(from_bob["chat"]["members"][0]["user"]["id"], alice_id.as_str());
}

#[tokio::test]
async fn opening_direct_chats_at_the_same_moment_makes_one_chat() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let (a, b) = tokio::join!(
        app.post_bearer("/api/chats/direct", &alice, json!({"userId": bob_id})),
        app.post_bearer("/api/chats/direct", &bob, json!({"userId": alice_id})),
    );
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["chat"]["id"], b["chat"]["id"]);
}

#[tokio::test]
async fn direct_chats_need_another_existing_user() {
    let app = spawn_app().await;
    let TestUser { id: me, token, .. } = app.user("solo").await;
    let res = app.post_bearer("/api/chats/direct", &token, json!({"userId": me})).await;
    assert_error(res, 400).await;
    let res = app.post_bearer("/api/chats/direct", &token, json!({"userId": uuid::Uuid::now_v7()})).await;
    assert_error(res, 404).await;
    let res = app.post_bearer("/api/chats/direct", &token, json!({"userId": "nope"})).await;
    assert_error(res, 400).await;
}

#[tokio::test]
async fn a_group_has_an_owner_members_and_a_slug() {
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    let TestUser { id: member_id, token: member, .. } = app.user("member").await;
    let outsider = app.user("outsider").await.token;
    let id = app.group(&owner, "Team Lunch", &[&member_id]).await;
    let chat = app.json_bearer(&format!("/api/chats/{id}"), &member).await["chat"].clone();
    assert_eq!(chat["type"], "group");
    assert_eq!(chat["name"], "Team Lunch");
    let slug = chat["slug"].as_str().unwrap().to_owned();
    assert!(slug.starts_with("team-lunch-"), "{slug}");
    let roles: Vec<&str> = chat["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["owner", "member"]);
    let by_slug = app.json_bearer(&format!("/api/chats/by-slug/{slug}"), &member).await;
    assert_eq!(by_slug["chat"]["id"], id.as_str());
    // Someone outside sees nothing, by id or by slug.
    assert_error(app.get_bearer(&format!("/api/chats/{id}"), &outsider).await, 404).await;
    assert_error(app.get_bearer(&format!("/api/chats/by-slug/{slug}"), &outsider).await, 404).await;
}

#[tokio::test]
async fn group_names_are_validated() {
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    for name in ["", "   ", &"x".repeat(101)] {
        let res = app.post_bearer("/api/chats/group", &owner, json!({"name": name, "participantIds": []})).await;
        assert_eq!(assert_error(res, 400).await, "invalid_group_name");
    }
    let res = app
        .post_bearer("/api/chats/group", &owner, json!({"name": "x", "participantIds": [uuid::Uuid::now_v7()]}))
        .await;
    assert_eq!(assert_error(res, 400).await, "unknown_user");
}

#[tokio::test]
async fn a_group_holds_at_most_300_members() {
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    let seeded = app.seed_users(300).await;
    let refs: Vec<&str> = seeded.iter().map(String::as_str).collect();
    let res = app.post_bearer("/api/chats/group", &owner, json!({"name": "Too big", "participantIds": refs})).await;
    assert_eq!(assert_error(res, 400).await, "too_many_members");
    let id = app.group(&owner, "Full", &refs[..299]).await;
    let res = app.post_bearer(&format!("/api/chats/{id}/members"), &owner, json!({"userIds": [refs[299]]})).await;
    assert_eq!(assert_error(res, 409).await, "group_full");
    let chat = app.json_bearer(&format!("/api/chats/{id}"), &owner).await;
    assert_eq!(chat["chat"]["members"].as_array().unwrap().len(), 300);
}

#[tokio::test]
async fn a_user_is_in_at_most_100_groups() {
    let app = spawn_app().await;
    let busy = app.user("busy").await.token;
    for i in 0..100 {
        app.group(&busy, &format!("Group {i}"), &[]).await;
    }
    let res = app.post_bearer("/api/chats/group", &busy, json!({"name": "One more", "participantIds": []})).await;
    assert_eq!(assert_error(res, 409).await, "too_many_groups");
    // Nobody can add them to another group either.
    let busy_id = app.json_bearer("/api/users/me", &busy).await["user"]["id"].as_str().unwrap().to_owned();
    let other = app.user("other").await.token;
    let id = app.group(&other, "Elsewhere", &[]).await;
    let res = app.post_bearer(&format!("/api/chats/{id}/members"), &other, json!({"userIds": [busy_id]})).await;
    assert_eq!(assert_error(res, 409).await, "too_many_groups");
}

#[tokio::test]
async fn roles_decide_who_manages_a_group() {
    let app = spawn_app().await;
    let TestUser { id: owner_id, token: owner, .. } = app.user("owner").await;
    let TestUser { id: admin_id, token: admin, .. } = app.user("admin").await;
    let TestUser { id: member_id, token: member, .. } = app.user("member").await;
    let late_id = app.user("late").await.id;
    let id = app.group(&owner, "Club", &[&admin_id, &member_id]).await;

    // Members cannot rename or add; only the owner changes roles.
    assert_error(app.patch_bearer(&format!("/api/chats/{id}"), &member, json!({"name": "Mine"})).await, 403).await;
    assert_error(
        app.post_bearer(&format!("/api/chats/{id}/members"), &member, json!({"userIds": [late_id]})).await,
        403,
    )
    .await;
    assert_error(
        app.patch_bearer(&format!("/api/chats/{id}/members/{member_id}"), &admin, json!({"role": "admin"})).await,
        403,
    )
    .await;
    let res = app.patch_bearer(&format!("/api/chats/{id}/members/{admin_id}"), &owner, json!({"role": "admin"})).await;
    assert_eq!(res.status(), 200);
    assert_error(
        app.patch_bearer(&format!("/api/chats/{id}/members/{admin_id}"), &owner, json!({"role": "root"})).await,
        400,
    )
    .await;

    // Admins rename and add, but cannot remove the owner.
    assert_eq!(app.patch_bearer(&format!("/api/chats/{id}"), &admin, json!({"name": "Book Club"})).await.status(), 200);
    assert_eq!(
        app.post_bearer(&format!("/api/chats/{id}/members"), &admin, json!({"userIds": [late_id]})).await.status(),
        200
    );
    assert_error(app.delete_bearer(&format!("/api/chats/{id}/members/{owner_id}"), &admin).await, 403).await;
    assert_eq!(app.delete_bearer(&format!("/api/chats/{id}/members/{late_id}"), &admin).await.status(), 204);

    let chat = app.json_bearer(&format!("/api/chats/{id}"), &member).await["chat"].clone();
    assert_eq!(chat["name"], "Book Club");
    assert_eq!(chat["members"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn ownership_is_handed_over_before_the_owner_leaves() {
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    let TestUser { id: heir_id, token: heir, .. } = app.user("heir").await;
    let id = app.group(&owner, "Estate", &[&heir_id]).await;
    assert_eq!(
        assert_error(app.post_bearer(&format!("/api/chats/{id}/leave"), &owner, json!({})).await, 409).await,
        "owner_must_transfer"
    );
    let res = app.patch_bearer(&format!("/api/chats/{id}/members/{heir_id}"), &owner, json!({"role": "owner"})).await;
    assert_eq!(res.status(), 200);
    let chat: Value = res.json().await.unwrap();
    let roles: Vec<(String, String)> = chat["chat"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"]["username"].as_str().unwrap().to_owned(), m["role"].as_str().unwrap().to_owned()))
        .collect();
    assert!(
        roles.contains(&("heir".into(), "owner".into())) && roles.contains(&("owner".into(), "admin".into())),
        "{roles:?}"
    );
    assert_eq!(app.post_bearer(&format!("/api/chats/{id}/leave"), &owner, json!({})).await.status(), 204);
    assert_error(app.get_bearer(&format!("/api/chats/{id}"), &owner).await, 404).await;
    let list = app.json_bearer("/api/chats", &owner).await;
    assert!(list["chats"].as_array().unwrap().is_empty());
    assert_eq!(
        app.json_bearer(&format!("/api/chats/{id}"), &heir).await["chat"]["members"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn only_the_owner_deletes_a_group() {
    let app = spawn_app().await;
    let owner = app.user("owner").await.token;
    let TestUser { id: member_id, token: member, .. } = app.user("member").await;
    let id = app.group(&owner, "Temporary", &[&member_id]).await;
    assert_error(app.delete_bearer(&format!("/api/chats/{id}"), &member).await, 403).await;
    assert_eq!(app.delete_bearer(&format!("/api/chats/{id}"), &owner).await.status(), 204);
    assert_error(app.get_bearer(&format!("/api/chats/{id}"), &member).await, 404).await;
    assert!(app.json_bearer("/api/chats", &member).await["chats"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_chat_list_is_newest_first_with_previews_and_unread_counts() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob = app.user("bob").await.token;
    let first = app.group(&bob, "First", &[&alice_id]).await;
    let second = app.group(&bob, "Second", &[&alice_id]).await;
    app.say(&bob, &first, "**hello** there").await;
    app.say(&bob, &second, "one").await;
    app.say(&bob, &first, "latest *news*").await;
    let chats = app.json_bearer("/api/chats", &alice).await["chats"].as_array().unwrap().clone();
    assert_eq!(chats[0]["id"], first.as_str());
    assert_eq!(chats[0]["lastMessage"]["snippet"], "latest news");
    assert_eq!(chats[0]["unreadCount"], 2);
    assert_eq!(chats[1]["unreadCount"], 1);
    // Bob's own messages are never unread for him.
    let bobs = app.json_bearer("/api/chats", &bob).await["chats"].as_array().unwrap().clone();
    assert!(bobs.iter().all(|c| c["unreadCount"] == 0));

    assert_eq!(app.post_bearer(&format!("/api/chats/{first}/read"), &alice, json!({"seq": 2})).await.status(), 204);
    let chats = app.json_bearer("/api/chats", &alice).await["chats"].as_array().unwrap().clone();
    assert_eq!(chats[0]["unreadCount"], 0);
    // Read positions never move back, and cannot pass the latest message.
    app.post_bearer(&format!("/api/chats/{first}/read"), &alice, json!({"seq": 1})).await;
    assert_eq!(app.json_bearer("/api/chats", &alice).await["chats"][0]["unreadCount"], 0);
    assert_error(app.post_bearer(&format!("/api/chats/{first}/read"), &alice, json!({"seq": -1})).await, 400).await;
}
