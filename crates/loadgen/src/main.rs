//! `textdesk-loadgen`: Textdesk's load and benchmark tool.
//!
//! It owns the figures in `BENCHMARKS.md` and nothing else: signed inbound Twilio webhooks sent
//! at a running server (`inbound`), bulk seeding of a database for the read benchmarks (`seed`),
//! timings of the conversation list and of a long thread (`read`), and the change feed's delay
//! (`feed`). It talks to the server only over HTTP, like a provider or a browser would, except
//! `seed`, which writes rows through `textdesk-db`'s schema exactly as the server stores them.
//!
//! It is a tool, not a library: the server and every other crate must never depend on it.

mod api;
mod feed;
mod inbound;
mod inbox;
mod inbox_seed;
mod phones;
mod read;
mod seed;
mod stats;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "textdesk-loadgen",
    version,
    about = "Load and benchmark tool for a running Textdesk server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the workspace (or sign in) and connect the business number; print a token.
    Setup(SetupArgs),
    /// Send signed inbound Twilio webhooks from many senders; report messages/s and latency.
    Inbound(inbound::InboundArgs),
    /// Insert conversations and one long thread directly into the database, fast.
    Seed(seed::SeedArgs),
    /// Time the first page of the conversation list and opening the longest thread.
    Read(read::ReadArgs),
    /// Time how long a change takes to reach a client waiting on the change feed.
    Feed(feed::FeedArgs),
    /// Seed the shared inbox at scale: agents, groups, conversations with owners and flags,
    /// messages (search-indexed) and read states, straight into the database.
    SeedInbox(inbox_seed::SeedInboxArgs),
    /// Time the shared inbox as one agent: view counts, each view's first page, searches; and
    /// what round-robin assignment adds to an inbound text.
    Inbox(inbox::InboxArgs),
}

/// How to reach the server and sign in. Without `--token`, the tool creates the first
/// workspace (`POST /api/v1/setup`) or, when the server already has one, signs in.
#[derive(Args, Clone, Debug)]
pub struct ServerArgs {
    /// The server's address, e.g. http://127.0.0.1:8080.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// A bearer token; skips setup and sign-in.
    #[arg(long, env = "LOADGEN_TOKEN")]
    pub token: Option<String>,
    /// Workspace created on a fresh server.
    #[arg(long, default_value = "Loadgen")]
    pub organization_name: String,
    /// The owner's (or any agent's) email, for setup or sign-in.
    #[arg(long, default_value = "owner@loadgen.textdesk.local")]
    pub email: String,
    #[arg(long, default_value = "loadgen-password-2026")]
    pub password: String,
}

/// The business number the webhooks are addressed to, with made-up Twilio credentials. It is
/// connected through the API when missing; no real Twilio is ever contacted.
#[derive(Args, Clone, Debug)]
pub struct NumberArgs {
    /// The address the server signs webhooks against (its PUBLIC_URL); defaults to --url.
    #[arg(long)]
    pub public_url: Option<String>,
    #[arg(long, default_value = "+14155552671")]
    pub number: String,
    #[arg(long, default_value = "AC10ad9e11000000000000000000000000")]
    pub account_sid: String,
    #[arg(long, default_value = "loadgen0made0up0auth0token000000")]
    pub auth_token: String,
}

#[derive(Args, Debug)]
struct SetupArgs {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    number: NumberArgs,
}

fn setup(args: SetupArgs) -> anyhow::Result<()> {
    let token = actix_rt::System::new().block_on(async {
        let client = api::client(2);
        let token = api::sign_in(&client, &args.server).await?;
        api::ensure_number(&client, &args.server, &token, &args.number).await?;
        Ok::<_, anyhow::Error>(token)
    })?;
    println!("{token}");
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Setup(args) => setup(args),
        Command::Inbound(args) => inbound::run(args),
        Command::Seed(args) => seed::run(args),
        Command::Read(args) => read::run(args),
        Command::Feed(args) => feed::run(args),
        Command::SeedInbox(args) => inbox_seed::run(args),
        Command::Inbox(args) => inbox::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("textdesk-loadgen: {error:#}");
            ExitCode::FAILURE
        }
    }
}
