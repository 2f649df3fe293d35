//! The durable job queue: everything that leaves Textdesk (texts, mail, webhooks) is a row here
//! first, written in the same transaction as the change that caused it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use textdesk_types::messages::SendLane;
use textdesk_types::{
    AgentId, ContactImportId, ConversationId, MailId, MediaId, MessageId, OrganizationId, WebhookDeliveryId,
};

use crate::schema::jobs;
use crate::{DbConnection, DbError, ids, now};

/// The lane a job or message was queued in, from its stored number: agents' own replies (0) go
/// before automated messages (1), which go before bulk sends (2).
pub fn stored_lane(number: i32) -> SendLane {
    match number {
        0 => SendLane::Conversational,
        1 => SendLane::Automated,
        _ => SendLane::Bulk,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub organization_id: Option<OrganizationId>,
    pub kind: String,
    pub payload: String,
    pub lane: i32,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    /// The message the job is about, when its payload names one.
    pub message_id: Option<MessageId>,
}

/// Every kind of job. A kind's stored name is written here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    SendMessage,
    SimulateDelivery,
    FetchMedia,
    ImportContacts,
    DeliverWebhook,
    SendMail,
    NotifyAgent,
    SendRelay,
    AnswerRelay,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::SendMessage => "send_message",
            JobKind::SimulateDelivery => "simulate_delivery",
            JobKind::FetchMedia => "fetch_media",
            JobKind::ImportContacts => "import_contacts",
            JobKind::DeliverWebhook => "deliver_webhook",
            JobKind::SendMail => "send_mail",
            JobKind::NotifyAgent => "notify_agent",
            JobKind::SendRelay => "send_relay",
            JobKind::AnswerRelay => "answer_relay",
        }
    }

    pub fn parse(raw: &str) -> Option<JobKind> {
        ALL_KINDS.into_iter().find(|kind| kind.as_str() == raw)
    }
}

const ALL_KINDS: [JobKind; 9] = [
    JobKind::SendMessage,
    JobKind::SimulateDelivery,
    JobKind::FetchMedia,
    JobKind::ImportContacts,
    JobKind::DeliverWebhook,
    JobKind::SendMail,
    JobKind::NotifyAgent,
    JobKind::SendRelay,
    JobKind::AnswerRelay,
];

/// Jobs a worker runs side by side, each class with its own runners, so an agent's reply never
/// waits behind a slower kind of work (a media server that does not answer, a broadcast).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobClass {
    /// Agents' replies and keyword confirmations (lane 0 sends).
    Conversational,
    /// Automated and bulk sends (lanes 1 and 2).
    Outreach,
    /// Fetching customers' media from the provider.
    Media,
    /// The delivery reports the simulator makes up.
    Reports,
    /// Contact imports, one at a time: each is long, and none is urgent.
    Imports,
    /// Outbound webhooks: a slow receiver holds up only other deliveries.
    Webhooks,
    /// Handing mail to the SMTP server, which may be slow or down.
    Mail,
    /// Writing notifications once a burst is over: never behind a slow SMTP server.
    Notifications,
    /// Text relay: forwarding texts to agents' phones and answering their replies.
    Relay,
}

impl JobClass {
    pub const ALL: [JobClass; 9] = [
        JobClass::Conversational,
        JobClass::Outreach,
        JobClass::Media,
        JobClass::Reports,
        JobClass::Imports,
        JobClass::Webhooks,
        JobClass::Mail,
        JobClass::Notifications,
        JobClass::Relay,
    ];

