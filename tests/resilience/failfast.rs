//! Fail fast: the server's PostgreSQL or Redis goes silent (a black hole that takes connections
//! and bytes and never answers) or refuses connections, through a forwarder, so the shared real
//! services keep running. Requests must answer within a bound instead of hanging: 503 with the
//! error body when they need the database; as usual when they need only Redis, which makes
//! delivery fast but holds nothing. Readiness says which dependency is down, and everything
//! works again once it is back.
//!
//! The bounds are each wait's default plus 2 s for a loaded machine running a debug build:
//! 3 s DB_ACQUIRE_TIMEOUT + 2 = 5 s for a request that needs the database, 10 s
//! REQUEST_TIMEOUT + 2 = 12 s for one whose query was already on its way when the database went silent,
//! 0.5 s REDIS_TIMEOUT + 1.5 = 2 s for a request while Redis is away, and readiness's 2 s check
//! + 2 = 4 s.

use crate::cluster::{Cluster, Node, Store, free_port, pg_base, register};
use crate::forwarder::{Forwarder, Mode};
use crate::member::history;
use serde_json::{Value, json};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

pub const DATABASE_WITHIN: Duration = Duration::from_secs(5);
const IN_FLIGHT_WITHIN: Duration = Duration::from_secs(12);
const REDIS_WITHIN: Duration = Duration::from_secs(2);
pub const READINESS_WITHIN: Duration = Duration::from_secs(4);
/// How long a dependency that is back may take to be used again.
pub const RECOVERY_WITHIN: Duration = Duration::from_secs(15);

/// host:port of a URL such as postgres://user@127.0.0.1:5432.
pub fn address_of(url: &str, default_port: u16) -> SocketAddr {
    let url = reqwest::Url::parse(url).expect("a URL");
    let host = url.host_str().expect("a host").replace("localhost", "127.0.0.1");
    format!("{host}:{}", url.port().unwrap_or(default_port)).parse().expect("an address")
}

/// Runs `work` and says how long it took.
pub async fn timed<T>(work: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = work.await;
    (out, started.elapsed())
}

