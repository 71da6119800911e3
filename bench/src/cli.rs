//! Command-line flags and their checks.

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::PathBuf;

/// Groups a user may belong to and members a group may have (the server's limits).
pub const MAX_GROUPS_PER_USER: usize = 100;
pub const MAX_GROUP_MEMBERS: usize = 300;
/// Connections one process may hold: the open-files limit here is 20,000 (hard limit too).
pub const MAX_USERS_PER_PROCESS: usize = 20_000;
pub const MAX_WORKERS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
pub enum SendVia {
    /// `message.send` frames on each sender's WebSocket, answered by `ack`.
    Ws,
    /// `POST /api/chats/{id}/messages`, answered by 201.
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
pub enum Receive {
    /// `GET /api/ws` (WebSocket).
    Ws,
    /// `GET /api/events` (server-sent events; read-only, so sends go over HTTP).
    Sse,
}

/// Load and correctness benchmark for a Parlor deployment on this machine.
///
/// Registers and signs in users, creates direct chats and groups, connects every user live,
/// then sends messages at a fixed open-loop rate for a fixed time from random members, and
/// reports latency (from each message's intended send time), throughput, errors, lost,
/// duplicated and out-of-order deliveries, and server memory per connection.
// Serde: a parent hands each worker its slice of the run as one JSON line.
#[derive(Debug, Clone, Parser, Serialize, Deserialize)]
#[command(name = "chat-bench", version)]
pub struct Args {
    /// Server base URL; repeat to spread users round-robin over several instances of one
    /// deployment. Only loopback addresses and localhost are accepted.
    #[arg(long = "target", default_value = "http://127.0.0.1:8080")]
    pub targets: Vec<String>,
    /// Put every user on the first target, whatever the other targets (a baseline for a spread run).
    #[arg(long)]
    pub same_instance: bool,
    /// Users to register, sign in and connect.
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// Direct (1:1) chats between disjoint pairs of users (at most users/2).
    /// Default: users/2 when no groups are asked for, else 0.
    #[arg(long)]
    pub pairs: Option<usize>,
    /// Group chats to create.
    #[arg(long, default_value_t = 0)]
    pub groups: usize,
    /// Members per group (2..=300); group g takes consecutive users from g*size, wrapping.
    #[arg(long, default_value_t = 10)]
    pub group_size: usize,
    /// Share (0..=1) of messages sent into groups when both kinds exist; default: every chat equally likely.
    #[arg(long)]
    pub group_share: Option<f64>,
    /// Messages per second over the whole run (open loop); 0 only connects and holds (idle density).
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// Seconds of sending (or of holding the connections when --rate 0).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds to wait after the last send for outstanding acks and deliveries.
    #[arg(long, default_value_t = 10.0)]
    pub drain: f64,
    /// How messages are sent.
    #[arg(long, value_enum, default_value = "ws")]
    pub send: SendVia,
    /// How users receive live events.
    #[arg(long, value_enum, default_value = "ws")]
    pub receive: Receive,
    /// Characters of content per message.
    #[arg(long, default_value_t = 40)]
    pub message_size: usize,
    /// Registrations, sign-ins and chat creations in flight at once (each sign-in hashes a password).
    #[arg(long, default_value_t = 8)]
    pub setup_concurrency: usize,
    /// Connection attempts in flight at once.
    #[arg(long, default_value_t = 64)]
    pub connect_concurrency: usize,
    /// HTTP sends in flight at once (with --send http); waiting for a slot counts as latency.
    #[arg(long, default_value_t = 1024)]
    pub max_in_flight: usize,
    /// Server process id whose resident memory (VmRSS) to report; repeat for several instances.
    #[arg(long = "server-pid")]
    pub server_pids: Vec<u32>,
    /// Username prefix (default: a fresh random one, so runs never collide).
    #[arg(long)]
    pub prefix: Option<String>,
    /// Seed for choosing chats and senders (default: random).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print the report as JSON on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON report to this file (the table still goes to stdout).
    #[arg(long)]
    pub json_file: Option<std::path::PathBuf>,
    /// Exit with status 1 when any delivery was lost, duplicated or out of order, or none arrived.
    #[arg(long)]
    pub check: bool,
    /// No progress bars.
    #[arg(long)]
    pub quiet: bool,
    /// Keep users and their access tokens in this JSON file and reuse them on the next run
    /// (no password hashing) while the tokens stay valid long enough.
    #[arg(long)]
    pub users_file: Option<PathBuf>,
    /// Child processes to spread the users over (each has its own open-files limit); each runs
    /// users/N users with pairs/N, groups/N, rate/N and history-rate/N.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Bind client sockets to 127.0.0.1 … 127.0.0.N, round-robin by user, so that many
    /// connections do not run out of ephemeral ports (1 = no binding).
    #[arg(long, default_value_t = 1)]
    pub source_ips: usize,
    /// History page loads per second while sending (GET /api/chats/{id}/messages?limit=50 by a
    /// random member, open loop); 0 = none.
    #[arg(long, default_value_t = 0.0)]
    pub history_rate: f64,
    /// Internal: run as one worker of a parent chat-bench, which talks to it over stdin/stdout.
    #[arg(long, hide = true)]
    pub worker: bool,
}

impl Args {
    pub fn pairs(&self) -> usize {
        self.pairs.unwrap_or(if self.groups == 0 { self.users / 2 } else { 0 })
    }

