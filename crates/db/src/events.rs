//! The change feed: every change an agent could see, as a compact patch with a per-organization
//! sequence number. Taking the number updates the organization's row, so on PostgreSQL two
//! writers of one organization take turns and sequence order is commit order: a reader that
//! has seen number N will never later find a smaller one appear.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::OrganizationId;

use crate::schema::{events, organizations};
use crate::{DbConnection, DbError, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub organization_id: String,
    pub seq: i64,
    pub kind: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

fn take_seq(conn: &mut DbConnection, organization: &OrganizationId) -> Result<i64, DbError> {
    diesel::update(organizations::table.find(organization.as_str()))
        .set(organizations::next_event_seq.eq(organizations::next_event_seq + 1))
        .execute(conn)?;
    let next: i64 = organizations::table
        .find(organization.as_str())
        .select(organizations::next_event_seq)
        .first(conn)?;
    Ok(next - 1)
}

/// Appends one change in the caller's transaction.
pub fn append(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    kind: &str,
    data: &serde_json::Value,
) -> Result<i64, DbError> {
    let seq = take_seq(conn, organization)?;
    let row = EventRow {
        organization_id: organization.to_string(),
        seq,
        kind: kind.to_owned(),
        payload: data.to_string(),
        created_at: now(),
    };
    diesel::insert_into(events::table).values(&row).execute(conn)?;
    Ok(seq)
}

/// Changes after `after`, oldest first.
pub fn after(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    after: i64,
    limit: i64,
) -> Result<Vec<EventRow>, DbError> {
    Ok(events::table
        .filter(events::organization_id.eq(organization.as_str()))
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// The newest sequence number (0 before the first change).
pub fn latest(conn: &mut DbConnection, organization: &OrganizationId) -> Result<i64, DbError> {
    let next: i64 = organizations::table
        .find(organization.as_str())
        .select(organizations::next_event_seq)
        .first(conn)?;
    Ok(next - 1)
}

/// A contact was created or changed.
pub fn contact_changed(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contact_id: &str,
) -> Result<i64, DbError> {
    append(
        conn,
        organization,
        "contact.changed",
        &serde_json::json!({ "contact_id": contact_id }),
    )
}
