//! Deleting what has outlived its use: expired tokens, old sign-in failures and changes older
//! than the change feed keeps.

use chrono::{Duration, Utc};

use crate::{Database, DbError, events, login_failures, organizations, password_resets, refresh_tokens};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub refresh_tokens: usize,
    pub password_resets: usize,
    pub login_failures: usize,
    pub events: usize,
}

/// How long the change feed keeps a change. A client away longer (a laptop closed over a
/// week-end and more) is told to load afresh, which costs one page load.
pub const FEED_RETENTION_DAYS: i64 = 7;

/// Expired tokens are kept a day (so a late reuse is still recognised and answered as such),
/// sign-in failures a day past any throttle window.
pub fn purge(db: &Database) -> Result<Purged, DbError> {
    let cutoff = (Utc::now() - Duration::days(1)).naive_utc();
    db.write(|conn| {
        Ok(Purged {
            refresh_tokens: refresh_tokens::purge_expired(conn, cutoff)?,
            password_resets: password_resets::purge_expired(conn, cutoff)?,
            login_failures: login_failures::purge_older_than(conn, cutoff)?,
            events: purge_events(conn)?,
        })
    })
}

fn purge_events(conn: &mut crate::DbConnection) -> Result<usize, DbError> {
    let cutoff = (Utc::now() - Duration::days(FEED_RETENTION_DAYS)).naive_utc();
    let mut purged = 0;
    for organization in organizations::all_ids(conn)? {
        purged += events::purge_before(conn, &organization, cutoff)?;
    }
    Ok(purged)
}
