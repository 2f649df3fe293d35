//! `inbox`: the shared inbox's reads at scale, as one agent (issue 11's benchmarks): every
//! view's unread count in one call, each built-in view's first page, and searches of each kind,
//! each `--requests` times from `--concurrency` clients at once; then the cost of round-robin
//! assignment on an inbound text: new customers' first texts, one at a time and alternating
//! between a number with no target and a number whose target is a round-robin group with online
//! members, so both are measured in the same conditions.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::Args;
use diesel::prelude::*;
use serde_json::{Value, json};
use textdesk_db::schema::{agent_group_members, agents, contacts, conversations, numbers};
use textdesk_db::{Database, DbError};

use crate::api::{self, Inbound, SignedWebhook};
use crate::inbox_seed::MEASURED_AGENT_EMAIL;
use crate::stats::Summary;
use crate::{NumberArgs, ServerArgs, phones};

/// The built-in views, as `GET /api/v1/conversations?view=` names them.
const VIEWS: [&str; 8] = [
    "open",
    "mine",
    "my_groups",
    "unassigned",
    "waiting",
    "follow_up",
    "closed",
    "all",
];

#[derive(Args, Debug)]
pub struct InboxArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The business number with no target (the plain side of the round-robin comparison).
    #[command(flatten)]
    pub number: NumberArgs,
    /// The agent whose views are read (signs in with --password).
    #[arg(long, default_value = MEASURED_AGENT_EMAIL)]
    pub agent_email: String,
    /// Timed requests per endpoint.
    #[arg(long, default_value_t = 500)]
    pub requests: usize,
    /// Untimed requests per endpoint first.
    #[arg(long, default_value_t = 30)]
    pub warmup: usize,
    /// Clients reading at once.
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Stop timing an endpoint after this many seconds even if requests are left (a slow
    /// endpoint then reports fewer samples: see the n column).
    #[arg(long, default_value_t = 45)]
    pub endpoint_seconds: u64,
    /// Skip the reads (views, pages, searches).
    #[arg(long)]
    pub no_reads: bool,
    /// A number whose target is a round-robin group: compare new conversations' inbound
    /// latency on it with --number's. Needs --database-url (to find the group's members).
    #[arg(long)]
    pub round_robin_number: Option<String>,
    /// Timed new-conversation texts per number in the comparison.
    #[arg(long, default_value_t = 500)]
    pub ingest_messages: usize,
    /// Untimed texts per number first.
    #[arg(long, default_value_t = 30)]
    pub ingest_warmup: usize,
    /// Where the comparison's new customers start among the generated numbers; give each run
    /// on one database its own range so every text opens a new conversation.
    #[arg(long, default_value_t = 1_000_000)]
    pub first_sender: usize,
    /// The server's database, to find the round-robin group's members and check the outcome.
    #[arg(long)]
    pub database_url: Option<String>,
}

pub fn run(args: InboxArgs) -> anyhow::Result<()> {
    actix_rt::System::new().block_on(measure(args))
}

async fn measure(args: InboxArgs) -> anyhow::Result<()> {
    if args.requests == 0 || args.concurrency == 0 {
        bail!("--requests and --concurrency must be positive");
    }
    let client = api::client(args.concurrency.max(2));
    let base = api::trim_url(&args.server.url);
    let agent = ServerArgs {
        email: args.agent_email.clone(),
        ..args.server.clone()
    };
    let token = api::sign_in(&client, &agent).await?;
    if !args.no_reads {
        reads(&client, &base, &token, &args).await?;
    }
    if let Some(round_robin) = &args.round_robin_number {
        ingest(&client, &base, &args, round_robin).await?;
    }
    Ok(())
}

/// A search as typed, and what it exercises.
const SEARCHES: [(&str, &str); 9] = [
    ("words, common", "invoice"),
    ("words, two", "delivery tomorrow"),
    ("words, rare", "puppy vaccination"),
    ("word being typed", "refun"),
    ("phone as typed", "(202) 555-0123"),
    ("phone, last digits", "0123"),
    ("name prefix", "Mor"),
    ("first and last name", "Hiro Tanaka"),
    ("conversation number", "#150000"),
];

