//! The accounts and sessions the negative cases are made from: live ones to steal from or tamper
//! with, and ones that were revoked, logged out, expired or deleted, each in the state the
//! server really leaves them in. The deployment's secrets come from the app's DATA_DIR.

use super::forge;
use crate::helpers::TestApp;
use parlor::platform::entity::{session, user, web_session};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// One signed-in device: the user, its session, its tokens and its browser cookie.
#[derive(Debug, Clone)]
pub struct Device {
    pub user_id: String,
    pub session_id: String,
    pub access: String,
    pub refresh: String,
    /// The signed `parlor_session` cookie value the login set.
    pub cookie: String,
}

pub struct Fixture {
    /// `http://127.0.0.1:port`, what a same-site browser sends as Origin.
    pub base: String,
    pub jwt_key: Vec<u8>,
    pub cookie_key: Vec<u8>,
    /// The Web Push public key: the one public key the server hands out.
    pub vapid_public: Vec<u8>,
    /// Alice's main device; stays signed in throughout.
    pub alice: Device,
    /// Bob, another user; stays signed in throughout.
    pub bob: Device,
    /// Alice's second device, signed out from her main one.
    pub revoked: Device,
    /// Alice's third device, which logged out with its cookie.
    pub logged_out: Device,
    /// Alice's device ended by refresh-token reuse; `refresh` is the reused (rotated) token.
    pub reuse_revoked: Device,
    /// Alice's device whose session ran out.
    pub expired: Device,
    /// Alice's device whose browser cookie ran out (the device session itself is live).
    pub stale_cookie: Device,
    /// Dave's device, after Dave logged out everywhere from another one.
    pub everywhere: Device,
    /// Carol's device; Carol's account was then deleted.
    pub deleted: Device,
    /// Alice's device holding a rotated-away refresh token (`refresh`) and the current one.
    pub rotated: Device,
    pub rotated_current: String,
}

async fn sign_in(app: &TestApp, username: &str) -> Device {
    let res = app
        .program()
        .post(app.url("/api/auth/login"))
        .header("origin", &app.base)
        .json(&json!({"username": username, "password": "password123"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200, "logging in {username}");
    let set_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{}=", forge::COOKIE))
                .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        })
        .expect("session cookie");
    let body: Value = res.json().await.expect("login body");
    let access = body["accessToken"].as_str().expect("access").to_owned();
    let claims = forge::decode_part(&forge::parts(&access)[1]);
    Device {
        user_id: body["user"]["id"].as_str().expect("id").to_owned(),
        session_id: claims["sid"].as_str().expect("sid").to_owned(),
        access,
        refresh: body["refreshToken"].as_str().expect("refresh").to_owned(),
        cookie: set_cookie,
    }
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.program()
        .post(app.url("/api/auth/refresh"))
        .json(&json!({"refreshToken": token}))
        .send()
        .await
        .expect("refresh")
}

fn secret(app: &TestApp, name: &str) -> Vec<u8> {
    std::fs::read(app.data_dir.join("secrets").join(name)).expect("secret in DATA_DIR")
}

