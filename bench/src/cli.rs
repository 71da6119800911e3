//! Command-line flags and their checks.

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use std::net::IpAddr;

/// Groups a user may belong to and members a group may have (the server's limits).
pub const MAX_GROUPS_PER_USER: usize = 100;
pub const MAX_GROUP_MEMBERS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SendVia {
    /// `message.send` frames on each sender's WebSocket, answered by `ack`.
    Ws,
    /// `POST /api/chats/{id}/messages`, answered by 201.
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
#[derive(Debug, Clone, Parser)]
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
        if !(2..=20_000).contains(&self.users) {
            bail!("--users must be between 2 and 20000");
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
                bail!("{} groups of {} would put a user in {per_user} groups; the server allows {MAX_GROUPS_PER_USER}", self.groups, self.group_size);
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
        if let Some(prefix) = &self.prefix
            && (prefix.len() > 30 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            bail!("--prefix is up to 30 letters, digits, '_' or '-'");
        }
        Ok(())
    }

    /// The base URLs, without a trailing slash.
    pub fn bases(&self) -> Vec<String> {
        self.targets.iter().map(|t| t.trim_end_matches('/').to_owned()).collect()
    }
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
        for bad in ["http://10.0.0.1:8080", "http://example.com", "http://0.0.0.0:80", "ftp://127.0.0.1", "https://127.0.0.1", "http://127.0.0.1/api", "http://localhost.example.com"] {
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
    }
}
