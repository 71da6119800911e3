//! `--workers N`: the run spread over N child processes (this same program), each with its own
//! open-files limit and an independent slice of the run (`Args::slice`). The parent keeps the
//! phases in step over each child's stdin/stdout, one line each way:
//!
//! ```text
//! parent → child   {args of the slice as JSON}
//! child  → parent  setup-done      (users signed in, chats made)   parent: RSS before
//! parent → child   connect
//! child  → parent  connected                                       parent: +1 s, RSS connected
//! parent → child   go
//! child  → parent  drained         (sent, acks and deliveries in)  parent: RSS at the end
//! parent → child   finish
//! child  → parent  report {JSON}   (with its raw histograms)       parent: merges
//! ```
//!
//! A child answers `error <text>` instead when its run fails. A child that does not answer in
//! time is killed; a child whose stdin closes (the parent is gone) exits at once.

use crate::cli::Args;
use crate::merge::{Parent, merge};
use crate::report::Report;
use crate::users_file::UsersFile;
use anyhow::{Context, anyhow, bail};
use futures_util::future::join_all;
use indicatif::ProgressBar;
use std::process::{ExitCode, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::mpsc;

/// Where a run waits for its parent between phases; a run of its own never waits.
pub struct Gate {
    parent: Option<mpsc::UnboundedReceiver<String>>,
}

impl Gate {
    pub fn alone() -> Self {
        Self { parent: None }
    }

    pub fn is_worker(&self) -> bool {
        self.parent.is_some()
    }

    /// A worker reads its parent's lines on a thread of its own: a blocked read must not hold
    /// up the end of the process, and the end of stdin means the parent is gone.
    fn worker() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    return;
                }
            }
            eprintln!("chat-bench worker: the parent is gone; stopping");
            std::process::exit(3);
        });
        Self { parent: Some(rx) }
    }

    async fn next_line(&mut self) -> anyhow::Result<String> {
        let parent = self.parent.as_mut().ok_or_else(|| anyhow!("not a worker"))?;
        parent.recv().await.ok_or_else(|| anyhow!("the parent is gone"))
    }

    /// Tells the parent that `done` is done and waits for its `next`.
    pub async fn pass(&mut self, done: &str, next: &str) -> anyhow::Result<()> {
        if self.parent.is_none() {
            return Ok(());
        }
        println!("{done}");
        let line = self.next_line().await?;
        if line.trim() != next {
            bail!("expected {next:?} from the parent, got {line:?}");
        }
        Ok(())
    }
}

