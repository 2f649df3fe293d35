//! `inbound`: signed Twilio webhooks from many senders at a fixed number of concurrent
//! senders (a closed loop: each sender posts its next message when the last one is answered).
//! Every request is prepared and signed before the clock starts, and a warm-up round fills the
//! connection pools and caches first.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::Args;
use diesel::prelude::*;
use textdesk_db::schema::messages;

use crate::api::{self, Inbound, SignedWebhook};
use crate::stats::{Summary, machine_cpu_seconds, own_cpu_seconds, process_cpu_seconds};
use crate::{NumberArgs, ServerArgs, phones};

#[derive(Args, Debug)]
pub struct InboundArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub number: NumberArgs,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Messages timed, after the warm-up.
    #[arg(long, default_value_t = 20_000)]
    pub messages: usize,
    /// Messages sent first and not timed.
    #[arg(long, default_value_t = 2_000)]
    pub warmup: usize,
    /// Distinct customers sending; message i comes from sender i mod senders.
    #[arg(long, default_value_t = 5_000)]
    pub senders: usize,
    /// Where in the list of generated numbers the senders start: another offset gives
    /// customers the server has not seen (each opens a contact and a conversation).
    #[arg(long, default_value_t = 0)]
    pub first_sender: usize,
    /// Stop the timed part after this many seconds even if messages are left, so a slow
    /// server cannot make the run endless; the figures cover what was sent.
    #[arg(long, default_value_t = 180)]
    pub max_seconds: u64,
    /// Client threads, each with its own event loop and share of the senders.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The server's process id, to report its CPU use while timed.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Count the run's stored messages in this database afterwards (the server's DATABASE_URL).
    #[arg(long)]
    pub verify_database_url: Option<String>,
}

/// What one phase of sending measured.
struct Outcome {
    latencies: Vec<Duration>,
    wall: Duration,
    failures: Vec<String>,
}

const PROGRESS_EVERY: Duration = Duration::from_secs(5);

const BODIES: [&str; 6] = [
    "Hi, is my order ready for pickup?",
    "Can I move my appointment to Thursday afternoon?",
    "Thanks! See you then.",
    "What time do you close today",
    "The package arrived but one item is missing, order number is in the email I sent yesterday.",
    "YES",
];

pub fn run(args: InboundArgs) -> anyhow::Result<()> {
    if args.concurrency == 0 || args.messages == 0 || args.senders == 0 || args.threads == 0 {
        bail!("--concurrency, --messages, --senders and --threads must be positive");
    }
    let base = api::trim_url(&args.server.url);
    let public_url = api::trim_url(args.number.public_url.as_deref().unwrap_or(&base));
    let business = actix_rt::System::new().block_on(async {
        let client = api::client(4);
        let token = api::sign_in(&client, &args.server).await?;
        api::ensure_number(&client, &args.server, &token, &args.number).await
    })?;

    let senders = phones::numbers(phones::SENDERS_START + args.first_sender, args.senders);
    if senders.len() < args.senders {
        bail!("only {} distinct sender numbers are available", senders.len());
    }
    let run = api::run_tag();
    let total = args.warmup + args.messages;
    let prepared = Instant::now();
    let requests: Vec<SignedWebhook> = (0..total)
        .map(|index| {
            let sid = api::message_sid(&run, index);
            let message = Inbound {
                message_sid: &sid,
                account_sid: &args.number.account_sid,
                from: &senders[index % senders.len()],
                to: &business,
                body: BODIES[index % BODIES.len()],
            };
            api::signed_inbound(&public_url, &args.number.auth_token, &message)
        })
        .collect();
    let requests = Arc::new(requests);
    eprintln!(
        "signed {total} webhooks in {:.1} s (run {run}); sending to {base}{} as {} senders to {business}",
        prepared.elapsed().as_secs_f64(),
        api::INBOUND_PATH,
        senders.len()
    );

    let url = format!("{base}{}", api::INBOUND_PATH);
    let mut warm_ok = 0;
    if args.warmup > 0 {
        let warm = send_all(&url, &requests, 0..args.warmup, &args)?;
        warm_ok = warm.latencies.len();
        eprintln!(
            "warm-up: {} messages in {:.1} s, {} failures",
            args.warmup,
            warm.wall.as_secs_f64(),
            warm.failures.len()
        );
    }
    let cpu_before = (
        own_cpu_seconds(),
        args.server_pid.and_then(process_cpu_seconds),
        machine_cpu_seconds(),
    );
    let mut measured = send_all(&url, &requests, args.warmup..total, &args)?;
    let cpu_used = own_cpu_seconds()
        .zip(cpu_before.0)
        .map(|(after, before)| after - before);
    let server_cpu = args
        .server_pid
        .and_then(process_cpu_seconds)
        .zip(cpu_before.1)
        .map(|(after, before)| after - before);
    let machine = machine_cpu_seconds()
        .zip(cpu_before.2)
        .map(|((busy, total), (busy0, total0))| (busy - busy0) / (total - total0).max(f64::EPSILON));

    // Senders seen for the first time in the timed part open a contact and a conversation
    // (when the server has not seen them in an earlier run).
    let first_messages = (args.warmup..total).filter(|index| *index < senders.len()).count();
    let ok = measured.latencies.len();
    let sent = ok + measured.failures.len();
    let wall = measured.wall.as_secs_f64();
    println!("inbound webhooks: {url}");
    println!(
        "  concurrency {} | senders {} | timed {} (after {} warm-up; {} from new senders)",
        args.concurrency, args.senders, args.messages, args.warmup, first_messages
    );
    if sent < args.messages {
        println!(
            "  STOPPED after --max-seconds {}: {sent} of {} timed messages sent",
            args.max_seconds, args.messages
        );
    }
    println!(
        "  throughput: {:.0} messages/s ({ok} answered 200 in {wall:.2} s)",
        ok as f64 / wall
    );
    if let Some(summary) = Summary::of(&mut measured.latencies) {
        println!("  latency: {}", summary.line());
    }
    println!("  errors: {}", measured.failures.len());
    let mut kinds: Vec<&String> = measured.failures.iter().collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds.iter().take(5) {
        let count = measured.failures.iter().filter(|f| f == kind).count();
        println!("    {count} x {kind}");
    }
    if let Some(cpu) = cpu_used {
        println!(
            "  load tool CPU: {cpu:.1} s over {wall:.1} s ({:.0}% of one core)",
            100.0 * cpu / wall
        );
    }
    if let Some(cpu) = server_cpu {
        println!(
            "  server process CPU: {cpu:.1} s ({:.0}% of one core)",
            100.0 * cpu / wall
        );
    }
    if let Some(busy) = machine {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        println!("  machine CPU busy: {:.0}% of {cores} cores", 100.0 * busy);
    }
    if let Some(database_url) = &args.verify_database_url {
        let stored = count_stored(database_url, &args.number.account_sid, &run)?;
        let answered = (warm_ok + ok) as i64;
        println!("  stored: {stored} messages of this run, {answered} answered 200 (warm-up included)");
        if stored < answered {
            println!("  WARNING: {} messages answered 200 but not stored", answered - stored);
        }
    }
    Ok(())
}