async fn reads(client: &awc::Client, base: &str, token: &str, args: &InboxArgs) -> anyhow::Result<()> {
    let views: Value = get_json(client, token, &format!("{base}/api/v1/views")).await?;
    let counts: Vec<String> = views["views"]
        .as_array()
        .map(|views| {
            views
                .iter()
                .map(|view| format!("{}={}", view["id"].as_str().unwrap_or("?"), view["unread_count"]))
                .collect()
        })
        .unwrap_or_default();
    println!(
        "inbox reads at {base} as {}, {} clients, {} timed requests each (after {} untimed)",
        args.agent_email, args.concurrency, args.requests, args.warmup
    );
    println!("  unread counts: {}", counts.join(" "));
    let mut endpoints: Vec<(String, String)> = vec![("views (all counts)".to_owned(), format!("{base}/api/v1/views"))];
    for view in VIEWS {
        endpoints.push((
            format!("first page, {view}"),
            format!("{base}/api/v1/conversations?view={view}&limit=50"),
        ));
    }
    for (name, query) in SEARCHES {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        endpoints.push((
            format!("search, {name} ({query})"),
            format!("{base}/api/v1/search?q={q}"),
        ));
    }
    println!(
        "  {:<44} {:>6} {:>5} {:>9} {:>9} {:>9} {:>9}",
        "", "items", "n", "p50", "p95", "p99", "max"
    );
    for (name, url) in &endpoints {
        let answer: Value = get_json(client, token, url).await?;
        let items = answer["items"]
            .as_array()
            .or_else(|| answer["views"].as_array())
            .map_or(0, Vec::len);
        for _ in 0..args.warmup {
            time(client, token, url).await?;
        }
        let deadline = Instant::now() + Duration::from_secs(args.endpoint_seconds);
        let mut samples = timed_concurrently(client, token, url, args.requests, args.concurrency, deadline).await?;
        if let Some(summary) = Summary::of(&mut samples) {
            println!(
                "  {name:<44} {items:>6} {:>5} {:>9} {:>9} {:>9} {:>9}",
                summary.count,
                crate::stats::ms(summary.p50),
                crate::stats::ms(summary.p95),
                crate::stats::ms(summary.p99),
                crate::stats::ms(summary.max)
            );
        }
    }
    Ok(())
}

