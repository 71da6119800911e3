//! `chat-bench`: load and correctness benchmark for Parlor, driving the public HTTP API and the
//! live transports exactly as clients do. See bench/README.md.

mod cli;
mod history;
mod live;
mod merge;
mod net;
mod report;
mod setup;
mod stats;
mod users_file;
mod workers;

use anyhow::{Context, bail};
use clap::Parser;
use cli::{Args, Receive, SendVia};
use futures_util::{StreamExt, stream};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use live::{Conn, Ctx};
use net::Net;
use rand::{Rng, SeedableRng, rngs::StdRng};
use report::Report;
use serde_json::json;
use setup::{Chat, User};
use stats::Stats;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use users_file::UsersFile;
use workers::Gate;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.worker {
        return workers::child_main().await;
    }
    if let Err(e) = args.check() {
        eprintln!("chat-bench: {e:#}");
        return ExitCode::from(2);
    }
    let report = if args.workers > 1 { workers::run_parent(&args).await } else { run(&args, &mut Gate::alone()).await };
    match report {
        Ok(report) => {
            if let Some(path) = &args.json_file {
                let written = serde_json::to_string_pretty(&report)
                    .map_err(anyhow::Error::from)
                    .and_then(|text| Ok(std::fs::write(path, text + "\n")?));
                if let Err(e) = written {
                    eprintln!("chat-bench: writing {}: {e:#}", path.display());
                }
            }
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("chat-bench: {e}"),
                }
            } else {
                print!("{}", report.table());
            }
            let _ = std::io::Write::flush(&mut std::io::stdout());
            let failures = report.failures();
            if args.check && !failures.is_empty() {
                eprintln!("chat-bench: CHECK FAILED: {}", failures.join("; "));
                return ExitCode::from(1);
            }
            if args.check {
                eprintln!("chat-bench: check passed");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("chat-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn bar(args: &Args, len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if args.quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template("{prefix:>10} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_owned());
    bar
}

/// Every target must answer before anything is set up.
async fn check_targets(net: &Net, bases: &[String]) -> anyhow::Result<()> {
    for base in bases {
        let res = net
            .http(0)
            .get(format!("{base}/health"))
            .send()
            .await
            .with_context(|| format!("{base} does not answer"))?;
        if !res.status().is_success() {
            bail!("{base}/health answered {}", res.status());
        }
    }
    Ok(())
}

