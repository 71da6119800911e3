//! A deployment of real server processes: one fresh PostgreSQL database, one Redis key
//! prefix, one data folder (so one set of secrets), each process on its own port.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

fn pg_base() -> String {
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
    child: Child,
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
        let exit = tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await.expect("stops in time").expect("exit status");
        assert!(exit.success(), "a graceful stop exits 0, got {exit}");
    }
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    env: Vec<(&'static str, String)>,
    database: String,
    data_dir: std::path::PathBuf,
}

impl Cluster {
    pub async fn start(count: usize, redis_url: &str) -> Cluster {
        Self::start_with(count, redis_url, &[]).await
    }

    /// The same, with more settings for every process.
    pub async fn start_with(count: usize, redis_url: &str, extra: &[(&'static str, &str)]) -> Cluster {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let database = format!("parlor_test_{id}");
        admin(&format!("CREATE DATABASE {database}")).await;
        let data_dir = std::env::temp_dir().join(format!("parlor-cluster-{id}"));
        let env = vec![
            ("DATA_DIR", data_dir.display().to_string()),
            ("DATABASE_URL", format!("{}/{database}", pg_base())),
            ("REDIS_URL", redis_url.to_owned()),
            ("REDIS_PREFIX", format!("parlor-test-{id}")),
            ("LIMIT_MESSAGES_PER_SECOND", "0".to_owned()),
            ("LIMIT_API_PER_MINUTE", "0".to_owned()),
            ("LIMIT_ANON_PER_MINUTE", "0".to_owned()),
            ("RUST_LOG", "error".to_owned()),
        ];
        let env = env.into_iter().chain(extra.iter().map(|(k, v)| (*k, (*v).to_owned()))).collect();
        let mut cluster = Cluster { nodes: Vec::new(), env, database, data_dir };
        // All at once, as an orchestrator starts replicas: they agree on who migrates the empty
        // database and who writes the shared secrets.
        let ports: Vec<u16> = (0..count).map(|_| free_port()).collect();
        cluster.nodes = futures::future::join_all(ports.into_iter().map(|port| cluster.spawn(port))).await;
        cluster
    }

    /// Starts a process of this deployment on `port` and waits until it serves.
    pub async fn spawn(&self, port: u16) -> Node {
        let child = Command::new(env!("CARGO_BIN_EXE_parlor"))
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("IP", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("DIOXUS_PUBLIC_PATH", self.data_dir.join("no-web-client"))
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("server process starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status() == 200) {
                return Node { child, base, port };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server on port {port} did not come up");
    }

    /// Registers and signs in; returns (user id, access token).
    pub async fn user(&self, name: &str) -> (String, String) {
        let client = reqwest::Client::new();
        let base = &self.nodes[0].base;
        let body = json!({"username": name, "password": "password123"});
        let res = client.post(format!("{base}/api/auth/register")).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let login: Value = client.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap().json().await.unwrap();
        (login["user"]["id"].as_str().unwrap().to_owned(), login["accessToken"].as_str().unwrap().to_owned())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Processes die with their handles (kill_on_drop); then the database goes.
        self.nodes.clear();
        let database = self.database.clone();
        let _ = std::fs::remove_dir_all(&self.data_dir);
        std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Runtime::new() {
                rt.block_on(admin(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")));
            }
        })
        .join()
        .ok();
    }
}
