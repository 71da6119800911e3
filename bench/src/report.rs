//! The end of a run: delivery correctness per chat, and the report as a table or JSON.

use crate::cli::Args;
use crate::live::View;
use crate::setup::Chat;
use crate::stats::{Latency, Stats};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Correctness {
    /// Messages the database holds from this run (Σ over chats of the seqs added).
    pub committed: u64,
    /// Copies owed: every committed message to every member of its chat (sender included).
    pub expected: u64,
    /// Distinct copies that arrived.
    pub received: u64,
    /// Copies owed that never arrived.
    pub lost: u64,
    /// Copies that arrived again on the same connection.
    pub duplicated: u64,
    /// Copies that arrived after a higher seq of the same chat on the same connection.
    pub out_of_order: u64,
    /// Up to ten chats with problems.
    pub problem_chats: Vec<ChatProblem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatProblem {
    pub chat_id: String,
    pub members: usize,
    pub messages: i64,
    pub lost: u64,
    pub duplicated: u64,
    pub out_of_order: u64,
}

/// Compares what each member's connection saw with the seqs each chat gained during the run.
pub fn correctness(chats: &[Chat], base: &[i64], last: &[i64], stats: &Stats, views: &[View]) -> Correctness {
    let mut out = Correctness::default();
    for (c, chat) in chats.iter().enumerate() {
        let from = base.get(c).copied().unwrap_or(0);
        let to = last.get(c).copied().unwrap_or(0).max(stats.chat_seq(c));
        let messages = (to - from).max(0);
        let mut problem = ChatProblem {
            chat_id: chat.id.clone(),
            members: chat.members.len(),
            messages,
            lost: 0,
            duplicated: 0,
            out_of_order: 0,
        };
        for &m in &chat.members {
            let view = views.get(m).and_then(|v| v.chats.get(&c));
            let got = view.map_or(0, |v| v.seen.iter().filter(|&&s| s > from && s <= to).count()) as u64;
            out.expected += messages as u64;
            out.received += got;
            problem.lost += (messages as u64).saturating_sub(got);
            problem.duplicated += view.map_or(0, |v| v.duplicates);
            problem.out_of_order += view.map_or(0, |v| v.out_of_order);
        }
        out.committed += messages as u64;
        out.lost += problem.lost;
        out.duplicated += problem.duplicated;
        out.out_of_order += problem.out_of_order;
        if problem.lost + problem.duplicated + problem.out_of_order > 0 && out.problem_chats.len() < 10 {
            out.problem_chats.push(problem);
        }
    }
    out
}

pub struct Inputs<'a> {
    pub args: &'a Args,
    pub bases: &'a [String],
    pub instances: usize,
    pub run_id: &'a str,
    pub seed: u64,
    pub chats: &'a [Chat],
    pub stats: &'a Stats,
    pub users_secs: f64,
    pub chats_secs: f64,
    pub connect_secs: f64,
    pub connected: usize,
    pub send_secs: f64,
    pub drain_secs: f64,
    /// Server RSS (KiB) before connecting, after connecting, at the end.
    pub rss: [Option<u64>; 3],
    pub correctness: Correctness,
    /// Users taken from the users file (None without --users-file).
    pub reused_users: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub run: RunInfo,
    pub scenario: Scenario,
    pub setup: SetupInfo,
    pub connect: ConnectInfo,
    pub memory: Memory,
    pub throughput: Throughput,
    pub latency: Latencies,
    pub correctness: Correctness,
    pub errors: BTreeMap<String, u64>,
    /// With --workers: how many ran and how many failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<WorkersInfo>,
    /// A worker's raw histograms, for its parent to merge (never in a final report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histograms: Option<Histograms>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkersInfo {
    pub count: usize,
    pub failed: usize,
}

/// Every histogram of a run, dumped losslessly (see `stats::dump`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Histograms {
    pub ack: Vec<[u64; 2]>,
    pub delivery: Vec<[u64; 2]>,
    pub delivery_local: Vec<[u64; 2]>,
    pub delivery_cross: Vec<[u64; 2]>,
    pub connect: Vec<[u64; 2]>,
    pub history: Vec<[u64; 2]>,
}

