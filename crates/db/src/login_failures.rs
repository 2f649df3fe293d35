//! Failed sign-ins, counted per account and per client address for throttling. Kept in the
//! database so every server process sees the same counts.

use chrono::NaiveDateTime;
use diesel::dsl::min;
use diesel::prelude::*;

use crate::schema::login_failures;
use crate::{DbConnection, DbError, ids, now};

pub fn record(conn: &mut DbConnection, email: &str, client_address: &str) -> Result<(), DbError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(ids::new_id::<String>()),
            login_failures::email.eq(email),
            login_failures::client_address.eq(client_address),
            login_failures::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures since `since`: for the account, for the address, and the oldest counted one.
pub struct FailureCounts {
    pub account: i64,
    pub address: i64,
    pub oldest: Option<NaiveDateTime>,
}

pub fn count_since(
    conn: &mut DbConnection,
    email: &str,
    client_address: &str,
    since: NaiveDateTime,
) -> Result<FailureCounts, DbError> {
    let recent = login_failures::table.filter(login_failures::created_at.gt(since));
    let account: i64 = recent
        .filter(login_failures::email.eq(email))
        .count()
        .get_result(conn)?;
    let address: i64 = recent
        .filter(login_failures::client_address.eq(client_address))
        .count()
        .get_result(conn)?;
    let oldest: Option<NaiveDateTime> = recent
        .filter(
            login_failures::email
                .eq(email)
                .or(login_failures::client_address.eq(client_address)),
        )
        .select(min(login_failures::created_at))
        .first(conn)?;
    Ok(FailureCounts {
        account,
        address,
        oldest,
    })
}

/// A successful sign-in forgives the account's failures.
pub fn clear_account(conn: &mut DbConnection, email: &str) -> Result<(), DbError> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}

pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(login_failures::table.filter(login_failures::created_at.lt(cutoff))).execute(conn)?)
}
