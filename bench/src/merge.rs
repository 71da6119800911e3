//! One report from the workers' reports of a spread run: counts and errors summed,
//! histograms merged bucket by bucket, the phases timed by the slowest worker (they run side
//! by side), server memory as the parent read it.

use crate::cli::Args;
use crate::report::{
    ConnectInfo, Correctness, Latencies, Memory, Report, RunInfo, Scenario, SetupInfo, Throughput, WorkersInfo,
};
use crate::stats::{Latency, add_dump, histogram, rss_kib};
use std::collections::BTreeMap;

pub struct Parent<'a> {
    /// The whole run's arguments (not a slice).
    pub args: &'a Args,
    pub bases: &'a [String],
    pub instances: usize,
    pub run_id: &'a str,
    pub seed: u64,
    /// Server RSS (KiB) before any worker connected, after all connected (+1 s), at the end.
    pub rss: [Option<u64>; 3],
    /// Why workers failed, one line each.
    pub failures: Vec<String>,
}

fn max(reports: &[Report], f: impl Fn(&Report) -> f64) -> f64 {
    reports.iter().map(f).fold(0.0, f64::max)
}

fn sum(reports: &[Report], f: impl Fn(&Report) -> f64) -> f64 {
    reports.iter().map(f).sum()
}

fn count(reports: &[Report], f: impl Fn(&Report) -> u64) -> u64 {
    reports.iter().map(f).sum()
}

/// Merges one histogram of every worker.
fn latency(reports: &[Report], pick: impl Fn(&crate::report::Histograms) -> &Vec<[u64; 2]>) -> anyhow::Result<Latency> {
    let mut h = histogram()?;
    for dump in reports.iter().filter_map(|r| r.histograms.as_ref()).map(pick) {
        add_dump(&mut h, dump);
    }
    Ok(Latency::of_histogram(&h))
}

