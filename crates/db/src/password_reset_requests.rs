//! Reset mails asked for on the sign-in page, counted per address and per client so the page
//! cannot be used to flood a mailbox or probe for accounts at speed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::password_reset_requests;
use crate::{DbConnection, DbError, ids};

pub fn record(conn: &mut DbConnection, email: &str, client_address: &str, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::insert_into(password_reset_requests::table)
        .values((
            password_reset_requests::id.eq(ids::new_id::<String>()),
            password_reset_requests::email.eq(email),
            password_reset_requests::client_address.eq(client_address),
            password_reset_requests::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes requests for this address, and from this client, take turns until the transaction
/// ends, so parallel requests cannot all pass the count before any is recorded. PostgreSQL
/// only: SQLite's single writer already takes them one at a time. The address's locks come
/// before the client's in every transaction, so two never wait for each other.
pub fn take_turns(conn: &mut DbConnection, email: &str, client_address: &str) -> Result<(), DbError> {
    if let DbConnection::Postgresql(pg) = conn {
        for (space, key) in [(7_243_101, email), (7_243_102, client_address)] {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                .bind::<diesel::sql_types::Integer, _>(space)
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(pg)?;
        }
    }
    Ok(())
}

/// Requests since `since`: for the address, from the client, and when the oldest of those
/// counted was made.
pub fn count_since(
    conn: &mut DbConnection,
    email: &str,
    client_address: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64, Option<NaiveDateTime>), DbError> {
    let recent = password_reset_requests::table.filter(password_reset_requests::created_at.gt(since));
    let for_email: i64 = recent
        .filter(password_reset_requests::email.eq(email))
        .count()
        .get_result(conn)?;
    let from_client: i64 = recent
        .filter(password_reset_requests::client_address.eq(client_address))
        .count()
        .get_result(conn)?;
    let oldest: Option<NaiveDateTime> = recent
        .filter(
            password_reset_requests::email
                .eq(email)
                .or(password_reset_requests::client_address.eq(client_address)),
        )
        .select(diesel::dsl::min(password_reset_requests::created_at))
        .first(conn)?;
    Ok((for_email, from_client, oldest))
}

pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(password_reset_requests::table.filter(password_reset_requests::created_at.lt(cutoff)))
            .execute(conn)?,
    )
}
