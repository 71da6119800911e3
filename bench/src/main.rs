//! `chat-bench`: load and correctness benchmark for Parlor, driving the public HTTP API and the
//! live transports exactly as clients do. See bench/README.md.

mod cli;
mod live;
mod report;
mod setup;
mod stats;

use anyhow::{Context, bail};
use clap::Parser;
use cli::{Args, Receive, SendVia};
use futures_util::{StreamExt, stream};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use live::{Conn, Ctx};
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

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = args.check() {
        eprintln!("chat-bench: {e:#}");
        return ExitCode::from(2);
    }
    match run(&args).await {
        Ok(report) => {
            if let Some(path) = &args.json_file {
                let written = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from).and_then(|text| Ok(std::fs::write(path, text + "\n")?));
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
    let style = ProgressStyle::with_template("{prefix:>10} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_owned());
    bar
}

async fn run(args: &Args) -> anyhow::Result<Report> {
    let bases = args.bases();
    let instances = if args.same_instance { 1 } else { bases.len() };
    let instance_of = |i: usize| i % instances;
    let http = setup::http_client()?;
    if let Some(limit) = stats::open_files_limit()
        && (args.users as u64) + 256 > limit
    {
        eprintln!("chat-bench: warning: {} connections but only {limit} open files allowed (ulimit -n)", args.users);
    }
    for base in &bases {
        let res = http.get(format!("{base}/health")).send().await.with_context(|| format!("{base} does not answer"))?;
        if !res.status().is_success() {
            bail!("{base}/health answered {}", res.status());
        }
    }

    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let prefix = args.prefix.clone().unwrap_or_else(|| format!("bench_{run_id}_"));
    let seed = args.seed.unwrap_or_else(rand::random);

    // Users: register and sign in.
    let started = Instant::now();
    let b = bar(args, args.users as u64, "users");
    let users = setup::users(&http, &bases, &prefix, args.users, args.setup_concurrency, instance_of, &b).await?;
    b.finish_and_clear();
    let users_secs = started.elapsed().as_secs_f64();

    // Chats.
    let started = Instant::now();
    let shapes = setup::shapes(args.users, args.pairs(), args.groups, args.group_size);
    let b = bar(args, shapes.len() as u64, "chats");
    let chats = setup::chats(&http, &bases, &users, shapes, args.setup_concurrency, &b).await?;
    b.finish_and_clear();
    let chats_secs = started.elapsed().as_secs_f64();
    // Where each chat stands before anyone connects (a group may start with a notice).
    let base_seqs = setup::latest_seqs(&http, &bases, &users, &chats, args.setup_concurrency).await?;

    let stats = Arc::new(Stats::new(args.rate, chats.len())?);
    let ctx = Arc::new(Ctx {
        stats: stats.clone(),
        run: run_id.clone(),
        chat_index: chats.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect(),
        chat_members: chats.iter().map(|c| c.members.len()).collect(),
        instance: users.iter().map(|u| u.instance).collect(),
    });

    // Connect everyone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = stats::servers_rss_kib(&args.server_pids);
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let b = bar(args, args.users as u64, "connect");
    let conns = connect_all(args, &ctx, &bases, &users, &stop_rx, &b).await?;
    b.finish_and_clear();
    let connect_secs = started.elapsed().as_secs_f64();
    let connected = conns.iter().filter(|c| c.is_some()).count();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = stats::servers_rss_kib(&args.server_pids);

    // Send on the open-loop schedule (or hold the connections when the rate is 0).
    let send_secs = if args.rate > 0.0 {
        send_all(args, &ctx, &http, &bases, &users, &chats, &conns, seed).await
    } else {
        hold(args, &stats).await
    };

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

    // What the database holds now; then stop the readers and collect what each saw.
    let final_seqs = setup::latest_seqs(&http, &bases, &users, &chats, args.setup_concurrency).await?;
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
    }))
}

async fn connect_all(args: &Args, ctx: &Arc<Ctx>, bases: &[String], users: &[User], stop: &watch::Receiver<bool>, b: &ProgressBar) -> anyhow::Result<Vec<Option<Conn>>> {
    // Event streams must outlive any per-request timeout.
    let sse = reqwest::Client::builder().connect_timeout(Duration::from_secs(15)).build().context("building the event-stream client")?;
    let jobs = users.iter().enumerate().map(|(i, user)| {
        let (ctx, sse, stop) = (ctx.clone(), sse.clone(), stop.clone());
        let base = bases[user.instance].clone();
        async move {
            let out = match args.receive {
                Receive::Ws => live::websocket(ctx.clone(), &base, &user.token, i, stop).await,
                Receive::Sse => live::events(ctx.clone(), &sse, &base, &user.token, i, stop).await,
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
    Ok(stream::iter(jobs).buffered(args.connect_concurrency).collect().await)
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
async fn send_all(args: &Args, ctx: &Arc<Ctx>, http: &reqwest::Client, bases: &[String], users: &[User], chats: &[Chat], conns: &[Option<Conn>], seed: u64) -> f64 {
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
                    let (ctx, http, slots) = (ctx.clone(), http.clone(), slots.clone());
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
