//! One server process SIGKILLed at random moments under a steady stream of sends (two senders
//! over HTTP, one over a WebSocket), and started again at once on the same data. Every message
//! the server acknowledged must be in the history exactly once, under the id and seq it was
//! acknowledged with, seqs without gaps or repeats, and nothing else; readiness must come back
//! within 2 s of each restart. On SQLite (DATA_DIR only) and on PostgreSQL with Redis.
//!
//! PARLOR_CRASH_KILLS sets the kills per mode (20 by default); PARLOR_CRASH_SEED replays the
//! kill moments of a run (every run prints its seed).

use crate::cluster::{Cluster, Node, Store, free_port, register};
use crate::member::history;
use crate::outbox::{self, Acked, Outbox, content_of};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// The bound: readiness within 2 s of a restart.
const READY_WITHIN: Duration = Duration::from_secs(2);
/// How long after readiness a kill may come: from at once (into the burst of retries) to well
/// into a steady stream.
const KILL_AFTER_MS: std::ops::RangeInclusive<u64> = 0..=700;
/// Pause between two messages of one sender.
const GAP: Duration = Duration::from_millis(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_killed_at_random_moments_keeps_every_acknowledged_message_exactly_once() {
    crash_run(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_killed_at_random_moments_keeps_every_acknowledged_message_exactly_once() {
    crash_run(Store::Postgres).await;
}

fn setting<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    Some(value.parse().unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

async fn crash_run(store: Store) {
    let kills: usize = setting("PARLOR_CRASH_KILLS").unwrap_or(20);
    let seed: u64 = setting("PARLOR_CRASH_SEED").unwrap_or_else(rand::random);
    println!("{store:?}: {kills} kills, PARLOR_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);

    let redis = (store == Store::Postgres).then(crate::redis_url);
    let cluster = Cluster::prepare(store, redis.as_deref(), &[]).await;
    let port = free_port();
    let mut node = cluster.spawn(port).await;
    let base = node.base.clone();
    let (chat, tokens) = group(&base).await;

    let (stop, stopped) = watch::channel(false);
    let senders = vec![
        tokio::spawn(outbox::over_http(
            base.clone(),
            tokens[0].clone(),
            chat.clone(),
            "alice".into(),
            GAP,
            stopped.clone(),
        )),
        tokio::spawn(outbox::over_http(
            base.clone(),
            tokens[1].clone(),
            chat.clone(),
            "bob".into(),
            GAP,
            stopped.clone(),
        )),
        tokio::spawn(outbox::over_websocket(
            base.clone(),
            tokens[2].clone(),
            chat.clone(),
            "carol".into(),
            GAP,
            stopped,
        )),
    ];

    let mut worst = Duration::ZERO;
    for kill in 1..=kills {
        tokio::time::sleep(Duration::from_millis(rng.random_range(KILL_AFTER_MS))).await;
        kill_hard(&mut node, kill).await;
        let took = restart(&cluster, &mut node).await;
        assert!(
            took < READY_WITHIN,
            "kill {kill} (PARLOR_CRASH_SEED={seed}): ready after {took:?}, more than {READY_WITHIN:?}"
        );
        worst = worst.max(took);
    }
    // Let every sender get a few messages through the last incarnation, then drain the outboxes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send(true).expect("stop");
    let mut outboxes = Vec::new();
    for sender in senders {
        outboxes.push(sender.await.expect("sender"));
    }

    let acked = check(&outboxes, &base, &tokens[0], &chat, seed).await;
    let replayed: usize = outboxes.iter().map(|o| o.replayed).sum();
    println!(
        "{store:?}: {kills} kills, {acked} acknowledged messages checked ({replayed} acknowledged on a retry after the first try was stored), worst readiness {worst:?}"
    );
    assert_node_runs(&mut node);
}

/// Alice, Bob and Carol in one group; returns the chat and their tokens.
async fn group(base: &str) -> (String, Vec<String>) {
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for name in ["alice", "bob", "carol"] {
        let (id, token) = register(base, name).await;
        ids.push(id);
        tokens.push(token);
    }
    let res = reqwest::Client::new()
        .post(format!("{base}/api/chats/group"))
        .bearer_auth(&tokens[0])
        .json(&json!({"name": "Crash", "participantIds": [ids[1], ids[2]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let chat = res.json::<Value>().await.unwrap()["chat"]["id"].as_str().unwrap().to_owned();
    (chat, tokens)
}

/// SIGKILL, and proof that the process was still running when it came (it did not die alone).
async fn kill_hard(node: &mut Node, kill: usize) {
    node.child.start_kill().expect("SIGKILL");
    let status = node.child.wait().await.expect("exit status");
    assert_eq!(status.signal(), Some(9), "kill {kill}: the server had already stopped by itself ({status})");
}

/// Starts the process again on the same port and data; returns how long until it was ready.
async fn restart(cluster: &Cluster, node: &mut Node) -> Duration {
    let started = Instant::now();
    node.child = cluster.launch(node.port);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(1)).build().unwrap();
    let url = format!("{}/health/ready", node.base);
    loop {
        if let Ok(Some(exit)) = node.child.try_wait() {
            panic!("the restarted server exited: {exit}");
        }
        if client.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the restarted server was not ready within 30 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn assert_node_runs(node: &mut Node) {
    assert!(matches!(node.child.try_wait(), Ok(None)), "the server is still running at the end");
}

/// The history against the outboxes; returns how many acknowledged messages were checked.
async fn check(outboxes: &[Outbox], base: &str, token: &str, chat: &str, seed: u64) -> usize {
    let replay = format!("PARLOR_CRASH_SEED={seed}");
    let errors: Vec<&String> = outboxes.iter().flat_map(|o| &o.errors).collect();
    assert!(errors.is_empty(), "{replay}: answers that were neither an ack nor a dropped connection: {errors:#?}");
    let acked: Vec<&Acked> = outboxes.iter().flat_map(|o| &o.acked).collect();
    for outbox in outboxes {
        assert!(outbox.acked.len() >= 10, "{replay}: every sender kept sending ({} acks)", outbox.acked.len());
        let seqs: Vec<i64> = outbox.acked.iter().map(|a| a.seq).collect();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{replay}: one sender's messages are stored in the order sent: {seqs:?}"
        );
    }

    let stored = history(&[base.to_owned()], token, chat, 0).await;
    let seqs: Vec<i64> = stored.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=stored.len() as i64).collect::<Vec<_>>(),
        "{replay}: seqs increase by one, no gap, no repeat"
    );
    let ids: HashSet<&str> = stored.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), stored.len(), "{replay}: no message stored twice under one id");

    let mut by_client_id: HashMap<&str, &Value> = HashMap::new();
    for m in &stored {
        let client_id = m["clientId"].as_str().unwrap();
        assert!(by_client_id.insert(client_id, m).is_none(), "{replay}: {client_id} stored twice");
        assert_eq!(m["content"], content_of(client_id).as_str(), "{replay}: {client_id} holds what was sent");
    }
    for a in &acked {
        let m = by_client_id
            .get(a.client_id.as_str())
            .unwrap_or_else(|| panic!("{replay}: acknowledged {} is missing", a.client_id));
        assert_eq!(
            (m["id"].as_str().unwrap(), m["seq"].as_i64().unwrap()),
            (a.id.as_str(), a.seq),
            "{replay}: {} as acknowledged",
            a.client_id
        );
    }
    // Each sender stops only once its last message is acknowledged: anything stored beyond the
    // acknowledged messages was never sent.
    assert_eq!(stored.len(), acked.len(), "{replay}: the history holds exactly the acknowledged messages");
    acked.len()
}
