//! The durable job queue: everything that leaves Textdesk (texts, mail, webhooks) is a row here
//! first, written in the same transaction as the change that caused it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::OrganizationId;

use crate::schema::jobs;
use crate::{DbConnection, DbError, ids, now};

/// Lanes: agents' own replies go before automated messages, which go before bulk sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Conversational = 0,
    Automated = 1,
    Bulk = 2,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub organization_id: Option<String>,
    pub kind: String,
    pub payload: String,
    pub lane: i32,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    /// The message the job is about, when its payload names one.
    pub message_id: Option<String>,
}

pub fn enqueue(
    conn: &mut DbConnection,
    organization: Option<&OrganizationId>,
    kind: &str,
    payload: &serde_json::Value,
    lane: Lane,
) -> Result<String, DbError> {
    enqueue_at(conn, organization, kind, payload, lane, now())
}

/// A job to run later, such as a simulated delivery report or a message held for quiet hours.
pub fn enqueue_at(
    conn: &mut DbConnection,
    organization: Option<&OrganizationId>,
    kind: &str,
    payload: &serde_json::Value,
    lane: Lane,
    run_at: NaiveDateTime,
) -> Result<String, DbError> {
    let now = now();
    let row = JobRow {
        id: ids::new_id(),
        organization_id: organization.map(OrganizationId::to_string),
        kind: kind.to_owned(),
        payload: payload.to_string(),
        lane: lane as i32,
        run_at,
        attempts: 0,
        locked_until: None,
        last_error: None,
        created_at: now,
        message_id: payload
            .get("message_id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    };
    diesel::insert_into(jobs::table).values(&row).execute(conn)?;
    Ok(row.id)
}

/// Jobs waiting, for tests and operators.
pub fn pending(conn: &mut DbConnection, kind: &str) -> Result<Vec<JobRow>, DbError> {
    Ok(jobs::table
        .filter(jobs::kind.eq(kind))
        .order((jobs::lane.asc(), jobs::run_at.asc()))
        .select(JobRow::as_select())
        .load(conn)?)
}

/// Takes the next ready job, lane by lane, and leases it (ids break ties in time, so jobs
/// queued in one transaction run in the order they were queued) for `lease_seconds` so no other
/// worker takes it meanwhile; a worker that dies loses the lease and the job runs again.
/// PostgreSQL skips rows other workers hold; on SQLite the writer lock serialises claims.
/// `now` is the worker's clock, which decides when held jobs are due.
pub fn claim(conn: &mut DbConnection, now: NaiveDateTime, lease_seconds: i64) -> Result<Option<JobRow>, DbError> {
    let ready = jobs::run_at
        .le(now)
        .and(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)));
    let next: Option<JobRow> = match conn {
        DbConnection::Postgresql(pg) => jobs::table
            .filter(ready)
            .order((jobs::lane.asc(), jobs::run_at.asc(), jobs::id.asc()))
            .select(JobRow::as_select())
            .for_update()
            .skip_locked()
            .first(pg)
            .optional()?,
        DbConnection::Sqlite(sqlite) => jobs::table
            .filter(ready)
            .order((jobs::lane.asc(), jobs::run_at.asc(), jobs::id.asc()))
            .select(JobRow::as_select())
            .first(sqlite)
            .optional()?,
    };
    let Some(mut job) = next else { return Ok(None) };
    job.attempts += 1;
    job.locked_until = Some(now + chrono::Duration::seconds(lease_seconds));
    diesel::update(jobs::table.find(&job.id))
        .set((jobs::attempts.eq(job.attempts), jobs::locked_until.eq(job.locked_until)))
        .execute(conn)?;
    Ok(Some(job))
}

/// The job is done: it leaves the queue.
pub fn complete(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::delete(jobs::table.find(id)).execute(conn)?;
    Ok(())
}

/// Runs the job again at `run_at`, keeping why it failed.
pub fn retry_at(conn: &mut DbConnection, id: &str, run_at: NaiveDateTime, error: &str) -> Result<(), DbError> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::run_at.eq(run_at),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Runs the job later without counting this run as an attempt (it was not tried).
pub fn defer(conn: &mut DbConnection, id: &str, run_at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(jobs::table.find(id))
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
    message_id: &str,
    lane: i32,
    run_at: NaiveDateTime,
) -> Result<bool, DbError> {
    let waiting: Option<JobRow> = jobs::table
        .filter(jobs::message_id.eq(message_id))
        .filter(jobs::kind.eq("send_message"))
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
