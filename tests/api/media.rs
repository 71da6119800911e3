//! Images: uploads, variants, who may see them, images in messages, avatars, and a corpus
//! of hostile files. Runs on local disk, and on S3 with PARLOR_TEST_STORAGE=s3.

use crate::helpers::{TestApp, TestUser, assert_error, spawn_app};
use crate::images;
use serde_json::{Value, json};

async fn fetch(app: &TestApp, token: &str, url: &str) -> reqwest::Response {
    app.get_bearer(url, token).await
}

async fn dimensions(res: reqwest::Response) -> (u32, u32) {
    let bytes = res.bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    (image.width(), image.height())
}

async fn send_with(app: &TestApp, token: &str, chat: &str, content: &str, media: &[&str]) -> reqwest::Response {
    let body = json!({"content": content, "clientId": uuid::Uuid::now_v7().to_string(), "mediaIds": media});
    app.post_bearer(&format!("/api/chats/{chat}/messages"), token, body).await
}

#[tokio::test]
async fn an_upload_is_stored_in_three_sizes_with_safe_headers() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let media = app.upload_ok(&alice, images::png(1200, 600)).await;
    assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(1200), Some(600)));
    assert_eq!(media["mime"], "image/png");
    assert!(media["size"].as_u64().unwrap() > 0);
    let id = media["id"].as_str().unwrap();
    assert_eq!(media["url"], format!("/api/media/{id}"));

    let thumb = fetch(&app, &alice, media["thumbnailUrl"].as_str().unwrap()).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert_eq!(thumb.headers()["x-content-type-options"], "nosniff");
    assert!(thumb.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(dimensions(thumb).await, (300, 300));
    let medium = fetch(&app, &alice, media["mediumUrl"].as_str().unwrap()).await;
    assert_eq!(dimensions(medium).await, (800, 400));
    let original = fetch(&app, &alice, media["url"].as_str().unwrap()).await;
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(dimensions(original).await, (1200, 600));
}

#[tokio::test]
async fn images_are_visible_to_the_uploader_and_chat_members_only() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let alice = app.user("alice").await.token;
    let carol = app.user("carol").await.token;
    let media = app.upload_ok(&alice, images::png(64, 64)).await;
    let urls: Vec<String> =
        ["url", "mediumUrl", "thumbnailUrl"].iter().map(|k| media[*k].as_str().unwrap().to_owned()).collect();
    // Not sent yet: only Alice sees it.
    for url in &urls {
        assert_eq!(fetch(&app, &alice, url).await.status(), 200);
        assert_error(fetch(&app, &bob, url).await, 404).await;
    }
    let chat = app.group(&alice, "Photos", &[&bob_id]).await;
    let sent = send_with(&app, &alice, &chat, "", &[media["id"].as_str().unwrap()]).await;
    assert_eq!(sent.status(), 201);
    for url in &urls {
        assert_eq!(fetch(&app, &bob, url).await.status(), 200, "member sees {url}");
        assert_error(fetch(&app, &carol, url).await, 404).await;
        let anonymous = app.program().get(app.url(url)).send().await.unwrap();
        assert_error(anonymous, 401).await;
    }
    // A member who leaves stops seeing the chat's images.
    let left = app.post_bearer(&format!("/api/chats/{chat}/leave"), &bob, json!({})).await;
    assert_eq!(left.status(), 204);
    assert_error(fetch(&app, &bob, &urls[2]).await, 404).await;
    assert_error(fetch(&app, &alice, "/api/media/00000000-0000-0000-0000-000000000000").await, 404).await;
    assert_error(fetch(&app, &alice, "/api/media/not-a-uuid/thumbnail").await, 404).await;
}

#[tokio::test]
async fn messages_carry_up_to_five_of_your_own_unsent_images() {
    let app = spawn_app().await;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Album", &[&bob_id]).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(app.upload_ok(&alice, images::png(32, 32)).await["id"].as_str().unwrap().to_owned());
    }
    let six: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(assert_error(send_with(&app, &alice, &chat, "too many", &six).await, 400).await, "too_many_images");
    let bobs = app.upload_ok(&bob, images::png(32, 32)).await;
    let theirs = send_with(&app, &alice, &chat, "not mine", &[bobs["id"].as_str().unwrap()]).await;
    assert_eq!(assert_error(theirs, 400).await, "invalid_media");
    assert_eq!(assert_error(send_with(&app, &alice, &chat, "", &[]).await, 400).await, "empty_message");

    // A photo needs no caption; the message lists its images in order, live and in history.
    let res = send_with(&app, &alice, &chat, "", &six[..5]).await;
    assert_eq!(res.status(), 201);
    let message: Value = res.json().await.unwrap();
    let listed: Vec<&str> =
        message["message"]["media"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(listed, six[..5]);
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &bob).await;
    assert_eq!(history["messages"][0]["media"].as_array().unwrap().len(), 5);
    assert_eq!(history["messages"][0]["media"][0]["width"], 32);
    // Sent once, an image cannot be sent again; nothing was stored for the refused sends.
    let again = send_with(&app, &alice, &chat, "again", &[six[0]]).await;
    assert_eq!(assert_error(again, 400).await, "invalid_media");
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    let chats = app.json_bearer("/api/chats", &bob).await;
    assert_eq!(chats["chats"][0]["lastMessage"]["snippet"], "📷 Photo");
}

