//! spawn_app: a real server on port 0 with its own data folder and its own database
//! (a SQLite file, or a fresh PostgreSQL database dropped afterwards when PARLOR_TEST_DB=postgres).

use parlor::platform::config::Settings;
use parlor::server::Server;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct TestApp {
    pub base: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    server: Option<Server>,
    pg_database: Option<String>,
    /// The settings it started with, for starting more instances of the same deployment.
    args: Vec<String>,
}

fn pg_base() -> String {
    std::env::var("PARLOR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

pub fn on_postgres() -> bool {
    std::env::var("PARLOR_TEST_DB").is_ok_and(|v| v == "postgres")
}

pub async fn spawn_app() -> TestApp {
    spawn_with(&[]).await
}

/// Starts a server; `overrides` are settings flags without dashes, e.g. ("limit-anon-per-minute", "3").
pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestApp {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("parlor-test-{id}"));
    let (database_url, pg_database) = if on_postgres() {
        let name = format!("parlor_test_{id}");
        admin_exec(&format!("CREATE DATABASE {name}")).await;
        (format!("{}/{name}", pg_base()), Some(name))
    } else {
        (format!("sqlite://{}/parlor.db?mode=rwc", data_dir.display()), None)
    };
    let mut flags: BTreeMap<&str, String> = BTreeMap::from([
        ("ip", "127.0.0.1".to_owned()),
        ("port", "0".to_owned()),
        ("data-dir", data_dir.display().to_string()),
        ("database-url", database_url.clone()),
        ("log-filter", "warn".to_owned()),
        ("limit-api-per-minute", "0".to_owned()),
        ("limit-anon-per-minute", "0".to_owned()),
    ]);
    // PARLOR_TEST_STORAGE=s3: images go to a fresh bucket on the S3 server the Makefile started.
    if std::env::var("PARLOR_TEST_STORAGE").is_ok_and(|v| v == "s3") {
        let endpoint = std::env::var("PARLOR_TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:9090".to_owned());
        flags.insert("s3-endpoint", endpoint);
        flags.insert("s3-bucket", format!("parlor-test-{id}"));
        flags.insert("s3-access-key-id", "test".to_owned());
        flags.insert("s3-secret-access-key", "test".to_owned());
    }
    for (k, v) in overrides {
        flags.insert(k, (*v).to_owned());
    }
    let args: Vec<String> = flags.into_iter().flat_map(|(k, v)| [format!("--{k}"), v]).collect();
    let settings = Settings::from_args(args.clone()).expect("test settings");
    let server = parlor::server::start(settings).await.expect("server starts");
    TestApp { base: format!("http://{}", server.addr), data_dir, database_url, server: Some(server), pg_database, args }
}

async fn admin_exec(sql: &str) {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(format!("{}/postgres", pg_base())).await.expect("admin connection");
    admin.execute_unprepared(sql).await.expect("admin statement");
    admin.close().await.ok();
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let server = self.server.take();
        let db = self.pg_database.take();
        let dir = self.data_dir.clone();
        // Drop runs outside async; a helper thread with its own runtime does the async cleanup.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(async move {
                    drop(server);
                    if let Some(name) = db {
                        admin_exec(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    }
                });
            }
            let _ = std::fs::remove_dir_all(dir);
        })
        .join();
    }
}

