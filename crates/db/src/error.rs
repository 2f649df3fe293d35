//! The storage layer's error: the application maps each variant to what its callers see.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique or check constraint refused the write; `constraint` names what clashed
    /// (PostgreSQL's constraint name, or SQLite's `table.column`).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// No connection could be had, or the one in use was lost: the database is down or
    /// unreachable, and the same work may succeed shortly.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(DieselError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => DbError::Conflict {
                constraint: info
                    .constraint_name()
                    .map(str::to_owned)
                    .unwrap_or_else(|| info.message().to_owned()),
            },
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => DbError::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(kind, info) if is_connection_lost(&kind, info.message()) => {
                DbError::Unavailable(info.message().to_owned())
            }
            other => DbError::Query(other),
        }
    }
}

/// libpq reports a server that went away mid-query as an unknown error with one of these
/// messages; an administrator's termination (`pg_terminate_backend`) as SQLSTATE 57P01.
fn is_connection_lost(kind: &DatabaseErrorKind, message: &str) -> bool {
    matches!(kind, DatabaseErrorKind::Unknown)
        && [
            "server closed the connection",
            "terminating connection",
            "no connection to the server",
            "connection to server",
            "could not receive data",
            "SSL SYSCALL",
        ]
        .iter()
        .any(|needle| message.contains(needle))
}

impl DbError {
    /// Whether a conflict was on a constraint whose name or message mentions `needle`.
    pub fn is_conflict_on(&self, needle: &str) -> bool {
        matches!(self, DbError::Conflict { constraint } if constraint.contains(needle))
    }

    /// Whether the database could not be reached, as opposed to refusing the work.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, DbError::Unavailable(_))
    }
}

/// An error that can tell whether the database connection was lost while work ran on it (as
/// opposed to no connection being had at all): such read-only work may run again at once.
pub trait LostConnection {
    fn lost_connection(&self) -> bool;
}

impl LostConnection for DbError {
    fn lost_connection(&self) -> bool {
        self.is_unavailable()
    }
}