    /// Refuses what the server would refuse, what this tool cannot measure, and remote targets.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.targets.is_empty() {
            bail!("give at least one --target");
        }
        for target in &self.targets {
            check_loopback(target)?;
        }
        if !(1..=MAX_WORKERS).contains(&self.workers) {
            bail!("--workers is 1..={MAX_WORKERS}");
        }
        if self.workers > 1 {
            return self.check_slices();
        }
        if !(2..=MAX_USERS_PER_PROCESS).contains(&self.users) {
            bail!("--users must be between 2 and {MAX_USERS_PER_PROCESS} (more with --workers)");
        }
        let pairs = self.pairs();
        if pairs > self.users / 2 {
            bail!("--pairs is at most users/2 = {} (each pair is two users of its own)", self.users / 2);
        }
        if self.groups > 0 {
            if !(2..=MAX_GROUP_MEMBERS).contains(&self.group_size) {
                bail!("--group-size must be between 2 and {MAX_GROUP_MEMBERS}");
            }
            if self.group_size > self.users {
                bail!("--group-size {} is more than --users {}", self.group_size, self.users);
            }
            let per_user = (self.groups * self.group_size).div_ceil(self.users);
            if per_user > MAX_GROUPS_PER_USER {
                bail!(
                    "{} groups of {} would put a user in {per_user} groups; the server allows {MAX_GROUPS_PER_USER}",
                    self.groups,
                    self.group_size
                );
            }
        }
        if pairs + self.groups == 0 {
            bail!("no chats: give --pairs and/or --groups");
        }
        if let Some(share) = self.group_share
            && !(0.0..=1.0).contains(&share)
        {
            bail!("--group-share is between 0 and 1");
        }
        if !(0.0..=100_000.0).contains(&self.rate) {
            bail!("--rate is between 0 and 100000 messages per second");
        }
        if !(0.1..=3600.0).contains(&self.duration) || !(0.0..=600.0).contains(&self.drain) {
            bail!("--duration is 0.1..=3600 s and --drain 0..=600 s");
        }
        if self.rate * self.duration > 10_000_000.0 {
            bail!("rate x duration is more than 10 million messages");
        }
        if self.receive == Receive::Sse && self.send == SendVia::Ws {
            bail!("server-sent events are read-only: use --send http with --receive sse");
        }
        if !(1..=10_000).contains(&self.message_size) {
            bail!("--message-size is 1..=10000 characters");
        }
        if self.setup_concurrency == 0 || self.connect_concurrency == 0 || self.max_in_flight == 0 {
            bail!("concurrency limits must be at least 1");
        }
        // A worker's prefix is its parent's plus `w<i>_`; usernames stay within the server's 50.
        let max_prefix = if self.worker { 40 } else { 30 };
        if let Some(prefix) = &self.prefix
            && (prefix.len() > max_prefix || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            bail!("--prefix is up to 30 letters, digits, '_' or '-'");
        }
        if !(1..=254).contains(&self.source_ips) {
            bail!("--source-ips is 1..=254 (127.0.0.1 … 127.0.0.254)");
        }
        if self.source_ips > 1 {
            // A socket bound to 127.0.0.x can only reach IPv4 targets; names could resolve to ::1.
            for target in &self.targets {
                let ipv4 =
                    reqwest::Url::parse(target).ok().is_some_and(|u| matches!(u.host(), Some(url::Host::Ipv4(_))));
                if !ipv4 {
                    bail!("--source-ips needs IPv4 loopback targets like http://127.0.0.1:8080, not {target}");
                }
            }
        }
        if !(0.0..=10_000.0).contains(&self.history_rate) {
            bail!("--history-rate is between 0 and 10000 page loads per second");
        }
        Ok(())
    }

    /// A spread run is valid when every worker's slice is a valid run of its own.
    fn check_slices(&self) -> anyhow::Result<()> {
        if self.users > MAX_USERS_PER_PROCESS * self.workers {
            bail!("--users is at most {MAX_USERS_PER_PROCESS} per worker");
        }
        for i in 0..self.workers {
            let mut slice = self.slice(i);
            // The parent settles the prefix; any valid one checks the slice here.
            slice.prefix = Some(format!("{}w{i}_", self.prefix.as_deref().unwrap_or("bench_x_")));
            slice.check().with_context(|| format!("--workers {} cannot split this run evenly enough (worker {i} would get {} users, {} direct chats, {} groups)", self.workers, slice.users, slice.pairs(), slice.groups))?;
        }
        Ok(())
    }

    /// Worker `i`'s independent share of the run: its own users, chats built from them with
    /// the same shape, the same duration, and a share of the rates. The parent reads server
    /// memory and writes the report, so the worker does neither.
    pub fn slice(&self, i: usize) -> Args {
        let n = self.workers.max(1);
        let part = |total: usize| total / n + usize::from(i < total % n);
        let mut a = self.clone();
        a.users = part(self.users);
        a.pairs = Some(part(self.pairs()));
        a.groups = part(self.groups);
        a.rate = self.rate / n as f64;
        a.history_rate = self.history_rate / n as f64;
        a.seed = self.seed.map(|s| s.wrapping_add(i as u64));
        a.prefix = self.prefix.as_ref().map(|p| format!("{p}w{i}_"));
        a.users_file = self.users_file.as_ref().map(|p| worker_file(p, i));
        a.server_pids = Vec::new();
        (a.workers, a.worker, a.quiet, a.json, a.json_file, a.check) = (1, true, true, false, None, false);
        a
    }

    /// The base URLs, without a trailing slash.
    pub fn bases(&self) -> Vec<String> {
        self.targets.iter().map(|t| t.trim_end_matches('/').to_owned()).collect()
    }
}

