//! The queue's job kinds and how a worker runs one.

mod fetch_media;
mod import_contacts;
mod mail;
mod relay;
mod send_gate;
mod send_message;
mod simulate_delivery;
mod webhooks;

use std::sync::mpsc::{self, RecvTimeoutError};

use chrono::{Duration, Utc};
use rand::Rng;
use textdesk_db::jobs::{self, Job, JobClass, JobRow};

use crate::WorkerContext;

/// A job is leased for this long and the lease renewed while it runs, so a job whose worker
/// died (killed, or cut off from the database) is taken up again within seconds.
pub(crate) const LEASE: Duration = Duration::seconds(15);
/// How often a running job's lease is renewed.
const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
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
    /// Failed; run again at this time (of the worker's clock), keeping why.
    RetryAt(chrono::NaiveDateTime, String),
    /// Not a failure: run again at this time (of the worker's clock).
    DeferUntil(chrono::NaiveDateTime),
}

/// Claims and runs one ready job of any class.
pub fn run_next_job(context: &WorkerContext) -> anyhow::Result<JobOutcome> {
    match claim_next(context, None)? {
        Some(job) => {
            run_claimed(context, &job)?;
            Ok(JobOutcome::Ran)
        }
        None => Ok(JobOutcome::Idle),
    }
}

/// Leases the next ready job of `class` (any class when `None`).
pub fn claim_next(context: &WorkerContext, class: Option<JobClass>) -> anyhow::Result<Option<JobRow>> {
    let now = context.clock.now_naive();
    Ok(context.db.write(|conn| jobs::claim(conn, class, now, LEASE))?)
}

/// Runs a leased job, renewing its lease meanwhile, and tells the queue how it ended.
pub fn run_claimed(context: &WorkerContext, job: &JobRow) -> anyhow::Result<()> {
    let next = while_leased(context, job, || match job.job() {
        Ok(Job::SendMessage(send)) => send_message::run(context, &send.message_id, job.attempts),
        Ok(Job::SimulateDelivery(report)) => simulate_delivery::run(context, &report.message_id),
        Ok(Job::FetchMedia(fetch)) => fetch_media::run(context, &fetch.media_id, job.attempts),
        Ok(Job::ImportContacts(import)) => import_contacts::run(context, &import.import_id, job.attempts),
        Ok(Job::DeliverWebhook(delivery)) => webhooks::run(context, &delivery.delivery_id),
        Ok(Job::SendMail(mail)) => mail::send(context, &mail.mail_id, job.attempts),
        Ok(Job::NotifyAgent(notify)) => mail::notify(context, &notify.agent_id, &notify.conversation_id),
        Ok(Job::SendRelay(text)) => relay::send(context, &text.relay_message_id, job.attempts),
        Ok(Job::AnswerRelay(text)) => relay::answer(context, &text.relay_message_id, job.attempts),
        Err(error) => {
            tracing::error!(%error, kind = job.kind, id = %job.id, "a job that cannot be read; dropping it");
            Ok(Next::Done)
        }
    })?;
    match next {
        Next::Done => context.db.write(|conn| jobs::complete(conn, job))?,
        Next::RetryLater(error) => {
            let run_at = (Utc::now() + backoff(job.attempts)).naive_utc();
            context.db.write(|conn| jobs::retry_at(conn, job, run_at, &error))?;
        }
        Next::Defer(wait) => {
            let run_at = (Utc::now() + wait).naive_utc();
            context.db.write(|conn| jobs::defer(conn, job, run_at))?;
        }
        Next::RetryAt(run_at, error) => context.db.write(|conn| jobs::retry_at(conn, job, run_at, &error))?,
        Next::DeferUntil(run_at) => context.db.write(|conn| jobs::defer(conn, job, run_at))?,
    }
    Ok(())
}

/// Runs `work` while a second thread renews the job's lease; the renewals stop when `work`
/// returns or panics (the sender is dropped either way).
fn while_leased<T>(context: &WorkerContext, job: &JobRow, work: impl FnOnce() -> T) -> T {
    std::thread::scope(|scope| {
        let (stop, stopped) = mpsc::channel::<()>();
        scope.spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(RENEW_EVERY) {
                let until = context.clock.now_naive() + LEASE;
                match context.db.write(|conn| jobs::renew_lease(conn, job, until)) {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => tracing::warn!(%error, job = %job.id, "could not renew a job's lease"),
                }
            }
        });
        let outcome = work();
        drop(stop);
        outcome
    })
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
