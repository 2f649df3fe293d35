//! Textdesk's background worker: work that runs outside requests, in the `serve` process or in
//! separate `textdesk worker` processes. Every job reads and writes only through the database,
//! so any number of workers can run against one PostgreSQL.
//!
//! Depends on storage only; never on the HTTP API.

use std::time::Duration;

use textdesk_db::{Database, housekeeping};
use tokio::sync::watch;

/// How often expired tokens and old sign-in failures are purged.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);

/// Runs until `shutdown` turns true; a job in progress finishes first.
pub async fn run(db: Database, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
    tracing::info!("worker started");
    let mut ticker = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tokio::select! {
            _ = ticker.tick() => run_housekeeping(&db).await,
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
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
