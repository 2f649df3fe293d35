//! Deleting what has outlived its use: expired tokens and old sign-in failures.

use chrono::{Duration, Utc};

use crate::{Database, DbError, login_failures, password_resets, refresh_tokens};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub refresh_tokens: usize,
    pub password_resets: usize,
    pub login_failures: usize,
}

/// Expired tokens are kept a day (so a late reuse is still recognised and answered as such),
/// sign-in failures a day past any throttle window.
pub fn purge(db: &Database) -> Result<Purged, DbError> {
    let cutoff = (Utc::now() - Duration::days(1)).naive_utc();
    db.write(|conn| {
        Ok(Purged {
            refresh_tokens: refresh_tokens::purge_expired(conn, cutoff)?,
            password_resets: password_resets::purge_expired(conn, cutoff)?,
            login_failures: login_failures::purge_older_than(conn, cutoff)?,
        })
    })
}