/// Status and JSON body; a request that fails outright fails the test (the server must answer).
pub async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let res = request.send().await.expect("the server answers");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A 503 with `{"error": {"code", "message"}}` within `bound`.
pub fn assert_unavailable(what: &str, (status, body): &(u16, Value), took: Duration, bound: Duration, code: &str) {
    assert_eq!(*status, 503, "{what}: {body}");
    assert_eq!(body["error"]["code"], code, "{what}: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    assert!(took <= bound, "{what}: answered after {took:?}, more than {bound:?}");
}

/// Readiness is 503 naming `dependency` as down, within the bound; returns how long it took.
pub async fn assert_not_ready(base: &str, dependency: &str) -> Duration {
    let client = reqwest::Client::new();
    let ((status, body), took) = timed(answer(client.get(format!("{base}/health/ready")))).await;
    assert_eq!(status, 503, "readiness with {dependency} away: {body}");
    assert_eq!(body["checks"][dependency], "down", "{body}");
    assert!(took <= READINESS_WITHIN, "readiness answered after {took:?}");
    took
}

/// Waits until readiness is 200 again; returns how long that took.
pub async fn wait_until_ready(base: &str) -> Duration {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let started = Instant::now();
    while started.elapsed() < RECOVERY_WITHIN {
        if client.get(format!("{base}/health/ready")).send().await.is_ok_and(|r| r.status() == 200) {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not ready within {RECOVERY_WITHIN:?} of the dependency coming back");
}

/// Alice (with a bearer token and, separately, a cookie session) in a direct chat with Bob.
struct Chat {
    base: String,
    token: String,
    cookies: reqwest::Client,
    id: String,
}

async fn chat(node: &Node) -> Chat {
    let base = node.base.clone();
    let (_, token) = register(&base, "alice").await;
    let (bob, _) = register(&base, "bob").await;
    let client = reqwest::Client::new();
    let (status, body) =
        answer(client.post(format!("{base}/api/chats/direct")).bearer_auth(&token).json(&json!({"userId": bob}))).await;
    assert_eq!(status, 201, "{body}");
    let cookies = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = json!({"username": "alice", "password": "password123"});
    assert_eq!(answer(cookies.post(format!("{base}/api/auth/login")).json(&login)).await.0, 200);
    Chat { base, token, cookies, id: body["chat"]["id"].as_str().unwrap().to_owned() }
}

impl Chat {
    fn send(&self, client_id: &str) -> reqwest::RequestBuilder {
        let body = json!({"content": format!("message {client_id}"), "clientId": client_id});
        reqwest::Client::new()
            .post(format!("{}/api/chats/{}/messages", self.base, self.id))
            .bearer_auth(&self.token)
            .json(&body)
    }

    fn list_chats(&self) -> reqwest::RequestBuilder {
        reqwest::Client::new().get(format!("{}/api/chats", self.base)).bearer_auth(&self.token)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_that_goes_silent_or_refuses_gets_503_fast_and_comes_back() {
    let forwarder = Forwarder::start(address_of(&pg_base(), 5432)).await;
    let mut cluster = Cluster::prepare(Store::Postgres, None, &[]).await;
    let database = cluster.database().unwrap().to_owned();
    cluster.set("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{}/{database}", forwarder.port));
    let node = cluster.spawn(free_port()).await;
    let chat = chat(&node).await;
    assert_eq!(answer(chat.send("before")).await.0, 201);

    for mode in [Mode::BlackHole, Mode::Refuse] {
        forwarder.set(mode);
        let what = |request: &str| format!("{request} with the database {mode:?}");
        let (listed, took) = timed(answer(chat.list_chats())).await;
        assert_unavailable(&what("GET /api/chats"), &listed, took, DATABASE_WITHIN, "unavailable");
        let (sent, took_send) = timed(answer(chat.send(&format!("during-{mode:?}")))).await;
        assert_unavailable(&what("POST a message"), &sent, took_send, DATABASE_WITHIN, "unavailable");
        // A cookie session that cannot be read is not a signed-out user: 503, never 401.
        let (by_cookie, took_cookie) = timed(answer(chat.cookies.get(format!("{}/api/chats", chat.base)))).await;
        assert_unavailable(&what("GET /api/chats by cookie"), &by_cookie, took_cookie, DATABASE_WITHIN, "unavailable");
        let ready = assert_not_ready(&chat.base, "database").await;
        println!("database {mode:?}: list {took:?}, send {took_send:?}, cookie {took_cookie:?}, readiness {ready:?}");

        forwarder.set(Mode::Forward);
        let back = wait_until_ready(&chat.base).await;
        let (status, body) = answer(chat.send(&format!("during-{mode:?}"))).await;
        assert_eq!(status, 201, "the message refused while the database was away is stored once it is back: {body}");
        println!("database back from {mode:?}: ready after {back:?}");
    }
    let stored: Vec<String> = history(std::slice::from_ref(&chat.base), &chat.token, &chat.id, 0)
        .await
        .iter()
        .map(|m| m["clientId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stored, ["before", "during-BlackHole", "during-Refuse"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_caught_mid_query_when_the_database_goes_silent_still_answer_and_nothing_is_stored_twice() {
    let forwarder = Forwarder::start(address_of(&pg_base(), 5432)).await;
    let mut cluster = Cluster::prepare(Store::Postgres, None, &[]).await;
    let database = cluster.database().unwrap().to_owned();
    cluster.set("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{}/{database}", forwarder.port));
    let node = cluster.spawn(free_port()).await;
    let chat = std::sync::Arc::new(chat(&node).await);

    // Eight senders in a tight loop, so that some queries are on the wire at the moment the
    // database goes silent; each retries a 503 with the same clientId, as a client's outbox does.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let senders: Vec<_> = (0..8)
        .map(|s| {
            let (chat, stopped) = (chat.clone(), stopped.clone());
            tokio::spawn(async move {
                let (mut acked, mut slowest, mut refused) = (Vec::new(), Duration::ZERO, 0);
                for k in 0.. {
                    if *stopped.borrow() {
                        break;
                    }
                    let client_id = format!("s{s}-{k}");
                    loop {
                        let ((status, body), took) = timed(answer(chat.send(&client_id))).await;
                        slowest = slowest.max(took);
                        assert!(took <= IN_FLIGHT_WITHIN, "{client_id} answered after {took:?}");
                        if status == 201 || status == 200 {
                            acked.push((client_id, body["message"]["id"].as_str().unwrap().to_owned()));
                            break;
                        }
                        assert_eq!(
                            (status, body["error"]["code"].as_str()),
                            (503, Some("unavailable")),
                            "{client_id}: {body}"
                        );
                        refused += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                (acked, slowest, refused)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    forwarder.set(Mode::BlackHole);
    tokio::time::sleep(IN_FLIGHT_WITHIN).await;
    forwarder.set(Mode::Forward);
    wait_until_ready(&chat.base).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true).unwrap();

    let (mut acked, mut slowest, mut refused) = (Vec::new(), Duration::ZERO, 0);
    for sender in senders {
        let (a, s, r) = sender.await.expect("sender");
        acked.extend(a);
        slowest = slowest.max(s);
        refused += r;
    }
    assert!(refused >= 8, "every sender met the silent database ({refused} answers 503)");
    let stored = history(std::slice::from_ref(&chat.base), &chat.token, &chat.id, 0).await;
    let stored: Vec<(String, String)> = stored
        .iter()
        .map(|m| (m["clientId"].as_str().unwrap().to_owned(), m["id"].as_str().unwrap().to_owned()))
        .collect();
    let mut expected = acked.clone();
    expected.sort();
    let mut found = stored.clone();
    found.sort();
    assert_eq!(found, expected, "exactly the acknowledged messages, each once, under the id acknowledged");
    println!(
        "{} messages, {refused} answers 503 while the database was silent, slowest answer {slowest:?}",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_keep_answering_fast_while_redis_goes_silent_or_refuses() {
    let forwarder = Forwarder::start(address_of(&crate::redis_url(), 6379)).await;
    // Rate limits on, as in production: every request counts in Redis.
    let limits =
        [("LIMIT_API_PER_MINUTE", "600"), ("LIMIT_ANON_PER_MINUTE", "100"), ("LIMIT_MESSAGES_PER_SECOND", "10")];
    let cluster =
        Cluster::prepare(Store::Postgres, Some(&format!("redis://127.0.0.1:{}", forwarder.port)), &limits).await;
    let node = cluster.spawn(free_port()).await;
    let chat = chat(&node).await;

    for mode in [Mode::BlackHole, Mode::Refuse] {
        forwarder.set(mode);
        let mut slowest = Duration::ZERO;
        for k in 0..5 {
            let ((status, body), took) = timed(answer(chat.send(&format!("{mode:?}-{k}")))).await;
            assert_eq!(status, 201, "a send with Redis {mode:?}: {body}");
            let ((listed, body), took_list) = timed(answer(chat.list_chats())).await;
            assert_eq!(listed, 200, "{body}");
            slowest = slowest.max(took).max(took_list);
        }
        assert!(slowest <= REDIS_WITHIN, "with Redis {mode:?} a request took {slowest:?}");
        let ready = assert_not_ready(&chat.base, "redis").await;
        println!("redis {mode:?}: slowest request {slowest:?}, readiness {ready:?}");
        forwarder.set(Mode::Forward);
        let back = wait_until_ready(&chat.base).await;
        println!("redis back from {mode:?}: ready after {back:?}");
    }
    assert_eq!(history(std::slice::from_ref(&chat.base), &chat.token, &chat.id, 0).await.len(), 10);
}
