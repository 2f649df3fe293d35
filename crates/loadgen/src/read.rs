//! `read`: one client timing the reads an agent's screen makes, one request at a time: the
//! first page of the conversation list, the page after it, opening the longest thread (its
//! newest 50 messages) and scrolling back in it.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use textdesk_types::Page;
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationDetail};

use crate::ServerArgs;
use crate::api;
use crate::seed::LONG_THREAD_LAST_NAME;
use crate::stats::Summary;

#[derive(Args, Debug)]
pub struct ReadArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Timed requests per endpoint.
    #[arg(long, default_value_t = 300)]
    pub requests: usize,
    /// Untimed requests per endpoint first.
    #[arg(long, default_value_t = 30)]
    pub warmup: usize,
    /// The long thread's conversation; by default the one `seed` created.
    #[arg(long)]
    pub conversation: Option<String>,
    /// Page size, as the browser app asks.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
}

pub fn run(args: ReadArgs) -> anyhow::Result<()> {
    actix_rt::System::new().block_on(measure(args))
}

async fn measure(args: ReadArgs) -> anyhow::Result<()> {
    let client = api::client(2);
    let token = api::sign_in(&client, &args.server).await?;
    let base = api::trim_url(&args.server.url);
    let limit = args.limit;

    let first: Page<Conversation> = get(&client, &token, &format!("{base}/api/v1/conversations?limit={limit}")).await?;
    let Some(next_cursor) = first.next_cursor.clone() else {
        bail!("the conversation list has a single page; run `seed` first");
    };
    let conversation = match &args.conversation {
        Some(id) => id.clone(),
        None => find_long_thread(&client, &token, &base).await?,
    };
    let opened: ConversationDetail = get(
        &client,
        &token,
        &format!("{base}/api/v1/conversations/{conversation}?limit={limit}"),
    )
    .await?;
    let Some(older) = opened.older_cursor.clone() else {
        bail!("conversation {conversation} has no older messages; is it the long thread?");
    };
    println!(
        "reads at {base}: first page {} conversations, thread {conversation} #{} opens with {} messages",
        first.items.len(),
        opened.conversation.number,
        opened.messages.len()
    );

    let endpoints = [
        (
            "conversation list, first page",
            format!("{base}/api/v1/conversations?limit={limit}"),
        ),
        (
            "conversation list, second page",
            format!("{base}/api/v1/conversations?limit={limit}&cursor={next_cursor}"),
        ),
        (
            "long thread, open (newest messages)",
            format!("{base}/api/v1/conversations/{conversation}?limit={limit}"),
        ),
        (
            "long thread, one page older",
            format!("{base}/api/v1/conversations/{conversation}?limit={limit}&before={older}"),
        ),
    ];
    for (name, url) in &endpoints {
        for _ in 0..args.warmup {
            time(&client, &token, url).await?;
        }
        let mut samples = Vec::with_capacity(args.requests);
        let mut bytes = 0;
        for _ in 0..args.requests {
            let (elapsed, size) = time(&client, &token, url).await?;
            samples.push(elapsed);
            bytes = size;
        }
        if let Some(summary) = Summary::of(&mut samples) {
            println!("  {name:<38} {} ({} KiB)", summary.line(), bytes / 1024);
        }
    }
    Ok(())
}

async fn get<T: serde::de::DeserializeOwned>(client: &awc::Client, token: &str, url: &str) -> anyhow::Result<T> {
    api::fetch_json(&format!("GET {url}"), client.get(url).bearer_auth(token).send()).await
}

/// One request's time to the last byte of its answer, and the answer's size.
async fn time(client: &awc::Client, token: &str, url: &str) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let (status, body) = api::fetch(&format!("GET {url}"), client.get(url).bearer_auth(token).send()).await?;
    let elapsed = started.elapsed();
    if status != 200 {
        bail!("GET {url}: HTTP {status}: {}", String::from_utf8_lossy(&body));
    }
    Ok((elapsed, body.len()))
}

/// The conversation of the contact `seed` gives the long thread, found through the API.
async fn find_long_thread(client: &awc::Client, token: &str, base: &str) -> anyhow::Result<String> {
    let contacts: Page<Contact> = get(
        client,
        token,
        &format!("{base}/api/v1/contacts?q={LONG_THREAD_LAST_NAME}"),
    )
    .await?;
    let contact = contacts
        .items
        .iter()
        .find(|contact| contact.last_name == LONG_THREAD_LAST_NAME)
        .context("no long thread found; run `seed` or pass --conversation")?;
    let thread: Vec<Conversation> =
        get(client, token, &format!("{base}/api/v1/contacts/{}/thread", contact.id)).await?;
    let conversation = thread.last().context("the long thread's contact has no conversation")?;
    Ok(conversation.id.to_string())
}
