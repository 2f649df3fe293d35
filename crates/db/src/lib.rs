//! Textdesk's storage: the diesel schema, the embedded migrations of both backends, and every
//! query, written once for SQLite and PostgreSQL through diesel's `MultiConnection`.
//!
//! Rows are plain structs; conversion to wire types happens here so callers never see diesel.
//! Every function that reads tenant data takes the caller's `OrganizationId`. This crate must
//! not depend on the web framework or the worker.

pub mod agents;
pub mod api_keys;
pub mod assignment_rules;
pub mod audit;
pub mod change_signal;
pub mod clock;
pub mod connection;
pub mod consent;
pub mod contact_imports;
pub mod contacts;
pub mod conversations;
pub mod custom_fields;
pub mod error;
pub mod events;
pub mod exports;
pub mod groups;
pub mod housekeeping;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod login_failures;
pub mod mails;
pub mod media;
pub mod messages;
pub mod notifications;
pub mod numbers;
pub mod organizations;
pub mod password_reset_requests;
pub mod password_resets;
pub mod presence;
pub mod quick_replies;
pub mod refresh_tokens;
pub mod relay;
pub mod schema;
pub mod schema_check;
pub mod search;
pub mod secrets;
pub mod setup;
pub mod threads;
pub mod unread;
pub mod views;
pub mod webhook_outbox;
pub mod webhooks;

pub use connection::{Backend, Database, DbConnection};
#[doc(hidden)]
pub use diesel as __diesel;
pub use diesel::result::Error as QueryError;
pub use error::{DbError, LostConnection};

/// `text` as a LIKE pattern that matches it literally, LIKE's own characters escaped by `\`
/// (queries say `.escape('\\')`).
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The current time as stored: UTC without an offset (both backends' `timestamp`).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A stored UTC time as the wire's timestamp.
pub fn utc(stored: chrono::NaiveDateTime) -> textdesk_types::Timestamp {
    stored.and_utc()
}

/// Inserts many rows with one statement; evaluates to diesel's `QueryResult<usize>`. A
/// multi-row INSERT needs the concrete backend, which `MultiConnection` cannot name, so this
/// runs it on the connection's own.
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use $crate::__diesel::RunQueryDsl as _;
        match $conn {
            $crate::DbConnection::Postgresql(pg) => $crate::__diesel::insert_into($table).values($rows).execute(pg),
            $crate::DbConnection::Sqlite(sqlite) => $crate::__diesel::insert_into($table).values($rows).execute(sqlite),
        }
    }};
}
