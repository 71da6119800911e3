//! A deployment of real server processes: one fresh PostgreSQL database (or SQLite in the data
//! folder), one Redis key prefix, one data folder (so one set of secrets), each process on its
//! own port.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub fn pg_base() -> String {
    std::env::var("PARLOR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn admin(sql: &str) {
    let db = sea_orm::Database::connect(format!("{}/postgres", pg_base())).await.expect("admin connection");
    db.execute_unprepared(sql).await.expect("admin statement");
    db.close().await.ok();
}

pub struct Node {
    pub child: Child,
    pub base: String,
    pub port: u16,
}

impl Node {
    /// SIGKILL: no goodbye, no cleanup.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill -9");
    }

    /// SIGTERM, then wait for the process to finish by itself.
    pub async fn terminate(&mut self) {
        let pid = self.child.id().expect("running").to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill -TERM");
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("stops in time")
            .expect("exit status");
        assert!(exit.success(), "a graceful stop exits 0, got {exit}");
    }
}

/// Where a deployment keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// SQLite in the data folder: the one-machine mode, no Redis.
    Sqlite,
    /// A fresh PostgreSQL database, dropped at the end.
    Postgres,
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    env: Vec<(&'static str, String)>,
    database: Option<String>,
    pub data_dir: std::path::PathBuf,
}

impl Cluster {
    pub async fn start(count: usize, redis_url: &str) -> Cluster {
        Self::start_with(count, redis_url, &[]).await
    }

    /// The same, with more settings for every process.
    pub async fn start_with(count: usize, redis_url: &str, extra: &[(&'static str, &str)]) -> Cluster {
        let mut cluster = Self::prepare(Store::Postgres, Some(redis_url), extra).await;
        // All at once, as an orchestrator starts replicas: they agree on who migrates the empty
        // database and who writes the shared secrets.
        let ports: Vec<u16> = (0..count).map(|_| free_port()).collect();
        cluster.nodes = futures::future::join_all(ports.into_iter().map(|port| cluster.spawn(port))).await;
        cluster
    }

    /// A deployment with its database and data folder, and no process yet.
    pub async fn prepare(store: Store, redis_url: Option<&str>, extra: &[(&'static str, &str)]) -> Cluster {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let data_dir = std::env::temp_dir().join(format!("parlor-cluster-{id}"));
        let mut env = vec![
            ("DATA_DIR", data_dir.display().to_string()),
            ("REDIS_PREFIX", format!("parlor-test-{id}")),
            ("LIMIT_MESSAGES_PER_SECOND", "0".to_owned()),
            ("LIMIT_API_PER_MINUTE", "0".to_owned()),
            ("LIMIT_ANON_PER_MINUTE", "0".to_owned()),
            ("RUST_LOG", "error".to_owned()),
        ];
        let database = match store {
            Store::Sqlite => None,
            Store::Postgres => {
                let database = format!("parlor_test_{id}");
                admin(&format!("CREATE DATABASE {database}")).await;
                env.push(("DATABASE_URL", format!("{}/{database}", pg_base())));
                Some(database)
            }
        };
        if let Some(url) = redis_url {
            env.push(("REDIS_URL", url.to_owned()));
        }
        env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        Cluster { nodes: Vec::new(), env, database, data_dir }
    }

    /// The PostgreSQL database's name, when there is one.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Sets (or replaces) a setting for the processes started from now on.
    pub fn set(&mut self, key: &'static str, value: String) {
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value));
    }

    /// Starts a process of this deployment on `port` without waiting for it.
    pub fn launch(&self, port: u16) -> Child {
        Command::new(env!("CARGO_BIN_EXE_parlor"))
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("IP", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("DIOXUS_PUBLIC_PATH", self.data_dir.join("no-web-client"))
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("server process starts")
    }

    /// Starts a process of this deployment on `port` and waits until it serves.
    pub async fn spawn(&self, port: u16) -> Node {
        let mut child = self.launch(port);
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if let Ok(Some(exit)) = child.try_wait() {
                panic!("server on port {port} exited while starting: {exit}");
            }
            if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status() == 200) {
                return Node { child, base, port };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server on port {port} did not come up");
    }

    /// Registers and signs in; returns (user id, access token).
    pub async fn user(&self, name: &str) -> (String, String) {
        register(&self.nodes[0].base, name).await
    }
}

/// Registers and signs in at `base`; returns (user id, access token).
pub async fn register(base: &str, name: &str) -> (String, String) {
    let client = reqwest::Client::new();
    let body = json!({"username": name, "password": "password123"});
    let res = client.post(format!("{base}/api/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let login: Value =
        client.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap().json().await.unwrap();
    (login["user"]["id"].as_str().unwrap().to_owned(), login["accessToken"].as_str().unwrap().to_owned())
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Processes die with their handles (kill_on_drop); then the database goes.
        self.nodes.clear();
        let _ = std::fs::remove_dir_all(&self.data_dir);
        let Some(database) = self.database.clone() else { return };
        std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Runtime::new() {
                rt.block_on(admin(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")));
            }
        })
        .join()
        .ok();
    }
}
