//! The world every row runs in, built once per server: five people with their relations, a
//! group with roles, a direct chat closed by a block, messages, images, a signed-out device and
//! an expired token. Destructive rows ask for fresh targets (a group to delete, a message to
//! erase, a session to end) so that cells can run in any order and at the same time.

use super::Actor;
use crate::helpers::{TestApp, TestUser};
use crate::tokens::forge;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{Value, json};
use std::sync::Mutex;

pub const PASSWORD: &str = "password123";

pub struct Person {
    pub id: String,
    pub name: &'static str,
    pub token: String,
}

pub struct World {
    pub owner: Person,
    pub admin: Person,
    pub member: Person,
    pub stranger: Person,
    pub removed: Person,
    pub blocked: Person,
    /// The member's second device, signed out from the first.
    pub revoked: String,
    /// The member's first device's session, in a token whose `exp` has passed.
    pub expired: String,
    pub group: String,
    pub slug: String,
    pub group_name: String,
    /// The owner's direct chat with the person they then blocked.
    pub direct: String,
    /// The owner's message in it, and the blocked person's answer (both from before the block).
    pub direct_message: String,
    pub blocked_message: String,
    pub reply_text: String,
    /// The member's message in the group, edited once (so it has a history).
    pub message: String,
    pub message_text: String,
    /// The member's image, sent in the group.
    pub media_sent: String,
    /// The member's image, uploaded and never sent: the uploader's alone.
    pub media_unsent: String,
    /// Text no one outside the group or the direct chat may ever receive.
    pub secrets: Vec<String>,
    db: DatabaseConnection,
    /// Users inserted straight into the database, handed out one per destructive cell.
    pool: Mutex<Vec<String>>,
}

async fn person(app: &TestApp, name: &'static str) -> Person {
    let TestUser { id, token, .. } = app.user(name).await;
    Person { id, name, token }
}

fn sid_of(token: &str) -> String {
    forge::decode_part(&forge::parts(token)[1])["sid"].as_str().expect("sid").to_owned()
}