/// Sends `range` of the prepared requests, `concurrency` at a time, over `threads` threads.
fn send_all(
    url: &str,
    requests: &Arc<Vec<SignedWebhook>>,
    range: std::ops::Range<usize>,
    args: &InboundArgs,
) -> anyhow::Result<Outcome> {
    let next = Arc::new(AtomicUsize::new(range.start));
    let end = range.end;
    let concurrency = args.concurrency;
    let threads = args.threads.min(concurrency);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.max_seconds);
    let handles: Vec<_> = (0..threads)
        .map(|thread| {
            // Spread the senders evenly: the first threads take one more when it does not divide.
            let share = concurrency / threads + usize::from(thread < concurrency % threads);
            let (requests, next, url) = (Arc::clone(requests), Arc::clone(&next), url.to_owned());
            std::thread::spawn(move || {
                actix_rt::System::new().block_on(send_on_this_thread(url, requests, next, end, share, deadline))
            })
        })
        .collect();
    // Progress every few seconds, so a run that slows down as it goes shows it.
    let mut last = (Instant::now(), range.start);
    while !handles.iter().all(|handle| handle.is_finished()) {
        std::thread::sleep(Duration::from_millis(100));
        if last.0.elapsed() >= PROGRESS_EVERY {
            let done = next.load(Ordering::Relaxed).min(end);
            let rate = (done - last.1) as f64 / last.0.elapsed().as_secs_f64();
            eprintln!(
                "  {:>5.0} s: {} of {} sent, {rate:.0}/s",
                started.elapsed().as_secs_f64(),
                done - range.start,
                range.len()
            );
            last = (Instant::now(), done);
        }
    }
    let mut outcome = Outcome {
        latencies: Vec::with_capacity(range.len()),
        wall: Duration::ZERO,
        failures: Vec::new(),
    };
    for handle in handles {
        let (latencies, failures) = handle.join().map_err(|_| anyhow!("a sending thread panicked"))?;
        outcome.latencies.extend(latencies);
        outcome.failures.extend(failures);
    }
    outcome.wall = started.elapsed();
    Ok(outcome)
}

async fn send_on_this_thread(
    url: String,
    requests: Arc<Vec<SignedWebhook>>,
    next: Arc<AtomicUsize>,
    end: usize,
    senders: usize,
    deadline: Instant,
) -> (Vec<Duration>, Vec<String>) {
    let client = api::client(senders + 1);
    let url = Arc::new(url);
    let tasks: Vec<_> = (0..senders)
        .map(|_| {
            let (client, requests, next, url) = (
                client.clone(),
                Arc::clone(&requests),
                Arc::clone(&next),
                Arc::clone(&url),
            );
            actix_rt::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                while Instant::now() < deadline {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(index).filter(|_| index < end) else {
                        break;
                    };
                    let sent = Instant::now();
                    match api::post_webhook(&client, &url, request).await {
                        Ok(200) => latencies.push(sent.elapsed()),
                        Ok(status) => failures.push(format!("HTTP {status}")),
                        Err(error) => failures.push(error),
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok((mut l, mut f)) => {
                latencies.append(&mut l);
                failures.append(&mut f);
            }
            Err(_) => failures.push("a sender task panicked".to_owned()),
        }
    }
    (latencies, failures)
}

/// How many of this run's messages the server stored.
fn count_stored(database_url: &str, account_sid: &str, run: &str) -> anyhow::Result<i64> {
    let db = textdesk_db::Database::connect(database_url, 1).context("connecting to --verify-database-url")?;
    let pattern = format!("SM{run}%");
    db.read(|conn| {
        messages::table
            .filter(messages::provider_account.eq(account_sid))
            .filter(messages::provider_message_id.like(&pattern))
            .count()
            .get_result::<i64>(conn)
            .map_err(textdesk_db::DbError::from)
    })
    .context("counting stored messages")
}