pub fn merge(p: Parent<'_>, reports: Vec<Report>) -> anyhow::Result<Report> {
    let r = &reports;
    let a = p.args;
    let connected = count(r, |x| x.connect.connected as u64) as usize;
    let connect_secs = max(r, |x| x.connect.secs);
    let [before, connected_rss, end] = p.rss;
    let per_connection = match (before, connected_rss) {
        (Some(b), Some(c)) if connected > 0 => Some((c as f64 - b as f64) / connected as f64),
        _ => None,
    };
    let client_rss = reports.iter().filter_map(|x| x.memory.client_rss_kib).sum::<u64>() + rss_kib("self").unwrap_or(0);

    let mut correctness = Correctness::default();
    for c in reports.iter().map(|x| &x.correctness) {
        correctness.committed += c.committed;
        correctness.expected += c.expected;
        correctness.received += c.received;
        correctness.lost += c.lost;
        correctness.duplicated += c.duplicated;
        correctness.out_of_order += c.out_of_order;
        correctness.problem_chats.extend(c.problem_chats.iter().cloned());
    }
    correctness.problem_chats.truncate(10);

    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    for (kind, n) in reports.iter().flat_map(|x| &x.errors) {
        *errors.entry(kind.clone()).or_insert(0) += n;
    }
    for why in &p.failures {
        // The worker number is left out of the kind so that like failures add up.
        *errors.entry(why.split(" (worker ").next().unwrap_or(why).to_owned()).or_insert(0) += 1;
    }

    let mut scenario = Scenario::of(a);
    scenario.workers = Some(a.workers);
    Ok(Report {
        run: RunInfo { id: p.run_id.to_owned(), seed: p.seed, targets: p.bases.to_vec(), instances: p.instances },
        scenario,
        setup: SetupInfo {
            users_secs: max(r, |x| x.setup.users_secs),
            // Only what the workers that reported did: a failed worker's users are neither.
            reused_users: a
                .users_file
                .is_some()
                .then(|| count(r, |x| x.setup.reused_users.unwrap_or(0) as u64) as usize),
            signed_in_users: a
                .users_file
                .is_some()
                .then(|| count(r, |x| x.setup.signed_in_users.unwrap_or(0) as u64) as usize),
            chats: count(r, |x| x.setup.chats as u64) as usize,
            chats_secs: max(r, |x| x.setup.chats_secs),
        },
        connect: ConnectInfo {
            attempted: a.users,
            connected,
            secs: connect_secs,
            per_sec: if connect_secs > 0.0 { connected as f64 / connect_secs } else { 0.0 },
            time_to_ready: latency(r, |h| &h.connect)?,
        },
        memory: Memory {
            server_rss_kib_before: before,
            server_rss_kib_connected: connected_rss,
            server_rss_kib_end: end,
            server_kib_per_connection: per_connection,
            client_rss_kib: Some(client_rss),
        },
        // The workers send side by side over the same seconds, so their rates add up.
        throughput: Throughput {
            intended_per_sec: a.rate,
            sent: count(r, |x| x.throughput.sent),
            sent_per_sec: sum(r, |x| x.throughput.sent_per_sec),
            acked: count(r, |x| x.throughput.acked),
            acked_per_sec: sum(r, |x| x.throughput.acked_per_sec),
            deliveries: count(r, |x| x.throughput.deliveries),
            deliveries_per_sec: sum(r, |x| x.throughput.deliveries_per_sec),
            intended_deliveries_per_sec: sum(r, |x| x.throughput.intended_deliveries_per_sec),
            echoes: count(r, |x| x.throughput.echoes),
            send_secs: max(r, |x| x.throughput.send_secs),
            drain_secs: max(r, |x| x.throughput.drain_secs),
        },
        latency: Latencies {
            send_to_ack: latency(r, |h| &h.ack)?,
            send_to_receive: latency(r, |h| &h.delivery)?,
            send_to_receive_same_instance: latency(r, |h| &h.delivery_local)?,
            send_to_receive_cross_instance: latency(r, |h| &h.delivery_cross)?,
            history: if a.history_rate > 0.0 { Some(latency(r, |h| &h.history)?) } else { None },
        },
        correctness,
        errors,
        workers: Some(WorkersInfo { count: a.workers, failed: p.failures.len() }),
        histograms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Stats;
    use clap::Parser;

    /// A worker's report as it would come over the pipe.
    fn worker_report(args: &Args, latencies_ms: &[u64], connect_secs: f64, lost: u64) -> Report {
        let stats = Stats::new(args.rate, 1).unwrap();
        for &ms in latencies_ms {
            stats.delivery.lock().unwrap().record(ms * 1000).unwrap();
            stats.ack.lock().unwrap().record(ms * 500).unwrap();
            stats.history.lock().unwrap().record(ms * 2000).unwrap();
        }
        stats.sent.store(latencies_ms.len() as u64, std::sync::atomic::Ordering::Relaxed);
        stats.deliveries.store(latencies_ms.len() as u64, std::sync::atomic::Ordering::Relaxed);
        stats.error("live: websocket closed by the server");
        let mut report = Report::new(crate::report::Inputs {
            args,
            bases: &["http://127.0.0.1:1".to_owned()],
            instances: 1,
            run_id: "w",
            seed: 1,
            chats: &[],
            stats: &stats,
            users_secs: 1.0,
            chats_secs: 0.5,
            connect_secs,
            connected: args.users,
            send_secs: 3.0,
            drain_secs: 0.2,
            rss: [None; 3],
            correctness: Correctness { lost, committed: 10, ..Correctness::default() },
            reused_users: Some(args.users / 2),
        });
        assert!(report.histograms.is_some(), "a worker's report carries its histograms");
        report = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
        report
    }

    #[test]
    fn worker_reports_add_up_and_histograms_merge() {
        let whole = Args::parse_from([
            "chat-bench",
            "--users",
            "300",
            "--workers",
            "3",
            "--rate",
            "30",
            "--history-rate",
            "3",
            "--users-file",
            "/tmp/x",
        ]);
        let slice = whole.slice(0);
        let reports = vec![
            worker_report(&slice, &[1, 2, 3], 2.0, 0),
            worker_report(&slice, &[4, 5], 4.0, 2),
            worker_report(&slice, &[6, 1000], 1.0, 0),
        ];
        let parent = Parent {
            args: &whole,
            bases: &["http://127.0.0.1:1".to_owned()],
            instances: 1,
            run_id: "p",
            seed: 9,
            rss: [Some(1000), Some(4000), Some(4100)],
            failures: vec!["worker: no report within 120 s, killed (worker 2)".into()],
        };
        let m = merge(parent, reports).unwrap();
        assert_eq!((m.run.id.as_str(), m.run.seed, m.scenario.users, m.scenario.workers), ("p", 9, 300, Some(3)));
        assert_eq!(m.connect.connected, 300);
        assert!(
            (m.connect.secs - 4.0).abs() < 1e-9 && (m.connect.per_sec - 75.0).abs() < 1e-9,
            "slowest worker's time, all connections"
        );
        assert_eq!(m.memory.server_kib_per_connection, Some(10.0));
        assert_eq!((m.setup.reused_users, m.setup.signed_in_users), (Some(150), Some(150)));
        assert_eq!(m.throughput.sent, 7);
        assert_eq!(m.latency.send_to_receive.count, 7);
        assert!((m.latency.send_to_receive.max_ms - 1000.0).abs() < 1.0);
        assert!((m.latency.send_to_receive.p50_ms - 4.0).abs() < 0.01, "{}", m.latency.send_to_receive.p50_ms);
        assert_eq!(m.latency.history.as_ref().map(|h| h.count), Some(7));
        assert_eq!((m.correctness.lost, m.correctness.committed), (2, 30));
        assert_eq!(m.errors["live: websocket closed by the server"], 3);
        assert_eq!(m.errors["worker: no report within 120 s, killed"], 1);
        assert!(m.histograms.is_none());
        assert!(m.failures().iter().any(|f| f.contains("1 of 3 workers failed")));
    }
}