async fn ok(res: reqwest::Response, status: u16, what: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "{what}");
    res.json().await.unwrap_or(Value::Null)
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let (owner, admin, member, stranger, removed, blocked) = tokio::join!(
            person(app, "owner"),
            person(app, "admin"),
            person(app, "member"),
            person(app, "stranger"),
            person(app, "removed"),
            person(app, "blocked")
        );
        let tag = &uuid::Uuid::now_v7().simple().to_string()[20..];
        let group_name = format!("Council {tag}");
        let group = app.group(&owner.token, &group_name, &[&admin.id, &member.id, &blocked.id, &removed.id]).await;
        let parting = format!("parting words {tag}");
        app.say(&removed.token, &group, &parting).await;
        ok(
            app.delete_bearer(&format!("/api/chats/{group}/members/{}", removed.id), &owner.token).await,
            204,
            "removing",
        )
        .await;
        let res = app
            .patch_bearer(&format!("/api/chats/{group}/members/{}", admin.id), &owner.token, json!({"role": "admin"}))
            .await;
        ok(res, 200, "making the admin").await;
        let chat = app.json_bearer(&format!("/api/chats/{group}"), &owner.token).await;
        let slug = chat["chat"]["slug"].as_str().expect("slug").to_owned();

        let res = app.post_bearer("/api/chats/direct", &owner.token, json!({"userId": blocked.id})).await;
        let direct = ok(res, 201, "opening the direct chat").await["chat"]["id"].as_str().expect("direct").to_owned();
        let direct_text = format!("direct whisper {tag}");
        let direct_message = app.say(&owner.token, &direct, &direct_text).await["id"].as_str().expect("id").to_owned();
        let reply_text = format!("direct reply {tag}");
        let blocked_message =
            app.say(&blocked.token, &direct, &reply_text).await["id"].as_str().expect("id").to_owned();
        ok(app.post_bearer(&format!("/api/blocks/{}", blocked.id), &owner.token, json!({})).await, 204, "blocking")
            .await;

        let draft = format!("first draft {tag}");
        let message = app.say(&member.token, &group, &draft).await["id"].as_str().expect("message id").to_owned();
        let message_text = format!("launch code {tag}");
        let res = app
            .patch_bearer(&format!("/api/messages/{message}"), &member.token, json!({"content": message_text}))
            .await;
        ok(res, 200, "editing").await;

        let png = crate::images::png(8, 8);
        let media_sent = app.upload_ok(&member.token, png.clone()).await["id"].as_str().expect("media").to_owned();
        let media_unsent = app.upload_ok(&member.token, png).await["id"].as_str().expect("media").to_owned();
        let caption = format!("holiday photo {tag}");
        let body = json!({"content": caption, "clientId": uuid::Uuid::now_v7().to_string(), "mediaIds": [media_sent]});
        ok(
            app.post_bearer(&format!("/api/chats/{group}/messages"), &member.token, body).await,
            201,
            "sending the photo",
        )
        .await;

        let second = app.login(member.name, PASSWORD).await;
        let revoked = second["accessToken"].as_str().expect("access").to_owned();
        let res = app.delete_bearer(&format!("/api/sessions/{}", sid_of(&revoked)), &member.token).await;
        ok(res, 204, "signing the second device out").await;
        let key = std::fs::read(app.data_dir.join("secrets").join("jwt.key")).expect("JWT key in DATA_DIR");
        let past = forge::now() - 3600;
        let claims = forge::with(
            forge::claims(&member.id, &sid_of(&member.token)),
            json!({"iat": past - 900, "nbf": past - 900, "exp": past}),
        );
        let expired = forge::hs256(&key, &claims);

        let db = sea_orm::Database::connect(&app.database_url).await.expect("db");
        let pool = Mutex::new(app.seed_users(120).await);
        let secrets = vec![
            group_name.clone(),
            slug.clone(),
            direct_text,
            reply_text.clone(),
            draft,
            message_text.clone(),
            caption,
            parting,
        ];
        World {
            owner,
            admin,
            member,
            stranger,
            removed,
            blocked,
            revoked,
            expired,
            group,
            slug,
            group_name,
            direct,
            direct_message,
            blocked_message,
            reply_text,
            message,
            message_text,
            media_sent,
            media_unsent,
            secrets,
            db,
            pool,
        }
    }

    /// The access token the actor sends, if any.
    pub fn token(&self, actor: Actor) -> Option<&str> {
        Some(match actor {
            Actor::Anonymous => return None,
            Actor::Revoked => &self.revoked,
            Actor::Expired => &self.expired,
            Actor::Stranger => &self.stranger.token,
            Actor::Removed => &self.removed.token,
            Actor::Blocked => &self.blocked.token,
            Actor::Member => &self.member.token,
            Actor::Admin => &self.admin.token,
            Actor::Owner => &self.owner.token,
        })
    }

    /// The signed-in person behind the actor (the member for their own stale credentials).
    pub fn person(&self, actor: Actor) -> Option<&Person> {
        match actor {
            Actor::Anonymous => None,
            Actor::Revoked | Actor::Expired | Actor::Member => Some(&self.member),
            Actor::Stranger => Some(&self.stranger),
            Actor::Removed => Some(&self.removed),
            Actor::Blocked => Some(&self.blocked),
            Actor::Admin => Some(&self.admin),
            Actor::Owner => Some(&self.owner),
        }
    }

    /// A user no one knows, who never signs in: someone to add, remove, block or be asked by.
    pub fn fresh_user(&self) -> String {
        self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop().expect("the seeded pool is big enough")
    }

    /// A new group like the world's: the owner, the admin, the member and the blocked person.
    pub async fn fresh_group(&self, app: &TestApp) -> String {
        let others = [self.admin.id.as_str(), self.member.id.as_str(), self.blocked.id.as_str()];
        let id = app.group(&self.owner.token, &format!("Spare {}", self.group_name), &others).await;
        let res = app
            .patch_bearer(
                &format!("/api/chats/{id}/members/{}", self.admin.id),
                &self.owner.token,
                json!({"role": "admin"}),
            )
            .await;
        ok(res, 200, "making the admin").await;
        id
    }

    /// A new message of the member's in the group: (id, text).
    pub async fn fresh_message(&self, app: &TestApp) -> (String, String) {
        let text = format!("doomed note {}", uuid::Uuid::now_v7().simple());
        (app.say(&self.member.token, &self.group, &text).await["id"].as_str().expect("id").to_owned(), text)
    }

    /// A fresh user added to the group by the owner, as a plain member.
    pub async fn fresh_group_member(&self, app: &TestApp) -> String {
        let user = self.fresh_user();
        let res = app
            .post_bearer(&format!("/api/chats/{}/members", self.group), &self.owner.token, json!({"userIds": [user]}))
            .await;
        ok(res, 200, "adding a member").await;
        user
    }

    /// A new device of the actor's person: (access token, refresh token).
    pub async fn fresh_login(&self, app: &TestApp, actor: Actor) -> Option<(String, String)> {
        let person = self.person(actor)?;
        let body = app.login(person.name, PASSWORD).await;
        Some((body["accessToken"].as_str()?.to_owned(), body["refreshToken"].as_str()?.to_owned()))
    }

    /// A new device of the member's: its session id.
    pub async fn fresh_member_session(&self, app: &TestApp) -> String {
        let body = app.login(self.member.name, PASSWORD).await;
        sid_of(body["accessToken"].as_str().expect("access"))
    }

    /// A pending contact request from a fresh user to the member, as the server stores one:
    /// (the request id, the requester).
    pub async fn fresh_request_to_member(&self) -> (String, String) {
        use parlor::platform::entity::contact;
        let from = self.fresh_user();
        let (a, b): (uuid::Uuid, uuid::Uuid) = (from.parse().expect("uuid"), self.member.id.parse().expect("uuid"));
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        let id = uuid::Uuid::now_v7();
        contact::ActiveModel {
            user_id: Set(low),
            contact_id: Set(high),
            status: Set(parlor::contacts::model::ContactStatus::Pending),
            requested_by: Set(a),
            created_at: Set(chrono::Utc::now()),
            accepted_at: Set(None),
            request_id: Set(Some(id)),
        }
        .insert(&self.db)
        .await
        .expect("a pending request");
        (id.to_string(), from)
    }

    /// A fresh user the owner blocked.
    pub async fn fresh_blocked_by_owner(&self, app: &TestApp) -> String {
        let user = self.fresh_user();
        ok(app.post_bearer(&format!("/api/blocks/{user}"), &self.owner.token, json!({})).await, 204, "blocking").await;
        user
    }
}
