//! The queue's job kinds and how a worker runs one.

mod fetch_media;
mod send_gate;
mod send_message;
mod simulate_delivery;

use chrono::{Duration, Utc};
use rand::Rng;
use textdesk_db::jobs::{self, Job};

use crate::WorkerContext;

/// A job is leased for this long; one that runs longer may run twice, so each job is written
/// to be safe to repeat.
const LEASE_SECONDS: i64 = 120;
/// Attempts before a transiently failing job gives up.
pub(crate) const MAX_ATTEMPTS: i32 = 8;

#[derive(Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Ran,
    Idle,
}

/// What a job asks of the queue when it ends.
pub(crate) enum Next {
    Done,
    RetryLater(String),
    /// Not a failure: run again after this long without using up an attempt.
    Defer(Duration),
}

/// Claims and runs one ready job.
pub fn run_next_job(context: &WorkerContext) -> anyhow::Result<JobOutcome> {
    let Some(job) = context
        .db
        .write(|conn| jobs::claim(conn, context.clock.now_naive(), LEASE_SECONDS))?
    else {
        return Ok(JobOutcome::Idle);
    };
    let next = match job.job() {
        Ok(Job::SendMessage(send)) => send_message::run(context, &send.message_id, job.attempts)?,
        Ok(Job::SimulateDelivery(report)) => simulate_delivery::run(context, &report.message_id)?,
        Ok(Job::FetchMedia(fetch)) => fetch_media::run(context, &fetch.media_id, job.attempts)?,
        Err(error) => {
            tracing::error!(%error, kind = job.kind, id = %job.id, "a job that cannot be read; dropping it");
            Next::Done
        }
    };
    match next {
        Next::Done => context.db.write(|conn| jobs::complete(conn, &job.id))?,
        Next::RetryLater(error) => {
            let run_at = (Utc::now() + backoff(job.attempts)).naive_utc();
            context.db.write(|conn| jobs::retry_at(conn, &job.id, run_at, &error))?;
        }
        Next::Defer(wait) => {
            let run_at = (Utc::now() + wait).naive_utc();
            context.db.write(|conn| jobs::defer(conn, &job.id, run_at))?;
        }
    }
    Ok(JobOutcome::Ran)
}

/// Exponential backoff with full jitter: up to 2, 4, 8 … seconds, at most ten minutes.
fn backoff(attempts: i32) -> Duration {
    let ceiling_ms = 1000i64 << attempts.clamp(1, 10);
    let ceiling_ms = ceiling_ms.min(600_000);
    Duration::milliseconds(rand::thread_rng().gen_range(ceiling_ms / 2..=ceiling_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 1..20 {
            let wait = backoff(attempts).num_milliseconds();
            let ceiling = (1000i64 << attempts.clamp(1, 10)).min(600_000);
            assert!(wait >= ceiling / 2 && wait <= ceiling, "{attempts}: {wait}");
        }
    }
}
