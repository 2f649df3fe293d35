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

/// Requests since `since`: for the address, and from the client.
pub fn count_since(
    conn: &mut DbConnection,
    email: &str,
    client_address: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let recent = password_reset_requests::table.filter(password_reset_requests::created_at.gt(since));
    let for_email: i64 = recent
        .filter(password_reset_requests::email.eq(email))
        .count()
        .get_result(conn)?;
    let from_client: i64 = recent
        .filter(password_reset_requests::client_address.eq(client_address))
        .count()
        .get_result(conn)?;
    Ok((for_email, from_client))
}

pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(password_reset_requests::table.filter(password_reset_requests::created_at.lt(cutoff)))
            .execute(conn)?,
    )
}
