//! Textdesk's background worker: the jobs of the durable queue (sending texts, simulated
//! delivery reports, media, contact imports, outbound webhooks, mail) and housekeeping, in the `serve` process or in separate `textdesk worker`
//! processes. Every job reads and writes only through the database, so any number of workers
//! can run against one PostgreSQL.
//!
//! Depends on the application operations, storage and the providers; never on the HTTP API.

mod jobs;

use std::sync::Arc;
use std::time::Duration;

use textdesk_app::AppContext;
use textdesk_app::mail::MailSettings;
use textdesk_db::clock::Clock;
use textdesk_db::jobs::JobClass;
use textdesk_db::secrets::SecretBox;
use textdesk_db::{Database, housekeeping, unread};
use textdesk_providers::HttpClient;
use textdesk_providers::mail::SmtpMailer;
use textdesk_providers::outbound_webhooks::WebhookClient;
use tokio::sync::{Semaphore, watch};

pub use jobs::{JobOutcome, claim_next, run_claimed, run_next_job};

/// How often expired tokens and old sign-in failures are purged.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);
/// How often tables that changed much get fresh planner statistics (a cheap catalog read when
/// none did).
const STATISTICS_EVERY: Duration = Duration::from_secs(2);
/// How often the agents' appended unread tallies are folded (a cheap read when none need it).
const TALLIES_EVERY: Duration = Duration::from_secs(5);
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
    /// Sends outbound webhooks (public addresses only, unless the operator allowed others).
    pub webhooks: WebhookClient,
    /// Where mail points and where replies come back.
    pub mail: MailSettings,
    /// The SMTP server mail goes to; without one, mail stays in the Mail outbox.
    pub mailer: Option<SmtpMailer>,
    /// The `From` of every mail.
    pub mail_from: String,
}

impl WorkerContext {
    /// What application operations need of it.
    pub fn app(&self) -> AppContext {
        AppContext {
            db: self.db.clone(),
            clock: self.clock.clone(),
            mail: self.mail.clone(),
        }
    }
}

/// Runs jobs until none is ready; returns how many ran. Tests use it to drive the queue.
pub fn run_pending(context: &WorkerContext) -> anyhow::Result<usize> {
    let mut ran = 0;
    while run_next_job(context)? == JobOutcome::Ran {
        ran += 1;
    }
    Ok(ran)
}

/// How many jobs of each class run at once in one worker process.
fn concurrency(class: JobClass) -> usize {
    match class {
        JobClass::Conversational => 4,
        JobClass::Outreach => 2,
        JobClass::Media => 4,
        JobClass::Reports => 1,
        JobClass::Imports => 1,
        JobClass::Webhooks => 4,
        JobClass::Mail => 2,
        JobClass::Notifications => 1,
        JobClass::Relay => 2,
    }
}

/// Runs until `shutdown` turns true; jobs in progress finish first. Each class of jobs has its
/// own runners, so a slow class (media from a server that never answers) never delays another
/// (an agent's reply).
pub async fn run(context: WorkerContext, shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
    tracing::info!("worker started");
    let mut runners = tokio::task::JoinSet::new();
    for class in JobClass::ALL {
        runners.spawn(run_class(context.clone(), class, shutdown.clone()));
    }
    runners.spawn(housekeep(context.db.clone(), shutdown));
    while runners.join_next().await.is_some() {}
    tracing::info!("worker stopped");
    Ok(())
}

/// Claims jobs of one class while it has a free runner, and runs each on a blocking thread.
async fn run_class(context: WorkerContext, class: JobClass, mut shutdown: watch::Receiver<bool>) {
    let runners = Arc::new(Semaphore::new(concurrency(class)));
    let mut running = tokio::task::JoinSet::new();
    while !*shutdown.borrow() {
        let Ok(runner) = Arc::clone(&runners).acquire_owned().await else {
            break;
        };
        let claiming = context.clone();
        let claimed = tokio::task::spawn_blocking(move || jobs::claim_next(&claiming, Some(class))).await;
        match claimed {
            Ok(Ok(Some(job))) => {
                let job_context = context.clone();
                running.spawn_blocking(move || {
                    if let Err(error) = jobs::run_claimed(&job_context, &job) {
                        tracing::error!(error = %format!("{error:#}"), job = %job.id, "a job could not be run");
                    }
                    drop(runner);
                });
                continue;
            }
            Ok(Ok(None)) => {}
            Ok(Err(error)) => tracing::error!(error = %format!("{error:#}"), ?class, "could not claim a job"),
            Err(error) => tracing::error!(%error, ?class, "claiming a job panicked"),
        }
        drop(runner);
        tokio::select! {
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = shutdown.changed() => {}
        }
        while let Some(finished) = running.try_join_next() {
            if let Err(error) = finished {
                tracing::error!(%error, ?class, "a job panicked");
            }
        }
    }
    while let Some(finished) = running.join_next().await {
        if let Err(error) = finished {
            tracing::error!(%error, ?class, "a job panicked");
        }
    }
}

async fn housekeep(db: Database, mut shutdown: watch::Receiver<bool>) {
    let mut purge = tokio::time::interval(HOUSEKEEPING_EVERY);
    let mut statistics = tokio::time::interval(STATISTICS_EVERY);
    let mut tallies = tokio::time::interval(TALLIES_EVERY);
    while !*shutdown.borrow() {
        tokio::select! {
            _ = purge.tick() => run_housekeeping(&db).await,
            _ = statistics.tick() => refresh_statistics(&db).await,
            _ = tallies.tick() => compact_unread_tallies(&db).await,
            _ = shutdown.changed() => {}
        }
    }
}

async fn refresh_statistics(db: &Database) {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || housekeeping::refresh_statistics(&db)).await {
        Ok(Ok(analysed)) if !analysed.is_empty() => tracing::debug!(?analysed, "planner statistics refreshed"),
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "refreshing planner statistics failed"),
        Err(error) => tracing::error!(%error, "refreshing planner statistics panicked"),
    }
}

async fn compact_unread_tallies(db: &Database) {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || housekeeping::fold_unread_tallies(&db, unread::UNFOLDED_TALLIES_MAX))
        .await
    {
        Ok(Ok(folded)) if folded > 0 => tracing::debug!(folded, "unread tallies folded"),
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "folding unread tallies failed"),
        Err(error) => tracing::error!(%error, "folding unread tallies panicked"),
    }
}

async fn run_housekeeping(db: &Database) {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || housekeeping::purge(&db)).await {
        Ok(Ok(purged)) => tracing::debug!(?purged, "housekeeping done"),
        Ok(Err(error)) => tracing::warn!(%error, "housekeeping failed"),
        Err(error) => tracing::error!(%error, "housekeeping task panicked"),
    }
}
