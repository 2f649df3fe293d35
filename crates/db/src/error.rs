//! The storage layer's error: the API maps each variant to a problem.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique or check constraint refused the write; `constraint` names what clashed
    /// (PostgreSQL's constraint name, or SQLite's `table.column`).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("no database connection available: {0}")]
    Pool(String),
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
            other => DbError::Query(other),
        }
    }
}

impl DbError {
    /// Whether a conflict was on a constraint whose name or message mentions `needle`.
    pub fn is_conflict_on(&self, needle: &str) -> bool {
        matches!(self, DbError::Conflict { constraint } if constraint.contains(needle))
    }
}
