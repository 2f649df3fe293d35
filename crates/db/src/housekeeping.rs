//! Deleting what has outlived its use: expired tokens, old sign-in failures and changes older
//! than the change feed keeps.

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use crate::{
    Backend, Database, DbError, api_keys, contact_imports, events, idempotency, login_failures, mails, organizations,
    password_reset_requests, password_resets, refresh_tokens, unread, webhooks,
};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub refresh_tokens: usize,
    pub password_resets: usize,
    pub login_failures: usize,
    pub unconfirmed_imports: usize,
    pub api_key_minutes: usize,
    pub idempotency_keys: usize,
    pub webhook_events: usize,
    pub reset_requests: usize,
    pub mails: usize,
    pub events: usize,
}

/// How long mail is kept, and with it the reply addresses notifications carried: a reply to
/// an older notification is refused.
pub const MAIL_KEPT_DAYS: i64 = 30;

/// How long a webhook endpoint's delivery log keeps an event, long past its last retry.
pub const WEBHOOK_LOG_DAYS: i64 = 30;

/// How long the change feed keeps a change. A client away longer (a laptop closed over a
/// week-end and more) is told to load afresh, which costs one page load.
pub const FEED_RETENTION_DAYS: i64 = 7;

/// Expired tokens are kept a day (so a late reuse is still recognised and answered as such),
/// sign-in failures a day past any throttle window, a checked import file a day for its
/// importer to confirm, and an idempotent request's answer the day its key is good for.
pub fn purge(db: &Database) -> Result<Purged, DbError> {
    let cutoff = (Utc::now() - Duration::days(1)).naive_utc();
    let log_cutoff = (Utc::now() - Duration::days(WEBHOOK_LOG_DAYS)).naive_utc();
    let mail_cutoff = (Utc::now() - Duration::days(MAIL_KEPT_DAYS)).naive_utc();
    let mut purged = db.write(|conn| -> Result<Purged, DbError> {
        Ok(Purged {
            refresh_tokens: refresh_tokens::purge_expired(conn, cutoff)?,
            password_resets: password_resets::purge_expired(conn, cutoff)?,
            login_failures: login_failures::purge_older_than(conn, cutoff)?,
            unconfirmed_imports: contact_imports::purge_unconfirmed(conn, cutoff)?,
            api_key_minutes: api_keys::purge_minutes(conn, cutoff)?,
            idempotency_keys: idempotency::purge_older_than(conn, cutoff)?,
            webhook_events: webhooks::purge_older_than(conn, log_cutoff)?,
            reset_requests: password_reset_requests::purge_older_than(conn, cutoff)?,
            mails: mails::purge_older_than(conn, mail_cutoff)? + mails::purge_receipts_older_than(conn, mail_cutoff)?,
            events: 0,
        })
    })?;
    let feed_cutoff = (Utc::now() - Duration::days(FEED_RETENTION_DAYS)).naive_utc();
    for organization in db.read(organizations::all_ids)? {
        purged.events += events::purge_before(db, &organization, feed_cutoff)?;
    }
    Ok(purged)
}

/// Changes to a table, since its statistics were last gathered, after which it is analysed
/// again: PostgreSQL autovacuum's own default rule (50 rows and 10 %), with a floor so that a
/// young table's every few rows do not each cost an ANALYZE.
const STALE_ROWS: i64 = 500;
const STALE_FRACTION: f64 = 0.1;

/// Gathers fresh planner statistics for every table of this database that changed much since
/// they were last gathered (PostgreSQL only; SQLite's planner needs none). Autovacuum does the
/// same when it runs, but it may be switched off, or not have reached a young table yet:
/// a table grown from nothing to 100,000 rows while the planner still believes it empty makes
/// the inbound path's batch lookups scan instead of seek. Returns the tables analysed.
pub fn refresh_statistics(db: &Database) -> Result<Vec<String>, DbError> {
    if db.backend() != Backend::Postgres {
        return Ok(Vec::new());
    }
    #[derive(QueryableByName)]
    struct Stale {
        #[diesel(sql_type = Text)]
        relname: String,
    }
    let stale: Vec<Stale> = db.read(|conn| {
        diesel::sql_query(
            "SELECT relname::text AS relname FROM pg_stat_user_tables \
             WHERE schemaname = current_schema() AND n_mod_since_analyze >= GREATEST($1, $2 * n_live_tup)",
        )
        .bind::<BigInt, _>(STALE_ROWS)
        .bind::<Double, _>(STALE_FRACTION)
        .load(conn)
        .map_err(DbError::from)
    })?;
    let mut analysed = Vec::with_capacity(stale.len());
    for table in stale {
        // Names come from the catalog; quoting keeps any of them a single identifier.
        let statement = format!("ANALYZE \"{}\"", table.relname.replace('"', "\"\""));
        db.read(|conn| conn.batch_execute(&statement).map_err(DbError::from))?;
        analysed.push(table.relname);
    }
    Ok(analysed)
}

/// Folds the agents' appended unread tallies (`unread::compact_tallies`) once more than
/// `unfolded_max` piled up for an agent, then vacuums the table: folding leaves dead rows,
/// which counting would step over, and vacuuming marks pages all-visible, so counting reads the
/// tallies' covering index alone. Autovacuum would do it too, where it is on and in its own
/// time. PostgreSQL's alone (SQLite keeps its tallies in place). Returns the tallies folded.
pub fn fold_unread_tallies(db: &Database, unfolded_max: i64) -> Result<usize, DbError> {
    if db.backend() != Backend::Postgres {
        return Ok(0);
    }
    let folded = db.write(|conn| unread::compact_tallies(conn, unfolded_max))?;
    if folded > 0 {
        // VACUUM cannot run in a transaction; reads run outside one.
        db.read(|conn| conn.batch_execute("VACUUM unread_tallies").map_err(DbError::from))?;
    }
    Ok(folded)
}