impl Fixture {
    pub async fn build(app: &TestApp) -> Fixture {
        for name in ["alice", "bob", "carol", "dave"] {
            app.register(name, "password123").await;
        }
        let alice = sign_in(app, "alice").await;
        let bob = sign_in(app, "bob").await;

        let revoked = sign_in(app, "alice").await;
        let res = app.delete_bearer(&format!("/api/sessions/{}", revoked.session_id), &alice.access).await;
        assert_eq!(res.status(), 204);

        let logged_out = sign_in(app, "alice").await;
        let res = app
            .program()
            .post(app.url("/api/auth/logout"))
            .header("origin", &app.base)
            .header("cookie", format!("{}={}", forge::COOKIE, logged_out.cookie))
            .send()
            .await
            .expect("logout");
        assert_eq!(res.status(), 204);

        let mut reuse_revoked = sign_in(app, "alice").await;
        let rotated: Value = refresh(app, &reuse_revoked.refresh).await.json().await.expect("refresh body");
        let reused = refresh(app, &reuse_revoked.refresh).await;
        assert_eq!(reused.status(), 401, "reuse is refused");
        // The token the thief holds now: the newest access token of the revoked session.
        reuse_revoked.access = rotated["accessToken"].as_str().expect("access").to_owned();

        let expired = sign_in(app, "alice").await;
        let stale_cookie = sign_in(app, "alice").await;
        let db = sea_orm::Database::connect(&app.database_url).await.expect("db");
        let past = chrono::Utc::now() - chrono::Duration::days(1);
        session::Entity::update_many()
            .col_expr(session::Column::ExpiresAt, Expr::value(past))
            .filter(session::Column::Id.eq(uuid(&expired.session_id)))
            .exec(&db)
            .await
            .expect("expire a session");
        web_session::Entity::update_many()
            .col_expr(web_session::Column::ExpiresAt, Expr::value(past))
            .filter(web_session::Column::Id.eq(forge::cookie_session_id(&stale_cookie.cookie)))
            .exec(&db)
            .await
            .expect("expire a cookie");

        let everywhere = sign_in(app, "dave").await;
        let other = sign_in(app, "dave").await;
        let res = app
            .program()
            .post(app.url("/api/auth/logout"))
            .bearer_auth(&other.access)
            .json(&json!({"all": true}))
            .send()
            .await
            .expect("logout");
        assert_eq!(res.status(), 204);

        let deleted = sign_in(app, "carol").await;
        user::Entity::delete_by_id(uuid(&deleted.user_id)).exec(&db).await.expect("delete carol");
        db.close().await.ok();

        let rotated = sign_in(app, "alice").await;
        let body: Value = refresh(app, &rotated.refresh).await.json().await.expect("refresh body");
        let rotated_current = body["refreshToken"].as_str().expect("refresh").to_owned();

        let key: Value = app.json_bearer("/api/push/key", &alice.access).await;
        let vapid_public = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            key["publicKey"].as_str().expect("key"),
        )
        .expect("VAPID key");
        Fixture {
            base: app.base.clone(),
            jwt_key: secret(app, "jwt.key"),
            cookie_key: secret(app, "cookie.key"),
            vapid_public,
            alice,
            bob,
            revoked,
            logged_out,
            reuse_revoked,
            expired,
            stale_cookie,
            everywhere,
            deleted,
            rotated,
            rotated_current,
        }
    }

    /// Stand-in values of the right shape, to build the tables without a server (to count them).
    pub fn placeholder() -> Fixture {
        let device = || {
            let (user, sid) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
            let access = forge::hs256(&[1; 64], &forge::claims(&user, &sid));
            let cookie = forge::signed_cookie(&[2; 64], "AAAAAAAAAAAAAAAAAAAAAA");
            Device { user_id: user, session_id: sid, access, refresh: forge::b64([3; 32]), cookie }
        };
        Fixture {
            base: "http://127.0.0.1:1".to_owned(),
            jwt_key: vec![1; 64],
            cookie_key: vec![2; 64],
            vapid_public: vec![4; 65],
            alice: device(),
            bob: device(),
            revoked: device(),
            logged_out: device(),
            reuse_revoked: device(),
            expired: device(),
            stale_cookie: device(),
            everywhere: device(),
            deleted: device(),
            rotated: device(),
            rotated_current: forge::b64([5; 32]),
        }
    }

    /// Claims as the server would issue them for this device.
    pub fn claims_of(&self, device: &Device) -> Value {
        forge::claims(&device.user_id, &device.session_id)
    }

    /// A token correctly signed with the deployment's key over `claims`.
    pub fn signed(&self, claims: &Value) -> String {
        forge::hs256(&self.jwt_key, claims)
    }
}

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().expect("uuid")
}
