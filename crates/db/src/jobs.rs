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
}

pub fn enqueue(
    conn: &mut DbConnection,
    organization: Option<&OrganizationId>,
    kind: &str,
    payload: &serde_json::Value,
    lane: Lane,
) -> Result<String, DbError> {
    let now = now();
    let row = JobRow {
        id: ids::new_id(),
        organization_id: organization.map(OrganizationId::to_string),
        kind: kind.to_owned(),
        payload: payload.to_string(),
        lane: lane as i32,
        run_at: now,
        attempts: 0,
        locked_until: None,
        last_error: None,
        created_at: now,
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
