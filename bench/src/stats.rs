//! What the run measured, shared by every task: histograms, counters and errors by kind.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Latencies are recorded in microseconds, up to an hour, to 3 significant digits.
const MAX_US: u64 = 3_600_000_000;

pub fn histogram() -> anyhow::Result<Histogram<u64>> {
    Ok(Histogram::new_with_bounds(1, MAX_US, 3)?)
}

/// A histogram as `[value, count]` per recorded bucket: lossless, since every value of a
/// bucket is equivalent and re-recording the bucket's value lands in the same bucket.
pub fn dump(h: &Mutex<Histogram<u64>>) -> Vec<[u64; 2]> {
    lock(h).iter_recorded().map(|v| [v.value_iterated_to(), v.count_at_value()]).collect()
}

/// Adds a dumped histogram into `h` (how worker histograms are merged).
pub fn add_dump(h: &mut Histogram<u64>, dump: &[[u64; 2]]) {
    for &[value, count] in dump {
        h.saturating_record_n(value, count);
    }
}

/// A lock that a panicking holder does not make useless (counts stay readable).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub struct Stats {
    epoch: Instant,
    /// When message 0 was due, in µs after `epoch` (u64::MAX until sending starts).
    send_start_us: AtomicU64,
    /// µs between intended sends.
    interval_us: f64,
    /// Send → receive, over every delivery to a member other than the sender.
    pub delivery: Mutex<Histogram<u64>>,
    /// The same, split by whether sender and receiver use the same instance.
    pub delivery_local: Mutex<Histogram<u64>>,
    pub delivery_cross: Mutex<Histogram<u64>>,
    /// Send → ack (WebSocket `ack` frame or HTTP 201).
    pub ack: Mutex<Histogram<u64>>,
    /// Connection start → `ready` frame.
    pub connect: Mutex<Histogram<u64>>,
    /// Intended time → a history page read whole (200 answers only).
    pub history: Mutex<Histogram<u64>>,
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    /// Sends answered either way (ack or error), or given up on.
    pub completed: AtomicU64,
    /// Deliveries (first arrival of a seq on a connection) to members other than the sender.
    pub deliveries: AtomicU64,
    /// The sender's own copy of its message (the server sends `message.new` to every member).
    pub echoes: AtomicU64,
    /// Member copies owed for acknowledged messages (every member, sender included).
    pub expected: AtomicU64,
    pub last_ack_us: AtomicU64,
    pub last_delivery_us: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    /// The highest seq seen per chat, from acks and deliveries.
    chat_seq: Vec<AtomicI64>,
}

impl Stats {
    pub fn new(rate: f64, chats: usize) -> anyhow::Result<Self> {
        Ok(Self {
            epoch: Instant::now(),
            send_start_us: AtomicU64::new(u64::MAX),
            interval_us: if rate > 0.0 { 1e6 / rate } else { 0.0 },
            delivery: Mutex::new(histogram()?),
            delivery_local: Mutex::new(histogram()?),
            delivery_cross: Mutex::new(histogram()?),
            ack: Mutex::new(histogram()?),
            connect: Mutex::new(histogram()?),
            history: Mutex::new(histogram()?),
            sent: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            completed: AtomicU64::new(0),
            deliveries: AtomicU64::new(0),
            echoes: AtomicU64::new(0),
            expected: AtomicU64::new(0),
            last_ack_us: AtomicU64::new(0),
            last_delivery_us: AtomicU64::new(0),
            errors: Mutex::new(BTreeMap::new()),
            chat_seq: (0..chats).map(|_| AtomicI64::new(0)).collect(),
        })
    }

    pub fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    pub fn start_sending(&self) -> u64 {
        let now = self.now_us();
        self.send_start_us.store(now, Ordering::SeqCst);
        now
    }

    pub fn send_start_us(&self) -> Option<u64> {
        match self.send_start_us.load(Ordering::SeqCst) {
            u64::MAX => None,
            at => Some(at),
        }
    }

    /// When message `k` was meant to leave, in µs after the epoch: the open-loop schedule.
    pub fn intended_us(&self, k: u64) -> u64 {
        let start = self.send_start_us().unwrap_or(0);
        start + (k as f64 * self.interval_us) as u64
    }

    pub fn instant_of(&self, us: u64) -> Instant {
        self.epoch + Duration::from_micros(us)
    }

    /// µs from message `k`'s intended send time until now.
    pub fn since_intended(&self, k: u64) -> u64 {
        self.now_us().saturating_sub(self.intended_us(k)).max(1)
    }

    pub fn error(&self, kind: impl Into<String>) {
        *lock(&self.errors).entry(kind.into()).or_insert(0) += 1;
    }