#[tokio::test]
async fn deleting_a_message_deletes_its_images() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Oops", &[]).await;
    let media = app.upload_ok(&alice, images::png(50, 50)).await;
    let id = media["id"].as_str().unwrap();
    let res = send_with(&app, &alice, &chat, "wrong photo", &[id]).await;
    let message: Value = res.json().await.unwrap();
    let message_id = message["message"]["id"].as_str().unwrap();
    assert!(app.on_s3() || app.data_dir.join(format!("media/{id}")).is_dir());
    let deleted = app.delete_bearer(&format!("/api/messages/{message_id}"), &alice).await;
    assert_eq!(deleted.status(), 204);
    for key in ["url", "mediumUrl", "thumbnailUrl"] {
        assert_error(fetch(&app, &alice, media[key].as_str().unwrap()).await, 404).await;
    }
    assert!(!app.data_dir.join(format!("media/{id}")).exists());
    let history = app.json_bearer(&format!("/api/chats/{chat}/messages"), &alice).await;
    assert_eq!(history["messages"][0]["media"], json!([]));
}

#[tokio::test]
async fn avatars_show_to_everyone_signed_in_and_group_avatars_to_members() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let bob = app.user("bob").await.token;
    let picture = app.upload_ok(&alice, images::png(400, 300)).await;
    let res = app.patch_bearer("/api/users/me", &alice, json!({"avatarMediaId": picture["id"]})).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    let avatar = me["user"]["avatarUrl"].as_str().unwrap().to_owned();
    assert_eq!(avatar, picture["thumbnailUrl"].as_str().unwrap());
    assert_eq!(fetch(&app, &bob, &avatar).await.status(), 200, "a stranger sees a profile picture");
    // Someone else's upload cannot become your avatar.
    let stolen = app.patch_bearer("/api/users/me", &bob, json!({"avatarMediaId": picture["id"]})).await;
    assert_eq!(assert_error(stolen, 400).await, "invalid_media");

    let group = app.group(&alice, "Team", &[]).await;
    let logo = app.upload_ok(&alice, images::png(200, 200)).await;
    let res = app.patch_bearer(&format!("/api/chats/{group}"), &alice, json!({"avatarMediaId": logo["id"]})).await;
    assert_eq!(res.status(), 200);
    let chat: Value = res.json().await.unwrap();
    let logo_url = chat["chat"]["avatarUrl"].as_str().unwrap().to_owned();
    assert_error(fetch(&app, &bob, &logo_url).await, 404).await;
}

#[tokio::test]
async fn exif_orientation_is_applied_and_gps_is_stripped() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let upload = images::jpeg_with_gps();
    assert!(upload.windows(24).any(|w| w == images::GPS_LATITUDE), "the fixture carries GPS");
    let res = app.upload(&alice, upload, "holiday.jpg", "image/jpeg").await;
    assert_eq!(res.status(), 201);
    let media: Value = res.json().await.unwrap();
    // Stored 40 × 20 with "turn 90° clockwise": it is 20 × 40 upright.
    assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(20), Some(40)));
    assert_eq!(media["mime"], "image/jpeg");
    for key in ["url", "mediumUrl", "thumbnailUrl"] {
        let bytes = fetch(&app, &alice, media[key].as_str().unwrap()).await.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{key} has no EXIF");
        assert!(!bytes.windows(24).any(|w| w == images::GPS_LATITUDE), "{key} has no GPS");
    }
    let original = fetch(&app, &alice, media["url"].as_str().unwrap()).await.bytes().await.unwrap();
    let upright = image::load_from_memory(&original).unwrap().to_rgb8();
    // Red was on the left; turned clockwise, it is on top.
    let top = upright.get_pixel(10, 5);
    let bottom = upright.get_pixel(10, 34);
    assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "bottom is blue: {bottom:?}");
}
