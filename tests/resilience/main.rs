//! Real server processes sharing one PostgreSQL database and one Redis, under a stream of
//! sends from members on every instance, while things break: an instance killed with SIGKILL,
//! Redis gone for five seconds, every instance restarted in turn with SIGTERM.
//! What must hold each time: every acknowledged message is stored exactly once, seqs have no
//! gaps, and every member ends with exactly the server's history and never got a frame twice.
//! crash.rs: one process killed again and again, on SQLite and on PostgreSQL. failfast.rs and
//! storage_outage.rs: PostgreSQL, Redis or S3 silent or refusing, behind a forwarder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cluster;
mod crash;
mod failfast;
mod forwarder;
mod member;
mod outbox;
mod storage_outage;

use cluster::{Cluster, free_port};
use member::{View, follow, history, send_all};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;
use tokio::process::Command;
use tokio::sync::watch;

fn redis_url() -> String {
    std::env::var("PARLOR_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

const MEMBERS: [&str; 3] = ["alice", "bob", "carol"];

/// Three members in one group, and the instance list rotated so member i prefers node i.
async fn group(cluster: &Cluster) -> (String, Vec<String>, Vec<Vec<String>>) {
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for name in MEMBERS {
        let (id, token) = cluster.user(name).await;
        ids.push(id);
        tokens.push(token);
    }
    let base = &cluster.nodes[0].base;
    let res = reqwest::Client::new()
        .post(format!("{base}/api/chats/group"))
        .bearer_auth(&tokens[0])
        .json(&json!({"name": "Stream", "participantIds": [ids[1], ids[2]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let chat = res.json::<Value>().await.unwrap()["chat"]["id"].as_str().unwrap().to_owned();
    let bases: Vec<String> = cluster.nodes.iter().map(|n| n.base.clone()).collect();
    let preferred = (0..MEMBERS.len())
        .map(|i| bases.iter().cycle().skip(i % bases.len()).take(bases.len()).cloned().collect())
        .collect();
    (chat, tokens, preferred)
}

struct Load {
    senders: Vec<tokio::task::JoinHandle<Vec<String>>>,
    followers: Vec<tokio::task::JoinHandle<View>>,
    stop: watch::Sender<bool>,
}

fn start_load(chat: &str, tokens: &[String], preferred: &[Vec<String>], count: usize, gap: Duration) -> Load {
    let (stop, stopped) = watch::channel(false);
    let followers = (0..MEMBERS.len())
        .map(|i| tokio::spawn(follow(preferred[i].clone(), tokens[i].clone(), chat.to_owned(), stopped.clone())))
        .collect();
    let senders = (0..MEMBERS.len())
        .map(|i| {
            tokio::spawn(send_all(
                preferred[i].clone(),
                tokens[i].clone(),
                chat.to_owned(),
                MEMBERS[i].to_owned(),
                count,
                gap,
            ))
        })
        .collect();
    Load { senders, followers, stop }
}

/// Waits for the load to end, then checks the server's history and every member's view.
async fn check(load: Load, bases: &[String], token: &str, chat: &str, expected: usize) {
    let mut acked = Vec::new();
    for sender in load.senders {
        acked.extend(sender.await.expect("sender"));
    }
    // Let the last live frames land before the members stop listening.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    load.stop.send(true).expect("stop");
    let mut views = Vec::new();
    for follower in load.followers {
        views.push(follower.await.expect("follower"));
    }

    let stored = history(bases, token, chat, 0).await;
    let seqs: Vec<i64> = stored.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=stored.len() as i64).collect::<Vec<_>>(), "seqs without gaps");
    assert_eq!(stored.len(), expected, "every send stored once");
    let client_ids: HashSet<&str> = stored.iter().map(|m| m["clientId"].as_str().unwrap()).collect();
    assert_eq!(client_ids.len(), expected, "no duplicates");
    let stored_ids: HashSet<&str> = stored.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(acked.len(), expected);
    assert!(acked.iter().all(|id| stored_ids.contains(id.as_str())), "every acknowledged message is stored");
    for (name, view) in MEMBERS.iter().zip(&views) {
        assert!(view.duplicates.is_empty(), "{name} got frames twice: {:?}", view.duplicates);
        let seen: Vec<(i64, &str)> = view.seen.iter().map(|(s, id)| (*s, id.as_str())).collect();
        let truth: Vec<(i64, &str)> =
            stored.iter().map(|m| (m["seq"].as_i64().unwrap(), m["id"].as_str().unwrap())).collect();
        assert_eq!(seen, truth, "{name} ends with the server's history");
        println!("{name}: {} messages, {} reconnects", view.seen.len(), view.reconnects);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_killed_mid_stream_loses_and_duplicates_nothing() {
    let mut cluster = Cluster::start(3, &redis_url()).await;
    let (chat, tokens, preferred) = group(&cluster).await;
    let bases: Vec<String> = cluster.nodes.iter().map(|n| n.base.clone()).collect();
    let load = start_load(&chat, &tokens, &preferred, 25, Duration::from_millis(20));
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.nodes[2].kill().await;
    check(load, &bases, &tokens[0], &chat, 75).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_under_load_loses_and_duplicates_nothing() {
    let mut cluster = Cluster::start(3, &redis_url()).await;
    let (chat, tokens, preferred) = group(&cluster).await;
    let bases: Vec<String> = cluster.nodes.iter().map(|n| n.base.clone()).collect();
    let load = start_load(&chat, &tokens, &preferred, 40, Duration::from_millis(25));
    for i in 0..cluster.nodes.len() {
        tokio::time::sleep(Duration::from_millis(150)).await;
        cluster.nodes[i].terminate().await;
        let port = cluster.nodes[i].port;
        cluster.nodes[i] = cluster.spawn(port).await;
    }
    check(load, &bases, &tokens[0], &chat, 120).await;
}

/// A Redis of this test's own, so stopping it disturbs no other test.
struct PrivateRedis {
    port: u16,
    child: Option<tokio::process::Child>,
}

impl PrivateRedis {
    async fn start(port: u16) -> Self {
        let mut redis = PrivateRedis { port, child: None };
        redis.resume().await;
        redis
    }

    async fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not come up");
    }

    async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("stop redis");
        }
    }
}

async fn readiness(base: &str) -> (u16, Value) {
    let res = reqwest::Client::new().get(format!("{base}/health/ready")).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn wait_for_readiness(base: &str, status: u16) -> Value {
    for _ in 0..100 {
        let (now, body) = readiness(base).await;
        if now == status {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("readiness never became {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_redis_outage_loses_nothing_and_readiness_reports_it() {
    let mut redis = PrivateRedis::start(free_port()).await;
    let cluster = Cluster::start(2, &format!("redis://127.0.0.1:{}", redis.port)).await;
    let (chat, tokens, preferred) = group(&cluster).await;
    let bases: Vec<String> = cluster.nodes.iter().map(|n| n.base.clone()).collect();
    let load = start_load(&chat, &tokens, &preferred, 60, Duration::from_millis(100));
    tokio::time::sleep(Duration::from_millis(500)).await;

    redis.stop().await;
    let down = wait_for_readiness(&bases[0], 503).await;
    assert_eq!(down["checks"]["redis"], "down");
    assert_eq!(down["checks"]["database"], "ok");
    tokio::time::sleep(Duration::from_secs(5)).await;
    redis.resume().await;
    let up = wait_for_readiness(&bases[0], 200).await;
    assert_eq!(up["checks"]["redis"], "ok");

    check(load, &bases, &tokens[0], &chat, 180).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_users_of_a_dead_instance_go_offline_within_the_presence_ttl() {
    let mut cluster = Cluster::start_with(2, &redis_url(), &[("PRESENCE_TTL", "3")]).await;
    let (_, alice) = cluster.user("alice").await;
    let (bob_id, bob) = cluster.user("bob").await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/chats/direct", cluster.nodes[0].base))
        .bearer_auth(&alice)
        .json(&json!({"userId": bob_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ws = |base: &str, token: &str| format!("{}/api/ws?token={token}", base.replacen("http", "ws", 1));
    let (mut watcher, _) = tokio_tungstenite::connect_async(ws(&cluster.nodes[0].base, &alice)).await.unwrap();
    let (_bob_socket, _) = tokio_tungstenite::connect_async(ws(&cluster.nodes[1].base, &bob)).await.unwrap();
    let status_of_bob = |frame: &Value| {
        (frame["type"] == "presence" && frame["data"]["userId"] == bob_id.as_str())
            .then(|| frame["data"]["status"].as_str().unwrap_or_default().to_owned())
    };
    next_matching(&mut watcher, |f| status_of_bob(f).filter(|s| s == "online"), Duration::from_secs(5))
        .await
        .expect("bob online");

    // Bob's instance dies without a word; within the TTL and a sweep, he is offline.
    cluster.nodes[1].kill().await;
    let started = tokio::time::Instant::now();
    next_matching(&mut watcher, |f| status_of_bob(f).filter(|s| s == "offline"), Duration::from_secs(10))
        .await
        .expect("bob offline");
    println!("offline {:?} after the kill (TTL 3 s)", started.elapsed());
}

/// The first frame for which `pick` says something, within `wait`.
async fn next_matching<T>(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    pick: impl Fn(&Value) -> Option<T>,
    wait: Duration,
) -> Option<T> {
    use futures::StreamExt;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        let message = tokio::time::timeout(left, socket.next()).await.ok()??.ok()?;
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message
            && let Ok(frame) = serde_json::from_str::<Value>(text.as_str())
            && let Some(found) = pick(&frame)
        {
            return Some(found);
        }
    }
}