impl Histograms {
    pub fn of(s: &Stats) -> Self {
        use crate::stats::dump;
        Self {
            ack: dump(&s.ack),
            delivery: dump(&s.delivery),
            delivery_local: dump(&s.delivery_local),
            delivery_cross: dump(&s.delivery_cross),
            connect: dump(&s.connect),
            history: dump(&s.history),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    pub id: String,
    pub seed: u64,
    pub targets: Vec<String>,
    /// Instances users were spread over (1 with --same-instance).
    pub instances: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub users: usize,
    pub pairs: usize,
    pub groups: usize,
    pub group_size: usize,
    pub group_share: Option<f64>,
    pub rate: f64,
    pub duration_secs: f64,
    pub send: String,
    pub receive: String,
    pub message_size: usize,
    // The newer flags appear only when used, so older reports read the same.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ips: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupInfo {
    pub users_secs: f64,
    /// Users reused from --users-file without signing in, and users signed in (with --users-file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reused_users: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_in_users: Option<usize>,
    pub chats: usize,
    pub chats_secs: f64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectInfo {
    pub attempted: usize,
    pub connected: usize,
    pub secs: f64,
    pub per_sec: f64,
    pub time_to_ready: Latency,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    pub server_rss_kib_before: Option<u64>,
    pub server_rss_kib_connected: Option<u64>,
    pub server_rss_kib_end: Option<u64>,
    /// (connected − before) / connections.
    pub server_kib_per_connection: Option<f64>,
    pub client_rss_kib: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Throughput {
    pub intended_per_sec: f64,
    pub sent: u64,
    pub sent_per_sec: f64,
    pub acked: u64,
    pub acked_per_sec: f64,
    /// Copies to members other than the sender.
    pub deliveries: u64,
    pub deliveries_per_sec: f64,
    /// The rate times the mean number of other members per acknowledged message.
    pub intended_deliveries_per_sec: f64,
    /// The senders' own copies.
    pub echoes: u64,
    pub send_secs: f64,
    pub drain_secs: f64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Latencies {
    /// Intended send time → ack (WebSocket `ack` or HTTP answer).
    pub send_to_ack: Latency,
    /// Intended send time → `message.new` at another member.
    pub send_to_receive: Latency,
    pub send_to_receive_same_instance: Latency,
    pub send_to_receive_cross_instance: Latency,
    /// Intended time → a page of history read (with --history-rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Latency>,
}

impl Scenario {
    pub fn of(a: &Args) -> Self {
        Scenario {
            users: a.users,
            pairs: a.pairs(),
            groups: a.groups,
            group_size: if a.groups > 0 { a.group_size } else { 0 },
            group_share: a.group_share,
            rate: a.rate,
            duration_secs: a.duration,
            send: format!("{:?}", a.send).to_lowercase(),
            receive: format!("{:?}", a.receive).to_lowercase(),
            message_size: a.message_size,
            history_rate: (a.history_rate > 0.0).then_some(a.history_rate),
            source_ips: (a.source_ips > 1).then_some(a.source_ips),
            workers: None,
        }
    }
}

fn per_sec(count: u64, secs: f64) -> f64 {
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

impl Report {
    pub fn new(i: Inputs<'_>) -> Self {
        let s = i.stats;
        let a = i.args;
        let start = s.send_start_us().unwrap_or(0);
        let span = |last_us: u64| (last_us.saturating_sub(start) as f64 / 1e6).max(i.send_secs);
        let acked = Stats::load(&s.acked);
        let expected_others = Stats::load(&s.expected).saturating_sub(acked);
        let mean_others = if acked > 0 { expected_others as f64 / acked as f64 } else { 0.0 };
        let [before, connected, end] = i.rss;
        let per_connection = match (before, connected) {
            (Some(b), Some(c)) if i.connected > 0 => Some((c as f64 - b as f64) / i.connected as f64),
            _ => None,
        };
        Report {
            run: RunInfo { id: i.run_id.to_owned(), seed: i.seed, targets: i.bases.to_vec(), instances: i.instances },
            scenario: Scenario::of(a),
            setup: SetupInfo {
                users_secs: i.users_secs,
                reused_users: i.reused_users,
                signed_in_users: i.reused_users.map(|r| a.users.saturating_sub(r)),
                chats: i.chats.len(),
                chats_secs: i.chats_secs,
            },
            connect: ConnectInfo {
                attempted: a.users,
                connected: i.connected,
                secs: i.connect_secs,
                per_sec: per_sec(i.connected as u64, i.connect_secs),
                time_to_ready: Latency::of(&s.connect),
            },
            memory: Memory {
                server_rss_kib_before: before,
                server_rss_kib_connected: connected,
                server_rss_kib_end: end,
                server_kib_per_connection: per_connection,
                client_rss_kib: crate::stats::rss_kib("self"),
            },
            throughput: Throughput {
                intended_per_sec: a.rate,
                sent: Stats::load(&s.sent),
                sent_per_sec: per_sec(Stats::load(&s.sent), i.send_secs),
                acked,
                acked_per_sec: per_sec(acked, span(Stats::load(&s.last_ack_us))),
                deliveries: Stats::load(&s.deliveries),
                deliveries_per_sec: per_sec(Stats::load(&s.deliveries), span(Stats::load(&s.last_delivery_us))),
                intended_deliveries_per_sec: a.rate * mean_others,
                echoes: Stats::load(&s.echoes),
                send_secs: i.send_secs,
                drain_secs: i.drain_secs,
            },
            latency: Latencies {
                send_to_ack: Latency::of(&s.ack),
                send_to_receive: Latency::of(&s.delivery),
                send_to_receive_same_instance: Latency::of(&s.delivery_local),
                send_to_receive_cross_instance: Latency::of(&s.delivery_cross),
                history: (a.history_rate > 0.0).then(|| Latency::of(&s.history)),
            },
            correctness: i.correctness,
            errors: s.errors(),
            workers: None,
            histograms: a.worker.then(|| Histograms::of(s)),
        }
    }

    /// Why the run is not correct (empty when it is): what `--check` fails on.
    pub fn failures(&self) -> Vec<String> {
        let c = &self.correctness;
        let mut out = Vec::new();
        if c.lost > 0 {
            out.push(format!("{} deliveries lost", c.lost));
        }
        if c.duplicated > 0 {
            out.push(format!("{} deliveries duplicated", c.duplicated));
        }
        if c.out_of_order > 0 {
            out.push(format!("{} deliveries out of order", c.out_of_order));
        }
        if self.connect.connected < self.connect.attempted {
            out.push(format!(
                "{} of {} users could not connect",
                self.connect.attempted - self.connect.connected,
                self.connect.attempted
            ));
        }
        if self.scenario.rate > 0.0 && self.throughput.deliveries == 0 {
            out.push("no message was delivered".to_owned());
        }
        if let Some(w) = &self.workers
            && w.failed > 0
        {
            out.push(format!("{} of {} workers failed", w.failed, w.count));
        }
        out
    }

    /// A table for people.
    pub fn table(&self) -> String {
        let mut t = String::new();
        let (sc, th, co) = (&self.scenario, &self.throughput, &self.connect);
        let _ = writeln!(t, "chat-bench run {} (seed {})", self.run.id, self.run.seed);
        let _ = writeln!(
            t,
            "  targets     {} ({} instance{} used)",
            self.run.targets.join(", "),
            self.run.instances,
            if self.run.instances == 1 { "" } else { "s" }
        );
        let mut shape = format!("{} users, {} direct chats", sc.users, sc.pairs);
        if sc.groups > 0 {
            let _ =
                write!(shape, ", {} group{} of {}", sc.groups, if sc.groups == 1 { "" } else { "s" }, sc.group_size);
        }
        if let Some(share) = sc.group_share {
            let _ = write!(shape, " ({:.0}% of messages to groups)", share * 100.0);
        }
        let _ = writeln!(t, "  scenario    {shape}");
        let _ = writeln!(
            t,
            "              {} msg/s for {} s, send over {}, receive over {}, {} chars",
            sc.rate, sc.duration_secs, sc.send, sc.receive, sc.message_size
        );
        let mut extras = Vec::new();
        if let Some(rate) = sc.history_rate {
            extras.push(format!("history pages {rate}/s"));
        }
        if let Some(n) = sc.source_ips {
            extras.push(format!("sources 127.0.0.1-{n}"));
        }
        if let Some(w) = &self.workers {
            extras.push(format!(
                "{} worker processes{}",
                w.count,
                if w.failed > 0 { format!(", {} FAILED", w.failed) } else { String::new() }
            ));
        }
        if !extras.is_empty() {
            let _ = writeln!(t, "              {}", extras.join(", "));
        }
        match (self.setup.reused_users, self.setup.signed_in_users) {
            (None, _) | (_, None) => {
                let _ = writeln!(
                    t,
                    "  setup       {} users registered and signed in in {:.1} s; {} chats in {:.1} s",
                    sc.users, self.setup.users_secs, self.setup.chats, self.setup.chats_secs
                );
            }
            (Some(reused), Some(signed_in)) => {
                let _ = writeln!(
                    t,
                    "  setup       {} users in {:.1} s ({reused} reused from the users file, {signed_in} signed in); {} chats in {:.1} s",
                    sc.users, self.setup.users_secs, self.setup.chats, self.setup.chats_secs
                );
            }
        }
        let _ = writeln!(
            t,
            "  connect     {}/{} connected in {:.2} s ({:.0}/s); time to ready p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            co.connected,
            co.attempted,
            co.secs,
            co.per_sec,
            co.time_to_ready.p50_ms,
            co.time_to_ready.p99_ms,
            co.time_to_ready.max_ms
        );
        let m = &self.memory;
        match (m.server_rss_kib_before, m.server_rss_kib_connected, m.server_rss_kib_end) {
            (Some(b), Some(c), end) => {
                let _ = writeln!(
                    t,
                    "  server RSS  {:.1} MiB before connecting, {:.1} MiB connected ({:+.1} KiB per connection), {} at the end",
                    b as f64 / 1024.0,
                    c as f64 / 1024.0,
                    m.server_kib_per_connection.unwrap_or(0.0),
                    end.map_or("?".to_owned(), |e| format!("{:.1} MiB", e as f64 / 1024.0))
                );
            }
            _ => {
                let _ = writeln!(t, "  server RSS  not measured (give --server-pid)");
            }
        }
        let history = self.latency.history.as_ref();
        if sc.rate > 0.0 || history.is_some() {
            if sc.rate > 0.0 {
                let _ = writeln!(
                    t,
                    "  messages    sent {} ({:.1}/s of {:.1}/s intended), acked {} ({:.1}/s)",
                    th.sent, th.sent_per_sec, th.intended_per_sec, th.acked, th.acked_per_sec
                );
                let _ = writeln!(
                    t,
                    "  deliveries  {} to other members ({:.1}/s of {:.1}/s intended), {} echoes to senders",
                    th.deliveries, th.deliveries_per_sec, th.intended_deliveries_per_sec, th.echoes
                );
            }
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "  latency (ms, from intended send time)   count      p50      p95      p99    p99.9      max"
            );
            let mut row = |name: &str, l: &Latency| {
                let _ = writeln!(
                    t,
                    "    {name:<36}{:>7}{:>9.2}{:>9.2}{:>9.2}{:>9.2}{:>9.2}",
                    l.count, l.p50_ms, l.p95_ms, l.p99_ms, l.p999_ms, l.max_ms
                );
            };
            if sc.rate > 0.0 {
                row("send -> ack", &self.latency.send_to_ack);
                row("send -> receive (all)", &self.latency.send_to_receive);
                if self.run.instances > 1 {
                    row("send -> receive (same instance)", &self.latency.send_to_receive_same_instance);
                    row("send -> receive (cross instance)", &self.latency.send_to_receive_cross_instance);
                }
            }
            if let Some(h) = history {
                row("history (page of 50)", h);
            }
            let _ = writeln!(t);
        }
        let c = &self.correctness;
        let verdict = if c.lost + c.duplicated + c.out_of_order == 0 { "OK" } else { "FAILED" };
        let _ = writeln!(
            t,
            "  correctness {verdict}: {} messages committed, {}/{} copies received; lost {}, duplicated {}, out of order {}",
            c.committed, c.received, c.expected, c.lost, c.duplicated, c.out_of_order
        );
        for p in &c.problem_chats {
            let _ = writeln!(
                t,
                "    chat {} ({} members, {} messages): lost {}, duplicated {}, out of order {}",
                p.chat_id, p.members, p.messages, p.lost, p.duplicated, p.out_of_order
            );
        }
        if self.errors.is_empty() {
            let _ = writeln!(t, "  errors      none");
        } else {
            let _ = writeln!(t, "  errors");
            for (kind, n) in &self.errors {
                let _ = writeln!(t, "    {n:>7}  {kind}");
            }
        }
        t
    }
}
