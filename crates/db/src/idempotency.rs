//! Requests made with an `Idempotency-Key`: claimed before they run, their answers kept a day.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::OrganizationId;

use crate::schema::idempotency_keys;
use crate::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    /// Whose key it is (an agent or an API key): two callers' keys never meet.
    pub scope: String,
    pub idempotency_key: String,
    pub organization_id: OrganizationId,
    /// The request the key was first used for.
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
    /// When the request that holds the key started; cleared once its answer is stored.
    pub locked_at: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    pub response_headers: Option<String>,
    pub response_body: Option<Vec<u8>>,
}

/// Inserts the claim; false when the key is held or answered already.
pub fn claim(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<bool, DbError> {
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(idempotency_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_or_ignore_into(idempotency_keys::table)
            .values(row)
            .execute(sqlite)?,
    };
    Ok(inserted == 1)
}

pub fn find(conn: &mut DbConnection, scope: &str, key: &str) -> Result<Option<IdempotencyRow>, DbError> {
    Ok(idempotency_keys::table
        .find((scope, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes over a key whose earlier use has expired, or whose request was abandoned (its server
/// process stopped before answering). `seen` is the row as read: a claim always moves
/// `created_at`, so of two requests taking over the same row only one succeeds.
pub fn take_over(conn: &mut DbConnection, seen: &IdempotencyRow, row: &IdempotencyRow) -> Result<bool, DbError> {
    let taken = diesel::update(
        idempotency_keys::table
            .find((&seen.scope, &seen.idempotency_key))
            .filter(idempotency_keys::created_at.eq(seen.created_at)),
    )
    .set((
        idempotency_keys::fingerprint.eq(&row.fingerprint),
        idempotency_keys::created_at.eq(row.created_at),
        idempotency_keys::locked_at.eq(row.locked_at),
        idempotency_keys::response_status.eq(None::<i32>),
        idempotency_keys::response_headers.eq(None::<String>),
        idempotency_keys::response_body.eq(None::<Vec<u8>>),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Stores the answer of the request holding the key, if its hold (`claimed_at`) is still the
/// key's: a hold taken over by a retry is not overwritten.
pub fn answer(
    conn: &mut DbConnection,
    (scope, key, claimed_at): (&str, &str, NaiveDateTime),
    status: i32,
    headers: &str,
    body: &[u8],
) -> Result<(), DbError> {
    diesel::update(
        idempotency_keys::table
            .find((scope, key))
            .filter(idempotency_keys::created_at.eq(claimed_at)),
    )
    .set((
        idempotency_keys::locked_at.eq(None::<NaiveDateTime>),
        idempotency_keys::response_status.eq(status),
        idempotency_keys::response_headers.eq(headers),
        idempotency_keys::response_body.eq(body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Marks the hold `claimed_at` as still running.
pub fn renew(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    claimed_at: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        idempotency_keys::table
            .find((scope, key))
            .filter(idempotency_keys::created_at.eq(claimed_at))
            .filter(idempotency_keys::response_status.is_null()),
    )
    .set(idempotency_keys::locked_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// Gives the key back unanswered, so that a retry runs the request again; only the hold
/// `claimed_at`, never a later one.
pub fn release(conn: &mut DbConnection, scope: &str, key: &str, claimed_at: NaiveDateTime) -> Result<(), DbError> {
    diesel::delete(
        idempotency_keys::table
            .find((scope, key))
            .filter(idempotency_keys::created_at.eq(claimed_at))
            .filter(idempotency_keys::response_status.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff))).execute(conn)?)
}