/// One run in this process: alone, or as a worker that `gate` keeps in step with its parent.
async fn run(args: &Args, gate: &mut Gate) -> anyhow::Result<Report> {
    let bases = args.bases();
    let instances = if args.same_instance { 1 } else { bases.len() };
    let instance_of = |i: usize| i % instances;
    let net = Net::new(args.source_ips)?;
    if let Some(limit) = stats::open_files_limit()
        && (args.users as u64) + 256 > limit
    {
        eprintln!(
            "chat-bench: warning: {} connections but only {limit} open files allowed (ulimit -n); see --workers",
            args.users
        );
    }
    check_targets(&net, &bases).await?;

    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let mut file = match &args.users_file {
        Some(path) => Some(UsersFile::load(path)?),
        None => None,
    };
    // With a users file and no --prefix, the usernames of the file's last run come back.
    let prefix = args
        .prefix
        .clone()
        .or_else(|| file.as_ref().and_then(|f| f.prefix.clone()))
        .unwrap_or_else(|| format!("bench_{run_id}_"));
    let seed = args.seed.unwrap_or_else(rand::random);

    // Users: register and sign in (or take them from the users file).
    let started = Instant::now();
    let b = bar(args, args.users as u64, "users");
    let (users, reused_users) = match (&mut file, &args.users_file) {
        (Some(file), Some(path)) => {
            let (users, reused) = users_from_file(args, &net, &bases, &prefix, file, &b).await?;
            file.save(path)?;
            (users, Some(reused))
        }
        _ => {
            let signed = setup::sign_in(
                &net,
                &bases,
                &prefix,
                (0..args.users).collect(),
                args.setup_concurrency,
                instance_of,
                &b,
            )
            .await?;
            (signed.into_iter().map(|s| s.user).collect(), None)
        }
    };
    b.finish_and_clear();
    let users_secs = started.elapsed().as_secs_f64();

    // Chats.
    let started = Instant::now();
    let shapes = setup::shapes(args.users, args.pairs(), args.groups, args.group_size);
    let b = bar(args, shapes.len() as u64, "chats");
    let chats = setup::chats(&net, &bases, &users, shapes, args.setup_concurrency, &b).await?;
    b.finish_and_clear();
    let chats_secs = started.elapsed().as_secs_f64();
    // Where each chat stands before anyone connects (a group may start with a notice).
    let base_seqs = setup::latest_seqs(&net, &bases, &users, &chats, args.setup_concurrency).await?;

    let stats = Arc::new(Stats::new(args.rate, chats.len())?);
    let ctx = Arc::new(Ctx {
        stats: stats.clone(),
        run: run_id.clone(),
        chat_index: chats.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect(),
        chat_members: chats.iter().map(|c| c.members.len()).collect(),
        instance: users.iter().map(|u| u.instance).collect(),
    });

    // Connect everyone. A worker's parent waits and reads the server's memory itself.
    gate.pass("setup-done", "connect").await?;
    if !gate.is_worker() {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let rss_before = stats::servers_rss_kib(&args.server_pids);
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let b = bar(args, args.users as u64, "connect");
    let conns = connect_all(args, &ctx, &net, &bases, &users, &stop_rx, &b).await;
    b.finish_and_clear();
    let connect_secs = started.elapsed().as_secs_f64();
    let connected = conns.iter().filter(|c| c.is_some()).count();
    if !gate.is_worker() {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let rss_connected = stats::servers_rss_kib(&args.server_pids);
    gate.pass("connected", "go").await?;

    // Send on the open-loop schedule (or hold the connections when the rate is 0), with
    // history page loads alongside when asked for.
    let sending = async {
        if args.rate > 0.0 {
            send_all(args, &ctx, &net, &bases, &users, &chats, &conns, seed).await
        } else {
            hold(args, &stats).await
        }
    };
    let reading = history::run(history::Load {
        rate: args.history_rate,
        duration: args.duration,
        drain: args.drain,
        max_in_flight: args.max_in_flight,
        seed,
        net: &net,
        bases: &bases,
        users: &users,
        chats: &chats,
        stats: stats.clone(),
    });
    let (send_secs, ()) = tokio::join!(sending, reading);

    // Drain: wait for outstanding acks and deliveries, bounded in time.
    let drain_started = Instant::now();
    let deadline = drain_started + Duration::from_secs_f64(args.drain);
    while Instant::now() < deadline {
        let sent = Stats::load(&stats.sent);
        let done = Stats::load(&stats.completed) >= sent;
        let received = Stats::load(&stats.deliveries) + Stats::load(&stats.echoes);
        if done && received >= Stats::load(&stats.expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let unanswered = Stats::load(&stats.sent).saturating_sub(Stats::load(&stats.completed));
    for _ in 0..unanswered {
        stats.on_send_error("send: no answer before the drain ended");
    }
    let drain_secs = drain_started.elapsed().as_secs_f64();
    let rss_end = stats::servers_rss_kib(&args.server_pids);
    gate.pass("drained", "finish").await?;

    // What the database holds now; then stop the readers and collect what each saw.
    let final_seqs = setup::latest_seqs(&net, &bases, &users, &chats, args.setup_concurrency).await?;
    let _ = stop_tx.send(true);
    let mut views = Vec::with_capacity(conns.len());
    for conn in conns {
        let view = match conn {
            Some(Conn { outbox, reader }) => {
                drop(outbox);
                tokio::time::timeout(Duration::from_secs(10), reader).await.ok().and_then(Result::ok)
            }
            None => None,
        };
        views.push(view.unwrap_or_default());
    }
    if args.users_file.is_some() {
        for failure in setup::delete_groups(&net, &bases, &users, &chats, args.setup_concurrency).await {
            stats.error(failure);
        }
    }

    let correctness = report::correctness(&chats, &base_seqs, &final_seqs, &stats, &views);
    Ok(Report::new(report::Inputs {
        args,
        bases: &bases,
        instances,
        run_id: &run_id,
        seed,
        chats: &chats,
        stats: &stats,
        users_secs,
        chats_secs,
        connect_secs,
        connected,
        send_secs,
        drain_secs,
        rss: [rss_before, rss_connected, rss_end],
        correctness,
        reused_users,
    }))
}

/// Users from the users file whose tokens outlive this run, the others signed in and saved
/// into `file`; returns them all and how many were reused.
async fn users_from_file(
    args: &Args,
    net: &Net,
    bases: &[String],
    prefix: &str,
    file: &mut UsersFile,
    b: &ProgressBar,
) -> anyhow::Result<(Vec<User>, usize)> {
    let instances = if args.same_instance { 1 } else { bases.len() };
    let instance_of = |i: usize| i % instances;
    let until = users_file::unix_now() + (args.duration + args.drain).ceil() as u64 + users_file::MARGIN_SECS;
    let mut found = file.reusable(bases, prefix, args.users, instance_of, until);
    // One request per target, no hashing: a server started on a fresh DATA_DIR (other
    // secrets, other database) takes none of the saved tokens, so sign everyone in again.
    for (at, base) in bases.iter().enumerate() {
        let Some((i, sample)) =
            found.iter().enumerate().find_map(|(i, u)| u.as_ref().filter(|u| u.instance == at).map(|u| (i, u)))
        else {
            continue;
        };
        if !setup::token_works(net.http(i), base, sample).await? {
            eprintln!("chat-bench: {base} refuses the saved tokens; signing everyone in again");
            file.forget(base);
            found.iter_mut().filter(|u| u.as_ref().is_some_and(|u| u.instance == at)).for_each(|u| *u = None);
        }
    }
    let todo: Vec<usize> = (0..args.users).filter(|&i| found[i].is_none()).collect();
    let reused = args.users - todo.len();
    b.inc(reused as u64);
    for s in setup::sign_in(net, bases, prefix, todo, args.setup_concurrency, instance_of, b).await? {
        let saved = users_file::Saved { id: s.user.id.clone(), token: s.user.token.clone(), expires_at: s.expires_at };
        file.put(&bases[s.user.instance], format!("{prefix}{}", s.index), saved);
        found[s.index] = Some(s.user);
    }
    file.prefix = Some(prefix.to_owned());
    let users = found
        .into_iter()
        .collect::<Option<Vec<User>>>()
        .ok_or_else(|| anyhow::anyhow!("a user was neither reused nor signed in"))?;
    Ok((users, reused))
}

async fn connect_all(
    args: &Args,
    ctx: &Arc<Ctx>,
    net: &Net,
    bases: &[String],
    users: &[User],
    stop: &watch::Receiver<bool>,
    b: &ProgressBar,
) -> Vec<Option<Conn>> {
    let jobs = users.iter().enumerate().map(|(i, user)| {
        let (ctx, stop) = (ctx.clone(), stop.clone());
        let base = bases[user.instance].clone();
        async move {
            let out = match args.receive {
                Receive::Ws => live::websocket(ctx.clone(), &base, &user.token, i, net.source(i), stop).await,
                Receive::Sse => live::events(ctx.clone(), net.stream(i), &base, &user.token, i, stop).await,
            };
            b.inc(1);
            match out {
                Ok(conn) => Some(conn),
                Err(e) => {
                    ctx.stats.error(format!("connect: {}", error_kind(&e)));
                    None
                }
            }
        }
    });
    stream::iter(jobs).buffered(args.connect_concurrency).collect().await
}

/// The first line of an error, without ids: a kind to count.
fn error_kind(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    text.chars().filter(|c| !c.is_ascii_digit()).take(120).collect()
}

/// Holds the connections for the duration (idle density), with a progress bar.
async fn hold(args: &Args, stats: &Stats) -> f64 {
    let started = Instant::now();
    let secs = args.duration.ceil() as u64;
    let b = bar(args, secs, "hold");
    b.set_message("idle (rate 0)");
    let end = started + Duration::from_secs_f64(args.duration);
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(250).min(end.saturating_duration_since(Instant::now()))).await;
        b.set_position(started.elapsed().as_secs());
        b.set_message(format!("errors {}", stats.error_count()));
    }
    b.finish_and_clear();
    started.elapsed().as_secs_f64()
}

/// Sends `rate x duration` messages on the open-loop schedule; returns how long sending took.
#[allow(clippy::too_many_arguments)]
async fn send_all(
    args: &Args,
    ctx: &Arc<Ctx>,
    net: &Net,
    bases: &[String],
    users: &[User],
    chats: &[Chat],
    conns: &[Option<Conn>],
    seed: u64,
) -> f64 {
    let stats = &ctx.stats;
    let total = (args.rate * args.duration).round() as u64;
    let groups: Vec<usize> = (0..chats.len()).filter(|&c| chats[c].group).collect();
    let pairs: Vec<usize> = (0..chats.len()).filter(|&c| !chats[c].group).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let filler: String = "x".repeat(args.message_size);
    let slots = Arc::new(Semaphore::new(args.max_in_flight));
    let mut in_flight = JoinSet::new();

    let b = bar(args, total, "send");
    let (done_tx, done_rx) = watch::channel(false);
    let ticker = tokio::spawn(progress(b.clone(), stats.clone(), done_rx));

    let started = Instant::now();
    stats.start_sending();
    // Never more than 5 s behind the schedule: past that the client is the bottleneck.
    let hard_end = started + Duration::from_secs_f64(args.duration + 5.0);
    let mut k = 0u64;
    while k < total {
        let now = stats.now_us();
        while k < total && stats.intended_us(k) <= now {
            let chat = match (args.group_share, groups.is_empty(), pairs.is_empty()) {
                (Some(share), false, false) => {
                    let pool = if rng.random::<f64>() < share { &groups } else { &pairs };
                    pool[rng.random_range(0..pool.len())]
                }
                _ => rng.random_range(0..chats.len()),
            };
            let members = &chats[chat].members;
            let sender = members[rng.random_range(0..members.len())];
            let client_id = live::client_id(&ctx.run, k, sender);
            let mut content = format!("bench {k} ");
            content.push_str(&filler);
            content.truncate(args.message_size);
            stats.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match args.send {
                SendVia::Ws => {
                    let frame = json!({"type": "message.send", "data": {"chatId": chats[chat].id, "content": content, "clientId": client_id}});
                    match conns[sender].as_ref().and_then(|c| c.outbox.as_ref()) {
                        Some(outbox) if outbox.send(frame.to_string()).is_ok() => {}
                        Some(_) => stats.on_send_error("send: websocket closed"),
                        None => stats.on_send_error("send: sender not connected"),
                    }
                }
                SendVia::Http => {
                    let (ctx, http, slots) = (ctx.clone(), net.http(sender).clone(), slots.clone());
                    let url = format!("{}/api/chats/{}/messages", bases[users[sender].instance], chats[chat].id);
                    let token = users[sender].token.clone();
                    in_flight.spawn(async move {
                        let Ok(_slot) = slots.acquire_owned().await else { return };
                        http_send(&ctx, &http, &url, &token, &content, &client_id).await;
                    });
                }
            }
            k += 1;
        }
        while in_flight.try_join_next().is_some() {}
        if k < total {
            if Instant::now() > hard_end {
                stats.error(format!("send: client fell behind the schedule, {} messages not sent", total - k));
                break;
            }
            tokio::time::sleep_until(stats.instant_of(stats.intended_us(k)).into()).await;
        }
    }
    let send_secs = started.elapsed().as_secs_f64();
    // HTTP sends still in flight finish (or time out) within the drain; then they are dropped.
    let drain_end = Instant::now() + Duration::from_secs_f64(args.drain);
    while !in_flight.is_empty() && Instant::now() < drain_end {
        let _ = tokio::time::timeout(Duration::from_millis(100), in_flight.join_next()).await;
    }
    in_flight.abort_all();
    let _ = done_tx.send(true);
    let _ = ticker.await;
    b.finish_and_clear();
    send_secs
}

async fn http_send(ctx: &Ctx, http: &reqwest::Client, url: &str, token: &str, content: &str, client_id: &str) {
    let res = http.post(url).bearer_auth(token).json(&json!({"content": content, "clientId": client_id})).send().await;
    match res {
        Ok(res) if res.status() == 201 || res.status() == 200 => match res.json::<MessageEnvelope>().await {
            Ok(body) => ctx.acked(client_id, &body.message),
            Err(_) => ctx.stats.on_send_error("send: unreadable answer"),
        },
        Ok(res) => ctx.stats.on_send_error(format!("send: {}", setup::refusal(res).await)),
        Err(e) if e.is_timeout() => ctx.stats.on_send_error("send: http timeout"),
        Err(_) => ctx.stats.on_send_error("send: http connection error"),
    }
}

#[derive(serde::Deserialize)]
struct MessageEnvelope {
    message: live::MessageDto,
}

async fn progress(b: ProgressBar, stats: Arc<Stats>, mut done: watch::Receiver<bool>) {
    loop {
        b.set_position(Stats::load(&stats.sent));
        b.set_message(format!(
            "acked {} delivered {} errors {}",
            Stats::load(&stats.acked),
            Stats::load(&stats.deliveries),
            stats.error_count()
        ));
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = done.changed() => return,
        }
    }
}