/// Worker `i`'s users file: `PATH.w<i>`.
pub fn worker_file(path: &std::path::Path, i: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".w{i}"));
    PathBuf::from(name)
}

/// Only this machine may be loaded: a load tool pointed elsewhere is an attack.
pub fn check_loopback(target: &str) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(target).with_context(|| format!("--target {target} is not a URL"))?;
    if url.scheme() != "http" {
        bail!("--target {target}: only http:// URLs (the targets are on this machine)");
    }
    if url.path() != "/" || url.query().is_some() {
        bail!("--target {target}: give the base URL only, like http://127.0.0.1:8080");
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    if !loopback {
        bail!("--target {target}: only loopback addresses (127.0.0.0/8, ::1) and localhost are accepted");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        Args::parse_from(["chat-bench"].iter().chain(extra))
    }

    #[test]
    fn only_loopback_targets_are_accepted() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:443/", "http://127.1.2.3"] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:8080",
            "http://example.com",
            "http://0.0.0.0:80",
            "ftp://127.0.0.1",
            "https://127.0.0.1",
            "http://127.0.0.1/api",
            "http://localhost.example.com",
        ] {
            assert!(check_loopback(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_are_a_valid_small_run() {
        let a = args(&[]);
        a.check().unwrap();
        assert_eq!(a.pairs(), 25);
        assert_eq!(args(&["--groups", "1"]).pairs(), 0);
    }

    #[test]
    fn impossible_shapes_are_refused() {
        assert!(args(&["--users", "10", "--pairs", "6"]).check().is_err());
        assert!(args(&["--users", "10", "--groups", "1", "--group-size", "11"]).check().is_err());
        assert!(args(&["--users", "400", "--groups", "1", "--group-size", "301"]).check().is_err());
        assert!(args(&["--users", "10", "--groups", "101", "--group-size", "10"]).check().is_err());
        assert!(args(&["--send", "ws", "--receive", "sse"]).check().is_err());
        assert!(args(&["--target", "http://192.168.1.1"]).check().is_err());
        assert!(args(&["--source-ips", "255"]).check().is_err());
        assert!(args(&["--source-ips", "4", "--target", "http://localhost:8080"]).check().is_err());
        args(&["--source-ips", "4", "--target", "http://127.0.0.1:8080"]).check().unwrap();
        assert!(args(&["--users", "20001"]).check().is_err());
        args(&["--users", "20001", "--workers", "2"]).check().unwrap();
        // 10 users over 4 workers cannot hold 5 disjoint pairs inside the workers.
        assert!(args(&["--users", "10", "--workers", "4"]).check().is_err());
    }

    #[test]
    fn slices_share_the_run_and_add_up() {
        let a = args(&[
            "--users",
            "301",
            "--pairs",
            "100",
            "--groups",
            "4",
            "--group-size",
            "20",
            "--rate",
            "30",
            "--history-rate",
            "3",
            "--workers",
            "3",
            "--prefix",
            "p_",
            "--users-file",
            "/tmp/u.json",
            "--server-pid",
            "1",
            "--json",
            "--check",
            "--seed",
            "7",
        ]);
        a.check().unwrap();
        let slices: Vec<Args> = (0..3).map(|i| a.slice(i)).collect();
        assert_eq!(slices.iter().map(|s| s.users).collect::<Vec<_>>(), [101, 100, 100]);
        assert_eq!(slices.iter().map(Args::pairs).sum::<usize>(), 100);
        assert_eq!(slices.iter().map(|s| s.groups).collect::<Vec<_>>(), [2, 1, 1]);
        let s = &slices[2];
        assert!((s.rate - 10.0).abs() < 1e-9 && (s.history_rate - 1.0).abs() < 1e-9);
        assert_eq!(s.prefix.as_deref(), Some("p_w2_"));
        assert_eq!(s.users_file.as_deref(), Some(std::path::Path::new("/tmp/u.json.w2")));
        assert_eq!(s.seed, Some(9));
        assert!(s.worker && s.quiet && !s.json && !s.check && s.server_pids.is_empty() && s.workers == 1);
        assert!((s.duration - a.duration).abs() < 1e-9);
        s.check().unwrap();
    }

    #[test]
    fn slices_travel_as_json() {
        let a = args(&["--users", "40", "--workers", "2", "--send", "http", "--source-ips", "3"]).slice(1);
        let back: Args = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!((back.users, back.send, back.source_ips, back.worker), (20, SendVia::Http, 3, true));
    }
}