    fn kinds(self) -> &'static [JobKind] {
        match self {
            JobClass::Conversational | JobClass::Outreach => &[JobKind::SendMessage],
            JobClass::Media => &[JobKind::FetchMedia],
            JobClass::Reports => &[JobKind::SimulateDelivery],
            JobClass::Imports => &[JobKind::ImportContacts],
            JobClass::Webhooks => &[JobKind::DeliverWebhook],
            JobClass::Mail => &[JobKind::SendMail],
            JobClass::Notifications => &[JobKind::NotifyAgent],
            JobClass::Relay => &[JobKind::SendRelay, JobKind::AnswerRelay],
        }
    }

    /// The lanes the class takes its kinds from: sends split by lane, other kinds in any lane.
    fn lanes(self) -> std::ops::RangeInclusive<i32> {
        let (first, last) = match self {
            JobClass::Conversational => (SendLane::Conversational, SendLane::Conversational),
            JobClass::Outreach => (SendLane::Automated, SendLane::Bulk),
            JobClass::Media
            | JobClass::Reports
            | JobClass::Imports
            | JobClass::Webhooks
            | JobClass::Mail
            | JobClass::Notifications
            | JobClass::Relay => (SendLane::Conversational, SendLane::Bulk),
        };
        first as i32..=last as i32
    }
}

/// A job about one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageJob {
    pub message_id: MessageId,
}

/// A job about one media item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaJob {
    pub media_id: MediaId,
}

/// A job about one contact import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub import_id: ContactImportId,
}

/// A job about one webhook delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookJob {
    pub delivery_id: WebhookDeliveryId,
}

/// A job about one mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailJob {
    pub mail_id: MailId,
}

/// A job about what an agent is to be told of one conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyJob {
    pub agent_id: AgentId,
    pub conversation_id: ConversationId,
}

/// A job about one text relay text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayJob {
    pub relay_message_id: String,
}

/// A job with its typed payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Sends an outbound message through its number's provider.
    SendMessage(MessageJob),
    /// The simulator's delivery report, a moment after it "sent" a message.
    SimulateDelivery(MessageJob),
    /// Fetches an inbound MMS's media from the provider into Textdesk's store.
    FetchMedia(MediaJob),
    /// Imports a confirmed CSV file of contacts, batch by batch.
    ImportContacts(ImportJob),
    /// Makes the next attempt of an outbound webhook delivery.
    DeliverWebhook(WebhookJob),
    /// Hands a mail to the SMTP server (or keeps it for the Mail outbox).
    SendMail(MailJob),
    /// Writes the notification of a burst of texts or transfers, once the burst is over.
    NotifyAgent(NotifyJob),
    /// Sends a relay text to an agent's phone.
    SendRelay(RelayJob),
    /// Answers the conversation a reply from an agent's phone names.
    AnswerRelay(RelayJob),
}

impl Job {
    pub fn send_message(message_id: &MessageId) -> Job {
        Job::SendMessage(MessageJob {
            message_id: message_id.clone(),
        })
    }

    pub fn kind(&self) -> JobKind {
        match self {
            Job::SendMessage(_) => JobKind::SendMessage,
            Job::SimulateDelivery(_) => JobKind::SimulateDelivery,
            Job::FetchMedia(_) => JobKind::FetchMedia,
            Job::ImportContacts(_) => JobKind::ImportContacts,
            Job::DeliverWebhook(_) => JobKind::DeliverWebhook,
            Job::SendMail(_) => JobKind::SendMail,
            Job::NotifyAgent(_) => JobKind::NotifyAgent,
            Job::SendRelay(_) => JobKind::SendRelay,
            Job::AnswerRelay(_) => JobKind::AnswerRelay,
        }
    }

    /// The message the job is about, indexed so a message's send job is found by key.
    pub fn message_id(&self) -> Option<&MessageId> {
        match self {
            Job::SendMessage(job) | Job::SimulateDelivery(job) => Some(&job.message_id),
            Job::FetchMedia(_)
            | Job::ImportContacts(_)
            | Job::DeliverWebhook(_)
            | Job::SendMail(_)
            | Job::NotifyAgent(_)
            | Job::SendRelay(_)
            | Job::AnswerRelay(_) => None,
        }
    }

    fn payload(&self) -> Result<String, DbError> {
        let text = match self {
            Job::SendMessage(job) | Job::SimulateDelivery(job) => serde_json::to_string(job),
            Job::FetchMedia(job) => serde_json::to_string(job),
            Job::ImportContacts(job) => serde_json::to_string(job),
            Job::DeliverWebhook(job) => serde_json::to_string(job),
            Job::SendMail(job) => serde_json::to_string(job),
            Job::NotifyAgent(job) => serde_json::to_string(job),
            Job::SendRelay(job) | Job::AnswerRelay(job) => serde_json::to_string(job),
        };
        text.map_err(|e| DbError::Corrupt(format!("job payload: {e}")))
    }

