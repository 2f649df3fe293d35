//! `AppError`, the one error type of the application's operations. The HTTP layer renders it
//! as problem+json and the CLI as a message; neither has to know where it came from.

use textdesk_db::{DbError, LostConnection};
use textdesk_domain::Invalid;
use textdesk_domain::permissions::Denied;
use textdesk_types::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Every invalid field of the request, each with a stable code.
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// The request cannot be acted on as made (an unknown, used or expired one-time token).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// Credentials or a session were refused.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is valid but the current state refuses it (a closed conversation, an
    /// opted-out contact).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// What the request reads on from is no longer kept (an expired change-feed cursor).
    #[error("{detail}")]
    Gone { code: &'static str, detail: String },
    /// Too many failed attempts; the next may be made after the given wait.
    #[error("{detail}")]
    TooManyAttempts { retry_after_seconds: i64, detail: String },
    /// An API key made more requests this minute than it may; the next may be made after the
    /// given wait.
    #[error("{detail}")]
    RateLimited { retry_after_seconds: i64, detail: String },
    /// The database cannot be reached; the same request may succeed shortly.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// More work is waiting than this process takes on; try again shortly.
    #[error("{0}")]
    Busy(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn internal(message: &str) -> Self {
        AppError::Internal(anyhow::anyhow!(message.to_owned()))
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A field whose value a domain parser refused.
    pub fn invalid(field: &str, invalid: Invalid) -> Self {
        AppError::field(field, invalid.code, invalid.message)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }
}

/// The one mapping of storage failures. A unique constraint that the operation did not
/// expect is a conflict whose constraint name stays in the logs, never in an answer.
impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => AppError::NotFound("resource"),
            DbError::Conflict { constraint } => {
                tracing::info!(%constraint, "write refused by a unique constraint");
                AppError::conflict("conflict", "This would duplicate an existing record.")
            }
            DbError::Unavailable(message) => AppError::Unavailable(message),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl LostConnection for AppError {
    fn lost_connection(&self) -> bool {
        matches!(self, AppError::Unavailable(_))
    }
}

impl From<textdesk_db::QueryError> for AppError {
    fn from(error: textdesk_db::QueryError) -> Self {
        AppError::from(DbError::from(error))
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        AppError::Forbidden {
            code: denied.code(),
            detail: denied.message().to_owned(),
        }
    }
}

/// Names what was not found: `find(...).or_missing("conversation")`.
pub trait OrMissing<T> {
    fn or_missing(self, what: &'static str) -> AppResult<T>;
    /// A reference in the request's `field` to something the organization does not have: 422.
    fn or_unknown(self, field: &str, code: &str, message: &str) -> AppResult<T>;
}

impl<T> OrMissing<T> for Result<T, DbError> {
    fn or_missing(self, what: &'static str) -> AppResult<T> {
        self.map_err(|error| match error {
            DbError::NotFound => AppError::NotFound(what),
            other => other.into(),
        })
    }

    fn or_unknown(self, field: &str, code: &str, message: &str) -> AppResult<T> {
        self.map_err(|error| match error {
            DbError::NotFound => AppError::field(field, code, message),
            other => other.into(),
        })
    }
}