/// `requests` timed GETs of `url` from `concurrency` clients at once.
async fn timed_concurrently(
    client: &awc::Client,
    token: &str,
    url: &str,
    requests: usize,
    concurrency: usize,
    deadline: Instant,
) -> anyhow::Result<Vec<Duration>> {
    let left = Rc::new(Cell::new(requests));
    let samples = Rc::new(RefCell::new(Vec::with_capacity(requests)));
    let mut handles = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (left, samples) = (left.clone(), samples.clone());
        let (client, token, url) = (client.clone(), token.to_owned(), url.to_owned());
        handles.push(actix_rt::spawn(async move {
            while left.get() > 0 && Instant::now() < deadline {
                left.set(left.get() - 1);
                let (elapsed, _) = time(&client, &token, &url).await?;
                samples.borrow_mut().push(elapsed);
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for handle in handles {
        handle.await.map_err(|_| anyhow!("a reading client failed"))??;
    }
    let samples = samples.take();
    Ok(samples)
}

async fn get_json(client: &awc::Client, token: &str, url: &str) -> anyhow::Result<Value> {
    api::fetch_json(&format!("GET {url}"), client.get(url).bearer_auth(token).send()).await
}

async fn time(client: &awc::Client, token: &str, url: &str) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let (status, body) = api::fetch(&format!("GET {url}"), client.get(url).bearer_auth(token).send()).await?;
    let elapsed = started.elapsed();
    if status != 200 {
        bail!("GET {url}: HTTP {status}: {}", String::from_utf8_lossy(&body));
    }
    Ok((elapsed, body.len()))
}

/// The round-robin group behind `number` and its members' emails.
fn round_robin_members(db: &Database, number: &str) -> anyhow::Result<Vec<String>> {
    db.read(|conn| {
        let group: Option<Option<String>> = numbers::table
            .filter(numbers::phone_number.eq(number))
            .select(numbers::auto_assign_group_id)
            .first(conn)
            .optional()?;
        let Some(Some(group)) = group else {
            return Ok::<_, DbError>(Vec::new());
        };
        Ok(agent_group_members::table
            .inner_join(agents::table)
            .filter(agent_group_members::group_id.eq(group))
            .filter(agents::disabled.eq(false))
            .select(agents::email)
            .load(conn)?)
    })
    .map_err(anyhow::Error::from)
}

/// Every member of the group has the Message Center open in one tab.
async fn beat_all(client: &awc::Client, base: &str, tokens: &[String]) -> anyhow::Result<()> {
    for (index, token) in tokens.iter().enumerate() {
        let request = client
            .post(format!("{base}/api/v1/presence"))
            .bearer_auth(token)
            .send_json(&json!({ "tab_id": format!("loadgen-{index}") }));
        let (status, body) = api::fetch("POST /api/v1/presence", request).await?;
        if !(200..300).contains(&status) {
            bail!(
                "POST /api/v1/presence: HTTP {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
    Ok(())
}

async fn ingest(client: &awc::Client, base: &str, args: &InboxArgs, round_robin: &str) -> anyhow::Result<()> {
    let url = args
        .database_url
        .as_deref()
        .context("the round-robin comparison needs --database-url")?;
    let db = Database::connect(url, 1).context("connecting to the database")?;
    let members = round_robin_members(&db, round_robin)?;
    if members.is_empty() {
        bail!("{round_robin} has no round-robin group with members as its target; seed with --round-robin-number");
    }
    let mut tokens = Vec::with_capacity(members.len());
    for email in &members {
        let member = ServerArgs {
            email: email.clone(),
            ..args.server.clone()
        };
        tokens.push(api::sign_in(client, &member).await?);
    }
    beat_all(client, base, &tokens).await?;

    let plain = api::ensure_number(client, &args.server, &tokens[0], &args.number).await;
    let plain = match plain {
        Ok(phone) => phone,
        // Agents may not connect numbers; the number is connected already by `setup`.
        Err(_) => args.number.number.clone(),
    };
    let public_url = api::trim_url(args.number.public_url.as_deref().unwrap_or(base));
    let per_number = args.ingest_warmup + args.ingest_messages;
    let senders = phones::numbers(phones::SENDERS_START + args.first_sender, 2 * per_number);
    if senders.len() < 2 * per_number {
        bail!("not enough sender numbers");
    }
    let run = api::run_tag();
    // Text i goes to the plain number when i is even, to the round-robin one when odd.
    let webhooks: Vec<SignedWebhook> = senders
        .iter()
        .enumerate()
        .map(|(index, from)| {
            let sid = api::message_sid(&run, index);
            let to = if index % 2 == 0 { plain.as_str() } else { round_robin };
            let message = Inbound {
                message_sid: &sid,
                account_sid: &args.number.account_sid,
                from,
                to,
                body: "Hi, I would like to book an appointment for next week",
            };
            api::signed_inbound(&public_url, &args.number.auth_token, &message)
        })
        .collect();
    let webhook_url = format!("{base}{}", api::INBOUND_PATH);
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(), Vec::new()];
    let mut last_beat = Instant::now();
    for (index, webhook) in webhooks.iter().enumerate() {
        if last_beat.elapsed() > Duration::from_secs(15) {
            beat_all(client, base, &tokens).await?;
            last_beat = Instant::now();
        }
        let started = Instant::now();
        let status = api::post_webhook(client, &webhook_url, webhook)
            .await
            .map_err(|e| anyhow!("POST {webhook_url}: {e}"))?;
        let elapsed = started.elapsed();
        if status != 200 {
            bail!("POST {webhook_url}: HTTP {status}");
        }
        if index / 2 >= args.ingest_warmup {
            latencies[index % 2].push(elapsed);
        }
    }
    let assigned = |phones: Vec<&String>| {
        db.read(|conn| {
            let with_agent: i64 = conversations::table
                .inner_join(contacts::table)
                .filter(contacts::phone_number.eq_any(&phones))
                .filter(conversations::owner_agent_id.is_not_null())
                .count()
                .get_result(conn)?;
            let all: i64 = conversations::table
                .inner_join(contacts::table)
                .filter(contacts::phone_number.eq_any(&phones))
                .count()
                .get_result(conn)?;
            Ok::<_, DbError>((with_agent, all))
        })
    };
    let plain_assigned = assigned(senders.iter().step_by(2).collect())?;
    let round_robin_assigned = assigned(senders.iter().skip(1).step_by(2).collect())?;
    println!(
        "inbound texts opening new conversations, one at a time, alternating two numbers ({} timed each, {} members online)",
        args.ingest_messages,
        tokens.len()
    );
    println!(
        "  {:<44} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "", "p50", "p95", "p99", "max", "mean"
    );
    let mut summaries = Vec::new();
    let names = [
        format!("no target ({plain})"),
        format!("round-robin group ({round_robin})"),
    ];
    for (name, samples) in names.iter().zip(latencies.iter_mut()) {
        let summary = Summary::of(samples).context("nothing timed")?;
        println!(
            "  {name:<44} {:>9} {:>9} {:>9} {:>9} {:>9}",
            crate::stats::ms(summary.p50),
            crate::stats::ms(summary.p95),
            crate::stats::ms(summary.p99),
            crate::stats::ms(summary.max),
            crate::stats::ms(summary.mean)
        );
        summaries.push(summary);
    }
    if let [plain_summary, round_robin_summary] = summaries.as_slice() {
        let difference = |a: Duration, b: Duration| (a.as_secs_f64() - b.as_secs_f64()) * 1000.0;
        println!(
            "  round robin adds: p50 {:+.2} ms, mean {:+.2} ms, p95 {:+.2} ms",
            difference(round_robin_summary.p50, plain_summary.p50),
            difference(round_robin_summary.mean, plain_summary.mean),
            difference(round_robin_summary.p95, plain_summary.p95)
        );
    }
    println!(
        "  conversations with an agent owner: no target {}/{}, round robin {}/{}",
        plain_assigned.0, plain_assigned.1, round_robin_assigned.0, round_robin_assigned.1
    );
    Ok(())
}