    pub fn errors(&self) -> BTreeMap<String, u64> {
        lock(&self.errors).clone()
    }

    pub fn error_count(&self) -> u64 {
        lock(&self.errors).values().sum()
    }

    pub fn seen_seq(&self, chat: usize, seq: i64) {
        if let Some(max) = self.chat_seq.get(chat) {
            max.fetch_max(seq, Ordering::Relaxed);
        }
    }

    pub fn chat_seq(&self, chat: usize) -> i64 {
        self.chat_seq.get(chat).map_or(0, |m| m.load(Ordering::Relaxed))
    }

    /// A send was acknowledged: message `k` has `seq` in `chat`, which has `members` members.
    pub fn on_ack(&self, k: u64, chat: usize, seq: i64, members: usize) {
        let latency = self.since_intended(k);
        lock(&self.ack).saturating_record(latency);
        self.acked.fetch_add(1, Ordering::Relaxed);
        self.completed.fetch_add(1, Ordering::Relaxed);
        self.expected.fetch_add(members as u64, Ordering::Relaxed);
        self.last_ack_us.fetch_max(self.now_us(), Ordering::Relaxed);
        self.seen_seq(chat, seq);
    }

    /// A send failed with an answer (`kind` says which).
    pub fn on_send_error(&self, kind: impl Into<String>) {
        self.completed.fetch_add(1, Ordering::Relaxed);
        self.error(kind);
    }

    /// Message `k` from another member reached a member (first copy on that connection).
    pub fn on_delivery(&self, k: u64, same_instance: bool) {
        let latency = self.since_intended(k);
        lock(&self.delivery).saturating_record(latency);
        lock(if same_instance { &self.delivery_local } else { &self.delivery_cross }).saturating_record(latency);
        self.deliveries.fetch_add(1, Ordering::Relaxed);
        self.last_delivery_us.fetch_max(self.now_us(), Ordering::Relaxed);
    }

    pub fn load(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Percentiles of one histogram, in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Latency {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(h: &Mutex<Histogram<u64>>) -> Self {
        Self::of_histogram(&lock(h))
    }

    pub fn of_histogram(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return Self { count: 0, mean_ms: 0.0, p50_ms: 0.0, p95_ms: 0.0, p99_ms: 0.0, p999_ms: 0.0, max_ms: 0.0 };
        }
        Self {
            count: h.len(),
            mean_ms: h.mean() / 1000.0,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
        }
    }
}

/// Resident memory of a process, in KiB, from /proc/<pid>/status.
pub fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The summed resident memory of the given processes (None when any cannot be read).
pub fn servers_rss_kib(pids: &[u32]) -> Option<u64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|p| rss_kib(&p.to_string())).sum()
}

/// The soft limit on open files of this process, from /proc/self/limits.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intended_times_follow_the_rate_from_the_start() {
        let s = Stats::new(100.0, 1).unwrap();
        let start = s.start_sending();
        assert_eq!(s.intended_us(0), start);
        assert_eq!(s.intended_us(100), start + 1_000_000);
    }

    #[test]
    fn percentiles_are_in_milliseconds() {
        let s = Stats::new(1.0, 1).unwrap();
        for v in 1..=1000u64 {
            s.ack.lock().unwrap().record(v * 1000).unwrap();
        }
        let l = Latency::of(&s.ack);
        assert_eq!(l.count, 1000);
        assert!((l.p50_ms - 500.0).abs() < 1.0, "{}", l.p50_ms);
        assert!((l.max_ms - 1000.0).abs() < 1.0, "{}", l.max_ms);
    }

    #[test]
    fn dumped_histograms_merge_losslessly() {
        let a = Mutex::new(histogram().unwrap());
        let b = Mutex::new(histogram().unwrap());
        let mut both = histogram().unwrap();
        for v in 1..=5000u64 {
            let (target, value) = if v % 3 == 0 { (&a, v * 7) } else { (&b, v * 131) };
            target.lock().unwrap().record(value).unwrap();
            both.record(value).unwrap();
        }
        let mut merged = histogram().unwrap();
        add_dump(&mut merged, &dump(&a));
        add_dump(&mut merged, &dump(&b));
        assert_eq!(merged.len(), both.len());
        assert_eq!(merged.max(), both.max());
        assert_eq!(merged.min(), both.min());
        for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
            assert_eq!(merged.value_at_quantile(q), both.value_at_quantile(q), "q {q}");
        }
        assert!((merged.mean() - both.mean()).abs() < 1e-6);
    }

    #[test]
    fn own_rss_is_readable() {
        assert!(rss_kib("self").is_some_and(|kib| kib > 0));
        assert!(open_files_limit().is_some());
    }
}
