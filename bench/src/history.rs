//! `--history-rate`: while messages flow, members open chats and load the newest page of
//! history, as a client does, on an open-loop schedule. Reads only: the seqs, deliveries and
//! acks the correctness check counts are not touched; failures count as `history:` errors.

use crate::net::Net;
use crate::setup::{Chat, User, refusal};
use crate::stats::Stats;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// A client opening a chat asks for one page of the newest messages (API.md: limit ≤ 100).
pub const PAGE: usize = 50;

pub fn page_url(base: &str, chat: &str) -> String {
    format!("{base}/api/chats/{chat}/messages?limit={PAGE}")
}

/// When read `j` is due after the start, at `rate` reads per second.
pub fn due(j: u64, rate: f64) -> Duration {
    Duration::from_secs_f64(j as f64 / rate)
}

pub struct Load<'a> {
    pub rate: f64,
    pub duration: f64,
    /// How long reads still in flight after the schedule may take to finish.
    pub drain: f64,
    pub max_in_flight: usize,
    pub seed: u64,
    pub net: &'a Net,
    pub bases: &'a [String],
    pub users: &'a [User],
    pub chats: &'a [Chat],
    pub stats: Arc<Stats>,
}

/// Reads `rate × duration` pages, read j due at start + j / rate, each by a random member of a
/// random chat; latency counts from the due time, so a slow server cannot hide queueing.
pub async fn run(load: Load<'_>) {
    if load.rate <= 0.0 || load.chats.is_empty() {
        return;
    }
    let total = (load.rate * load.duration).round() as u64;
    // Its own random stream: the message schedule stays what the seed says.
    let mut rng = StdRng::seed_from_u64(load.seed ^ 0x6869_7374_6f72_7921);
    let slots = Arc::new(Semaphore::new(load.max_in_flight));
    let mut in_flight = JoinSet::new();
    let start = Instant::now();
    let hard_end = start + Duration::from_secs_f64(load.duration + 5.0);
    for j in 0..total {
        let due_at = start + due(j, load.rate);
        if Instant::now() > hard_end {
            load.stats.error(format!("history: client fell behind the schedule, {} reads not made", total - j));
            break;
        }
        tokio::time::sleep_until(due_at.into()).await;
        let chat = &load.chats[rng.random_range(0..load.chats.len())];
        let member = chat.members[rng.random_range(0..chat.members.len())];
        let user = &load.users[member];
        let url = page_url(&load.bases[user.instance], &chat.id);
        let (http, token, stats, slots) =
            (load.net.http(member).clone(), user.token.clone(), load.stats.clone(), slots.clone());
        in_flight.spawn(async move {
            let Ok(_slot) = slots.acquire_owned().await else { return };
            read(&http, &url, &token, due_at, &stats).await;
        });
        while in_flight.try_join_next().is_some() {}
    }
    let drain_end = Instant::now() + Duration::from_secs_f64(load.drain);
    while !in_flight.is_empty() && Instant::now() < drain_end {
        let _ = tokio::time::timeout(Duration::from_millis(100), in_flight.join_next()).await;
    }
    if !in_flight.is_empty() {
        load.stats.error(format!("history: {} reads unanswered when the drain ended", in_flight.len()));
    }
    in_flight.abort_all();
}

async fn read(http: &reqwest::Client, url: &str, token: &str, due_at: Instant, stats: &Stats) {
    match http.get(url).bearer_auth(token).send().await {
        // The page counts once its body is in, as a client would show it.
        Ok(res) if res.status() == 200 => match res.bytes().await {
            Ok(_) => {
                let us = u64::try_from(due_at.elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
                stats.history.lock().unwrap_or_else(|p| p.into_inner()).saturating_record(us);
            }
            Err(_) => stats.error("history: body cut off"),
        },
        Ok(res) => stats.error(format!("history: {}", refusal(res).await)),
        Err(e) if e.is_timeout() => stats.error("history: http timeout"),
        Err(_) => stats.error("history: http connection error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_the_newest_fifty_and_the_schedule_is_even() {
        assert_eq!(page_url("http://127.0.0.1:1", "c1"), "http://127.0.0.1:1/api/chats/c1/messages?limit=50");
        assert_eq!(due(0, 4.0), Duration::ZERO);
        assert_eq!(due(10, 4.0), Duration::from_millis(2500));
    }

    /// A one-shot HTTP server on loopback that gives every request the same answer.
    async fn answering(status: &str, body: &'static str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/chats/c/messages?limit=50", listener.local_addr().unwrap());
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(format!("{head}{body}").as_bytes()).await;
            }
        });
        url
    }

    #[tokio::test]
    async fn pages_read_count_as_latency_and_refusals_as_errors_by_kind() {
        let stats = Stats::new(1.0, 1).unwrap();
        let http = reqwest::Client::new();
        let ok = answering("200 OK", r#"{"messages":[],"hasMore":false}"#).await;
        let due_at = Instant::now() - Duration::from_millis(20);
        read(&http, &ok, "t", due_at, &stats).await;
        let latency = crate::stats::Latency::of(&stats.history);
        assert_eq!(latency.count, 1);
        assert!(latency.max_ms >= 20.0, "counted from the due time: {}", latency.max_ms);
        let refused = answering("404 Not Found", r#"{"error":{"code":"not_found","message":"no"}}"#).await;
        read(&http, &refused, "t", Instant::now(), &stats).await;
        assert_eq!(stats.errors()["history: http 404 not_found"], 1);
        assert_eq!(crate::stats::Latency::of(&stats.history).count, 1, "a refusal is no latency");
        assert_eq!(
            Stats::load(&stats.sent) + Stats::load(&stats.completed) + Stats::load(&stats.expected),
            0,
            "correctness counters untouched"
        );
    }
}