    /// The job a stored row holds.
    pub fn parse(kind: &str, payload: &str) -> Result<Job, DbError> {
        let corrupt = |e: serde_json::Error| DbError::Corrupt(format!("{kind} job payload: {e}"));
        match JobKind::parse(kind) {
            Some(JobKind::SendMessage) => Ok(Job::SendMessage(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::SimulateDelivery) => {
                Ok(Job::SimulateDelivery(serde_json::from_str(payload).map_err(corrupt)?))
            }
            Some(JobKind::FetchMedia) => Ok(Job::FetchMedia(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::ImportContacts) => Ok(Job::ImportContacts(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::DeliverWebhook) => Ok(Job::DeliverWebhook(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::SendMail) => Ok(Job::SendMail(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::NotifyAgent) => Ok(Job::NotifyAgent(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::SendRelay) => Ok(Job::SendRelay(serde_json::from_str(payload).map_err(corrupt)?)),
            Some(JobKind::AnswerRelay) => Ok(Job::AnswerRelay(serde_json::from_str(payload).map_err(corrupt)?)),
            None => Err(DbError::Corrupt(format!("unknown job kind {kind:?}"))),
        }
    }
}

impl JobRow {
    pub fn job(&self) -> Result<Job, DbError> {
        Job::parse(&self.kind, &self.payload)
    }
}

pub fn enqueue(
    conn: &mut DbConnection,
    organization: Option<&OrganizationId>,
    job: &Job,
    lane: SendLane,
) -> Result<String, DbError> {
    enqueue_at(conn, organization, job, lane, now())
}

/// A job to run later, such as a simulated delivery report or a message held for quiet hours.
pub fn enqueue_at(
    conn: &mut DbConnection,
    organization: Option<&OrganizationId>,
    job: &Job,
    lane: SendLane,
    run_at: NaiveDateTime,
) -> Result<String, DbError> {
    let now = now();
    let row = JobRow {
        id: ids::new_id(),
        organization_id: organization.cloned(),
        kind: job.kind().as_str().to_owned(),
        payload: job.payload()?,
        lane: lane as i32,
        run_at,
        attempts: 0,
        locked_until: None,
        last_error: None,
        created_at: now,
        message_id: job.message_id().cloned(),
    };
    diesel::insert_into(jobs::table).values(&row).execute(conn)?;
    Ok(row.id)
}

/// Jobs waiting, for tests and operators.
pub fn pending(conn: &mut DbConnection, kind: JobKind) -> Result<Vec<JobRow>, DbError> {
    Ok(jobs::table
        .filter(jobs::kind.eq(kind.as_str()))
        .order((jobs::lane.asc(), jobs::run_at.asc()))
        .select(JobRow::as_select())
        .load(conn)?)
}

/// Takes the next ready job of `class` (any class when `None`), lane by lane, and leases it
/// until `now + lease` (ids break ties in time, so jobs queued in one transaction run in the
/// order they were queued) so no other worker takes it meanwhile; the worker renews the lease
/// while the job runs, and a worker that dies loses it within `lease`, so the job runs again.
/// PostgreSQL skips rows other workers hold; on SQLite the writer lock serialises claims.
/// `now` is the worker's clock, which decides when held jobs are due.
pub fn claim(
    conn: &mut DbConnection,
    class: Option<JobClass>,
    now: NaiveDateTime,
    lease: chrono::Duration,
) -> Result<Option<JobRow>, DbError> {
    let (kinds, lanes) = match class {
        Some(class) => (class.kinds(), class.lanes()),
        None => (&ALL_KINDS[..], SendLane::Conversational as i32..=SendLane::Bulk as i32),
    };
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    // A macro, not a closure: each backend's arm needs the query typed for that backend.
    macro_rules! ready {
        () => {
            jobs::table
                .filter(jobs::run_at.le(now))
                .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
                .filter(jobs::kind.eq_any(&kinds))
                .filter(jobs::lane.between(*lanes.start(), *lanes.end()))
                .order((jobs::lane.asc(), jobs::run_at.asc(), jobs::id.asc()))
                .select(JobRow::as_select())
        };
    }
    let next: Option<JobRow> = match conn {
        DbConnection::Postgresql(pg) => ready!().for_update().skip_locked().first(pg).optional()?,
        DbConnection::Sqlite(sqlite) => ready!().first(sqlite).optional()?,
    };
    let Some(mut job) = next else { return Ok(None) };
    job.attempts += 1;
    job.locked_until = Some(now + lease);
    diesel::update(jobs::table.find(&job.id))
        .set((jobs::attempts.eq(job.attempts), jobs::locked_until.eq(job.locked_until)))
        .execute(conn)?;
    Ok(Some(job))
}

/// This claim of the job: its id, and its attempt count, which the claim raised. A worker that
/// lost its lease (and another worker claimed the job since) no longer matches, so it cannot
/// renew, end or reschedule the other worker's run.
fn claimed(
    job: &JobRow,
) -> diesel::dsl::Filter<diesel::dsl::Find<jobs::table, &str>, diesel::dsl::Eq<jobs::attempts, i32>> {
    jobs::table
        .find(job.id.as_str())
        .filter(jobs::attempts.eq(job.attempts))
}

/// Keeps a running job's lease until `until`; false when this claim is no longer the job's
/// (done, or taken by another worker after the lease ran out).
pub fn renew_lease(conn: &mut DbConnection, job: &JobRow, until: NaiveDateTime) -> Result<bool, DbError> {
    let renewed = diesel::update(claimed(job))
        .set(jobs::locked_until.eq(Some(until)))
        .execute(conn)?;
    Ok(renewed == 1)
}

/// The job is done: it leaves the queue.
pub fn complete(conn: &mut DbConnection, job: &JobRow) -> Result<(), DbError> {
    diesel::delete(claimed(job)).execute(conn)?;
    Ok(())
}

/// Runs the job again at `run_at`, keeping why it failed.
pub fn retry_at(conn: &mut DbConnection, job: &JobRow, run_at: NaiveDateTime, error: &str) -> Result<(), DbError> {
    diesel::update(claimed(job))
        .set((
            jobs::run_at.eq(run_at),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Runs the job later without counting this run as an attempt (it was not tried).
pub fn defer(conn: &mut DbConnection, job: &JobRow, run_at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(claimed(job))
        .set((
            jobs::run_at.eq(run_at),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::attempts.eq(jobs::attempts - 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes the send job of `message_id` due at `run_at` at the latest, in `lane` or a faster
/// one, so a message that must go before another (the consent text) is taken next. Returns
/// whether such a job is waiting.
pub fn hurry_send(
    conn: &mut DbConnection,
    message_id: &MessageId,
    lane: i32,
    run_at: NaiveDateTime,
) -> Result<bool, DbError> {
    let waiting: Option<JobRow> = jobs::table
        .filter(jobs::message_id.eq(message_id))
        .filter(jobs::kind.eq(JobKind::SendMessage.as_str()))
        .select(JobRow::as_select())
        .first(conn)
        .optional()?;
    let Some(job) = waiting else { return Ok(false) };
    diesel::update(jobs::table.find(&job.id))
        .set((
            jobs::lane.eq(job.lane.min(lane)),
            jobs::run_at.eq(job.run_at.min(run_at)),
        ))
        .execute(conn)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_job_in_every_lane_has_a_class_to_run_it() {
        let lanes = [SendLane::Conversational, SendLane::Automated, SendLane::Bulk];
        for kind in ALL_KINDS {
            for lane in lanes {
                let classes: Vec<JobClass> = JobClass::ALL
                    .into_iter()
                    .filter(|class| class.kinds().contains(&kind) && class.lanes().contains(&(lane as i32)))
                    .collect();
                assert_eq!(classes.len(), 1, "{kind:?} in {lane:?}: {classes:?}");
            }
        }
    }
}
