//! Textdesk's background worker: the jobs of the durable queue (sending texts, simulated
//! delivery reports) and housekeeping, in the `serve` process or in separate `textdesk worker`
//! processes. Every job reads and writes only through the database, so any number of workers
//! can run against one PostgreSQL.
//!
//! Depends on storage and the providers; never on the HTTP API.

mod jobs;

use std::time::Duration;

use textdesk_db::clock::Clock;
use textdesk_db::secrets::SecretBox;
use textdesk_db::{Database, housekeeping};
use textdesk_providers::HttpClient;
use tokio::sync::watch;

pub use jobs::{JobOutcome, run_next_job};

/// How often expired tokens and old sign-in failures are purged.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);
/// How long an idle worker waits before looking for jobs again.
const IDLE_POLL: Duration = Duration::from_millis(200);

/// What jobs need besides the database.
#[derive(Clone)]
pub struct WorkerContext {
    pub db: Database,
    pub secrets: SecretBox,
    pub http: HttpClient,
    /// Where providers reach this server, for status callbacks.
    pub public_url: String,
    /// Overrides Twilio's API address (tests point it at a local fake).
    pub twilio_base_url: Option<String>,
    /// Decides when held jobs (quiet hours) are due.
    pub clock: Clock,
}

/// Runs jobs until none is ready; returns how many ran. Tests use it to drive the queue.
pub fn run_pending(context: &WorkerContext) -> anyhow::Result<usize> {
    let mut ran = 0;
    while run_next_job(context)? == JobOutcome::Ran {
        ran += 1;
    }
    Ok(ran)
}

/// Runs until `shutdown` turns true; a job in progress finishes first.
pub async fn run(context: WorkerContext, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
    tracing::info!("worker started");
    let mut housekeeping = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        if *shutdown.borrow() {
            break;
        }
        let job_context = context.clone();
        let outcome = tokio::task::spawn_blocking(move || run_next_job(&job_context)).await;
        let idle = match outcome {
            Ok(Ok(JobOutcome::Ran)) => false,
            Ok(Ok(JobOutcome::Idle)) => true,
            Ok(Err(error)) => {
                tracing::error!(error = %format!("{error:#}"), "a job could not be run");
                true
            }
            Err(error) => {
                tracing::error!(%error, "a job panicked");
                true
            }
        };
        if !idle {
            continue;
        }
        tokio::select! {
            _ = housekeeping.tick() => run_housekeeping(&context.db).await,
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("worker stopped");
    Ok(())
}

async fn run_housekeeping(db: &Database) {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || housekeeping::purge(&db)).await {
        Ok(Ok(purged)) => tracing::debug!(?purged, "housekeeping done"),
        Ok(Err(error)) => tracing::warn!(%error, "housekeeping failed"),
        Err(error) => tracing::error!(%error, "housekeeping task panicked"),
    }
}