/// The Redis the cluster tests use; each test gets its own key prefix.
pub fn redis_url() -> String {
    std::env::var("PARLOR_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

impl TestApp {
    /// Another instance of the same deployment: same database, data folder (so the same
    /// secrets) and settings, on its own port.
    pub async fn peer(&self) -> Server {
        let settings = Settings::from_args(self.args.clone()).expect("peer settings");
        parlor::server::start(settings).await.expect("peer starts")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies and says where requests come from.
    pub fn browser(&self) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", self.base.parse().expect("origin header"));
        Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A program: no cookies, no Origin, no redirects followed.
    pub fn program(&self) -> Client {
        Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    pub async fn register(&self, username: &str, password: &str) -> Value {
        let res = self
            .program()
            .post(self.url("/api/auth/register"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("register request");
        assert_eq!(res.status(), StatusCode::CREATED, "registering {username}");
        res.json().await.expect("register body")
    }

    /// Logs in as a program and returns the login body (tokens and user).
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let res = self.login_with(&self.program(), username, password).await;
        assert_eq!(res.status(), StatusCode::OK, "logging in {username}");
        res.json().await.expect("login body")
    }

    pub async fn login_with(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    /// A registered and signed-in user.
    pub async fn user(&self, username: &str) -> TestUser {
        self.register(username, "password123").await;
        let body = self.login(username, "password123").await;
        TestUser {
            id: body["user"]["id"].as_str().expect("id").to_owned(),
            token: body["accessToken"].as_str().expect("access").to_owned(),
            refresh: body["refreshToken"].as_str().expect("refresh").to_owned(),
        }
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Response {
        self.program().get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }
}

/// Asserts a 4xx response with the API's error body and returns its code.
/// A signed-in test user: its id and the tokens its sign-in gave.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    /// The access token (`Authorization: Bearer`).
    pub token: String,
    pub refresh: String,
}

pub async fn assert_error(res: Response, status: u16) -> String {
    assert_eq!(res.status().as_u16(), status, "status");
    let body: Value = res.json().await.expect("error body is JSON");
    let code = body["error"]["code"].as_str().expect("error.code").to_owned();
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "error.message in {body}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "only the error key: {body}");
    code
}

impl TestApp {
    /// Inserts users straight into the database (no password hashing): for limits that need hundreds.
    pub async fn seed_users(&self, count: usize) -> Vec<String> {
        use sea_orm::{ActiveModelTrait, Set};
        let db = sea_orm::Database::connect(&self.database_url).await.expect("db");
        let now = chrono::Utc::now();
        let mut ids = Vec::with_capacity(count);
        for _ in 0..count {
            let id = uuid::Uuid::now_v7();
            let name = format!("seed{}", id.simple());
            parlor::platform::entity::user::ActiveModel {
                id: Set(id),
                username: Set(name.clone()),
                username_lower: Set(name.clone()),
                password_hash: Set("unusable".into()),
                display_name: Set(name),
                avatar_media_id: Set(None),
                status: Set("offline".into()),
                last_seen_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&db)
            .await
            .expect("seed user");
            ids.push(id.to_string());
        }
        db.close().await.ok();
        ids
    }

    pub async fn post_bearer(&self, path: &str, token: &str, body: Value) -> Response {
        self.program().post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")
    }

    pub async fn patch_bearer(&self, path: &str, token: &str, body: Value) -> Response {
        self.program().patch(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")
    }

    pub async fn delete_bearer(&self, path: &str, token: &str) -> Response {
        self.program().delete(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    pub async fn json_bearer(&self, path: &str, token: &str) -> Value {
        let res = self.get_bearer(path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("json")
    }

    /// A group owned by `token`'s user with the given other members; returns its id.
    pub async fn group(&self, token: &str, name: &str, members: &[&str]) -> String {
        let res = self.post_bearer("/api/chats/group", token, json!({"name": name, "participantIds": members})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.expect("group");
        body["chat"]["id"].as_str().expect("id").to_owned()
    }

    /// Uploads a file as `POST /api/media` does from a browser form.
    pub async fn upload(&self, token: &str, bytes: Vec<u8>, file_name: &str, mime: &str) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()).mime_str(mime).expect("mime");
        let form = reqwest::multipart::Form::new().part("file", part);
        self.program()
            .post(self.url("/api/media"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload request")
    }

    /// Uploads an image that must be accepted; returns the media JSON.
    pub async fn upload_ok(&self, token: &str, bytes: Vec<u8>) -> Value {
        let res = self.upload(token, bytes, "photo.png", "image/png").await;
        assert_eq!(res.status(), StatusCode::CREATED, "upload");
        res.json().await.expect("media")
    }

    pub fn on_s3(&self) -> bool {
        std::env::var("PARLOR_TEST_STORAGE").is_ok_and(|v| v == "s3")
    }

    /// Sends a message and returns it.
    pub async fn say(&self, token: &str, chat: &str, text: &str) -> Value {
        let client_id = uuid::Uuid::now_v7().to_string();
        let res = self
            .post_bearer(&format!("/api/chats/{chat}/messages"), token, json!({"content": text, "clientId": client_id}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "sending {text}");
        let body: Value = res.json().await.expect("message");
        body["message"].clone()
    }
}