/// A worker's whole life: its slice from stdin, the run in step with the parent, the report.
pub async fn child_main() -> ExitCode {
    let mut gate = Gate::worker();
    let out = async {
        let line = gate.next_line().await?;
        let args: Args = serde_json::from_str(&line).context("reading the worker's arguments")?;
        args.check()?;
        crate::run(&args, &mut gate).await
    }
    .await;
    match out.and_then(|report| Ok(serde_json::to_string(&report)?)) {
        Ok(json) => {
            println!("report {json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("error {}", format!("{e:#}").replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

struct Worker {
    index: usize,
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    /// Why it stopped counting (killed or failed); None while it runs.
    failed: Option<String>,
}

impl Worker {
    fn spawn(index: usize) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding this program to start workers")?;
        let mut command = Command::new(exe);
        command.arg("--worker");
        Self::start(index, command)
    }

    fn start(index: usize, mut command: Command) -> anyhow::Result<Self> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // Whatever way the parent leaves a phase, no worker outlives it.
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting worker {index}"))?;
        let stdin = child.stdin.take().ok_or_else(|| anyhow!("worker {index} has no stdin"))?;
        let stdout =
            BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("worker {index} has no stdout"))?).lines();
        Ok(Self { index, child, stdin, stdout, failed: None })
    }

    async fn tell(&mut self, line: &str) {
        if self.failed.is_some() {
            return;
        }
        let sent = async {
            self.stdin.write_all(format!("{line}\n").as_bytes()).await?;
            self.stdin.flush().await
        };
        if let Err(e) = sent.await {
            self.fail(format!("worker: could not be told to {line}: {e}"));
        }
    }

    /// The worker's next line, which must start with `word`; returns the rest of it.
    async fn expect(&mut self, word: &str) -> anyhow::Result<String> {
        let line = self.stdout.next_line().await?.ok_or_else(|| anyhow!("exited"))?;
        if let Some(text) = line.strip_prefix("error ") {
            bail!("{text}");
        }
        match line.strip_prefix(word) {
            Some(rest) => Ok(rest.trim_start().to_owned()),
            None => bail!("said {:?} instead of {word}", line.chars().take(80).collect::<String>()),
        }
    }

    fn fail(&mut self, why: String) {
        let _ = self.child.start_kill();
        self.failed.get_or_insert(why);
    }
}

/// Waits for every running worker to say `word` (bounded by `secs`); a worker that does not,
/// or fails, is killed and marked. Returns what each running worker said.
async fn phase(workers: &mut [Worker], word: &str, secs: f64, bar: &ProgressBar) -> Vec<Option<String>> {
    bar.reset();
    bar.set_message(format!("waiting for {word}"));
    let waits = workers.iter_mut().map(|w| async move {
        if w.failed.is_some() {
            return None;
        }
        let said = tokio::time::timeout(Duration::from_secs_f64(secs), w.expect(word)).await;
        bar.inc(1);
        match said {
            Ok(Ok(rest)) => Some(rest),
            Ok(Err(e)) => {
                w.fail(format!("worker: failed before {word}: {e:#}"));
                None
            }
            Err(_) => {
                w.fail(format!("worker: no {word} within {secs:.0} s, killed"));
                None
            }
        }
    });
    join_all(waits).await
}

async fn tell_all(workers: &mut [Worker], line: &str) {
    join_all(workers.iter_mut().map(|w| w.tell(line))).await;
}

/// The prefix of a spread run: --prefix, else the one kept in the users file, else fresh.
/// With a users file the parent keeps the prefix in PATH and each worker its users in PATH.w<i>.
fn settle_prefix(args: &Args, run_id: &str) -> anyhow::Result<String> {
    let Some(path) = &args.users_file else {
        return Ok(args.prefix.clone().unwrap_or_else(|| format!("bench_{run_id}_")));
    };
    let mut file = UsersFile::load(path)?;
    let prefix = args.prefix.clone().or_else(|| file.prefix.clone()).unwrap_or_else(|| format!("bench_{run_id}_"));
    if file.prefix.as_deref() != Some(&prefix) {
        file.prefix = Some(prefix.clone());
        file.save(path)?;
    }
    Ok(prefix)
}

/// The parent of a spread run: starts the workers, keeps them in step, reads server memory
/// between phases exactly where a single process does, and merges the workers' reports.
pub async fn run_parent(args: &Args) -> anyhow::Result<Report> {
    let bases = args.bases();
    crate::check_targets(&crate::net::Net::new(1)?, &bases).await?;
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut whole = args.clone();
    whole.prefix = Some(settle_prefix(args, &run_id)?);
    whole.seed = Some(seed);
    let n = args.workers;
    // Generous bounds: every sign-in hashes a password (~100/s on 2 cores), connections ramp
    // at some hundreds a second, and a worker's run ends by itself after duration + drains.
    let setup_secs = 120.0 + 0.05 * args.users as f64;
    let connect_secs = 60.0 + 0.02 * args.users as f64;
    let run_secs = args.duration + 5.0 + 3.0 * args.drain + 60.0;
    let report_secs = 120.0 + 0.01 * args.users as f64;

    let mut workers = Vec::with_capacity(n);
    for i in 0..n {
        let mut w = Worker::spawn(i)?;
        let slice = serde_json::to_string(&whole.slice(i))?;
        w.tell(&slice).await;
        workers.push(w);
    }
    let bar = crate::bar(args, n as u64, "workers");
    phase(&mut workers, "setup-done", setup_secs, &bar).await;
    // Without every worker's users and chats the run is not the one asked for.
    if let Some(w) = workers.iter().find(|w| w.failed.is_some()) {
        bail!("worker {}: {}", w.index, w.failed.as_deref().unwrap_or_default());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = crate::stats::servers_rss_kib(&args.server_pids);
    tell_all(&mut workers, "connect").await;
    phase(&mut workers, "connected", connect_secs, &bar).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = crate::stats::servers_rss_kib(&args.server_pids);
    tell_all(&mut workers, "go").await;
    phase(&mut workers, "drained", run_secs, &bar).await;
    let rss_end = crate::stats::servers_rss_kib(&args.server_pids);
    tell_all(&mut workers, "finish").await;
    let said = phase(&mut workers, "report", report_secs, &bar).await;
    bar.finish_and_clear();

    let mut reports = Vec::with_capacity(n);
    for (w, json) in workers.iter_mut().zip(said) {
        match json.map(|j| serde_json::from_str::<Report>(&j)) {
            Some(Ok(report)) => reports.push(report),
            Some(Err(e)) => w.fail(format!("worker: unreadable report: {e}")),
            None => {}
        }
    }
    for w in &mut workers {
        if w.failed.is_none() {
            let _ = tokio::time::timeout(Duration::from_secs(10), w.child.wait()).await;
        }
    }
    let failures: Vec<String> =
        workers.iter().filter_map(|w| w.failed.as_ref().map(|why| format!("{why} (worker {})", w.index))).collect();
    for why in &failures {
        eprintln!("chat-bench: {why}");
    }
    let instances = if args.same_instance { 1 } else { bases.len() };
    merge(
        Parent {
            args: &whole,
            bases: &bases,
            instances,
            run_id: &run_id,
            seed,
            rss: [rss_before, rss_connected, rss_end],
            failures,
        },
        reports,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::worker_file;
    use clap::Parser;

    #[test]
    fn the_prefix_is_kept_in_the_parents_file() {
        let dir = std::env::temp_dir().join(format!("chat-bench-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users.json");
        let args = Args::parse_from(["chat-bench", "--workers", "2", "--users-file", path.to_str().unwrap()]);
        let first = settle_prefix(&args, "abc").unwrap();
        assert_eq!(first, "bench_abc_");
        assert_eq!(settle_prefix(&args, "def").unwrap(), "bench_abc_", "a rerun reuses the kept prefix");
        let mut given = args.clone();
        given.prefix = Some("mine_".into());
        assert_eq!(settle_prefix(&given, "def").unwrap(), "mine_");
        assert_eq!(worker_file(&path, 1), dir.join("users.json.w1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn script(text: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(text);
        command
    }

    #[tokio::test]
    async fn phases_take_answers_and_kill_the_silent_and_the_failed() {
        let mut workers = vec![
            Worker::start(0, script(r#"echo setup-done; read word; echo "report {\"got\":\"$word\"}""#)).unwrap(),
            Worker::start(1, script("echo error no server here")).unwrap(),
            Worker::start(2, script("sleep 30")).unwrap(),
        ];
        let bar = ProgressBar::hidden();
        let said = phase(&mut workers, "setup-done", 1.0, &bar).await;
        assert_eq!(said[0].as_deref(), Some(""));
        assert!(
            said[1].is_none() && workers[1].failed.as_deref().is_some_and(|f| f.contains("no server here")),
            "{:?}",
            workers[1].failed
        );
        assert!(
            said[2].is_none()
                && workers[2].failed.as_deref().is_some_and(|f| f.contains("no setup-done within 1 s, killed")),
            "{:?}",
            workers[2].failed
        );
        tell_all(&mut workers, "go").await;
        let said = phase(&mut workers, "report", 1.0, &bar).await;
        assert_eq!(said[0].as_deref(), Some(r#"{"got":"go"}"#));
        assert!(workers[0].failed.is_none());
        // The silent one was killed, not left behind.
        let status = tokio::time::timeout(Duration::from_secs(5), workers[2].child.wait()).await.unwrap().unwrap();
        assert!(!status.success());
    }
}
