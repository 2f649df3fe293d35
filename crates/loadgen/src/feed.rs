//! `feed`: how long a change takes to reach a client that is waiting on the change feed.
//!
//! Each round: a client asks `GET /api/v1/events?after=<newest>&wait=25` and is left waiting;
//! then one signed inbound webhook is posted (to `--webhook-url`, which may be another server
//! process on the same PostgreSQL) and the clock runs from posting it until the waiting request
//! answers with the change.

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use textdesk_types::Page;
use textdesk_types::events::EventBatch;

use crate::api::{self, Inbound};
use crate::stats::{Summary, ms};
use crate::{NumberArgs, ServerArgs, phones};

#[derive(Args, Debug)]
pub struct FeedArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub number: NumberArgs,
    /// Where to post the webhooks; defaults to --url. Another server process on the same
    /// database measures the delay across processes.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Timed changes.
    #[arg(long, default_value_t = 50)]
    pub rounds: usize,
    /// Untimed changes first.
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    /// How long the client waits on the feed before the change is made, in milliseconds...
    #[arg(long, default_value_t = 200)]
    pub settle_ms: u64,
    /// ...plus a different 0 to this many milliseconds each round, so that the change does not
    /// always land at the same point of a polling server's cycle.
    #[arg(long, default_value_t = 100)]
    pub jitter_ms: u64,
}

pub fn run(args: FeedArgs) -> anyhow::Result<()> {
    actix_rt::System::new().block_on(measure(args))
}

async fn measure(args: FeedArgs) -> anyhow::Result<()> {
    let client = api::client(8);
    let token = api::sign_in(&client, &args.server).await?;
    let business = api::ensure_number(&client, &args.server, &token, &args.number).await?;
    let base = api::trim_url(&args.server.url);
    let public_url = api::trim_url(args.number.public_url.as_deref().unwrap_or(&base));
    let webhook_url = format!(
        "{}{}",
        api::trim_url(args.webhook_url.as_deref().unwrap_or(&base)),
        api::INBOUND_PATH
    );

    // Start where a fresh load of the inbox starts: at its feed cursor.
    let request = client
        .get(format!("{base}/api/v1/conversations?limit=1"))
        .bearer_auth(&token)
        .send();
    let first_page: Page<serde_json::Value> = api::fetch_json("GET /api/v1/conversations", request).await?;
    let mut cursor = first_page
        .feed_cursor
        .ok_or_else(|| anyhow::anyhow!("the conversation list gave no feed cursor"))?;
    eprintln!("starting the feed at {cursor}");

    let run = api::run_tag();
    let sender = phones::numbers(phones::LONG_THREAD_START + 1_000_000, 1);
    let Some(sender) = sender.first() else {
        bail!("no sender number available");
    };
    let mut to_feed = Vec::new();
    let mut after_answer = Vec::new();
    let mut webhook_times = Vec::new();
    for round in 0..args.warmup + args.rounds {
        let waiting = {
            let (client, url, token) = (
                client.clone(),
                format!("{base}/api/v1/events?after={cursor}&wait=25"),
                token.clone(),
            );
            actix_rt::spawn(async move {
                let batch: anyhow::Result<EventBatch> =
                    api::fetch_json("waiting GET /api/v1/events", client.get(url).bearer_auth(token).send()).await;
                (batch, Instant::now())
            })
        };
        // Spread evenly over the jitter range: 61 and 100 have no common factor.
        let jitter = (round as u64 * 61) % (args.jitter_ms + 1);
        actix_rt::time::sleep(Duration::from_millis(args.settle_ms + jitter)).await;
        if waiting.is_finished() {
            bail!("the feed answered before any change (round {round}); is something else writing?");
        }
        let sid = api::message_sid(&run, round);
        let body = format!("Feed check {round}");
        let webhook = api::signed_inbound(
            &public_url,
            &args.number.auth_token,
            &Inbound {
                message_sid: &sid,
                account_sid: &args.number.account_sid,
                from: sender,
                to: &business,
                body: &body,
            },
        );
        let posted = Instant::now();
        match api::post_webhook(&client, &webhook_url, &webhook).await {
            Ok(200) => {}
            Ok(status) => bail!("webhook answered HTTP {status}"),
            Err(error) => bail!("webhook: {error}"),
        }
        let answered = Instant::now();
        let (batch, arrived) = waiting
            .await
            .map_err(|_| anyhow::anyhow!("the waiting request panicked"))?;
        let batch = batch?;
        if batch.events.is_empty() {
            bail!("the feed answered empty after 25 s: the change never reached it (round {round})");
        }
        cursor = batch.cursor;
        // Every change of the message's transaction arrives at once; the feed may answer with
        // the first, so fetch any rest before the next round.
        loop {
            let request = client
                .get(format!("{base}/api/v1/events?after={cursor}&wait=0"))
                .bearer_auth(&token)
                .send();
            let more: EventBatch = api::fetch_json("GET /api/v1/events", request).await?;
            if more.events.is_empty() {
                break;
            }
            cursor = more.cursor;
        }
        if round >= args.warmup {
            to_feed.push(arrived.saturating_duration_since(posted));
            after_answer.push(arrived.saturating_duration_since(answered));
            webhook_times.push(answered.saturating_duration_since(posted));
        }
    }
    println!("change feed: waiting client at {base}, webhooks posted to {webhook_url}");
    if let Some(summary) = Summary::of(&mut to_feed) {
        println!("  webhook posted -> change at the waiting client: {}", summary.line());
    }
    if let Some(summary) = Summary::of(&mut webhook_times) {
        println!("  webhook posted -> webhook answered:             {}", summary.line());
    }
    if let Some(summary) = Summary::of(&mut after_answer) {
        println!(
            "  webhook answered -> change at the client:       {} (0 = before the answer)",
            summary.line()
        );
        println!("  the feed's delay after commit, p99: {}", ms(summary.p99));
    }
    Ok(())
}
