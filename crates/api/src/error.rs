//! `ApiError`, the one error type of the HTTP layer, and its problem+json rendering. Every
//! other error is mapped into it explicitly, and every error response, including actix's own
//! (unknown route, wrong method), leaves as problem+json.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use textdesk_app::AppError;
use textdesk_db::{DbError, LostConnection};
use textdesk_types::FieldError;
use textdesk_types::problem::{PROBLEM_JSON, ProblemDetails};

/// Seconds a client should wait before trying again when the database is out of reach or the
/// server is busy.
const RETRY_UNAVAILABLE_AFTER: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    Gone { code: &'static str, detail: String },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many attempts")]
    TooManyRequests {
        code: &'static str,
        retry_after_seconds: i64,
        detail: String,
    },
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// More work is waiting than the server takes on; the client should try again shortly.
    #[error("{0}")]
    Busy(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn internal(message: &str) -> Self {
        ApiError::Internal(anyhow::anyhow!(message.to_owned()))
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn unauthorized(code: &'static str, detail: &str) -> Self {
        ApiError::Unauthorized {
            code,
            detail: detail.to_owned(),
        }
    }

    pub fn problem(&self) -> ProblemDetails {
        match self {
            ApiError::Validation(errors) => {
                let mut problem = ProblemDetails::new(422, "validation_failed", "The request has invalid fields")
                    .with_detail(match errors.len() {
                        1 => "1 field is invalid".to_owned(),
                        n => format!("{n} fields are invalid"),
                    });
                problem.errors = errors.clone();
                problem
            }
            ApiError::BadRequest { code, detail } => {
                ProblemDetails::new(400, code, "The request cannot be read").with_detail(detail.clone())
            }
            ApiError::Unauthorized { code, detail } => {
                ProblemDetails::new(401, code, "Authentication is required").with_detail(detail.clone())
            }
            ApiError::Forbidden { code, detail } => {
                ProblemDetails::new(403, code, "You may not do this").with_detail(detail.clone())
            }
            ApiError::NotFound(what) => {
                ProblemDetails::new(404, "not_found", "Not found").with_detail(format!("No such {what}."))
            }
            ApiError::Conflict { code, detail } => {
                ProblemDetails::new(409, code, "The request conflicts with the current state")
                    .with_detail(detail.clone())
            }
            ApiError::Gone { code, detail } => {
                ProblemDetails::new(410, code, "No longer available").with_detail(detail.clone())
            }
            ApiError::PayloadTooLarge { limit } => {
                ProblemDetails::new(413, "payload_too_large", "The request body is too large")
                    .with_detail(format!("Send at most {limit} bytes."))
            }
            ApiError::UnsupportedMediaType(detail) => {
                ProblemDetails::new(415, "unsupported_media_type", "Unsupported media type").with_detail(detail.clone())
            }
            ApiError::TooManyRequests {
                code,
                retry_after_seconds,
                detail,
            } => ProblemDetails::new(429, code, "Too many requests")
                .with_detail(format!("{detail} Try again in {retry_after_seconds} seconds.")),
            ApiError::Unavailable(_) => ProblemDetails::new(503, "unavailable", "The service is unavailable")
                .with_detail("The database cannot be reached; try again shortly."),
            ApiError::Busy(detail) => ProblemDetails::new(503, "busy", "The service is busy")
                .with_detail(format!("{detail} Try again shortly.")),
            ApiError::Internal(_) => ProblemDetails::new(500, "internal_error", "Internal server error")
                .with_detail("Something went wrong on our side; it has been logged."),
        }
    }
}

/// Storage errors reach the HTTP layer through the application's one mapping.
impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::from(AppError::from(error))
    }
}

impl LostConnection for ApiError {
    fn lost_connection(&self) -> bool {
        matches!(self, ApiError::Unavailable(_))
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Validation(errors) => ApiError::Validation(errors),
            AppError::BadRequest { code, detail } => ApiError::BadRequest { code, detail },
            AppError::Unauthorized { code, detail } => ApiError::Unauthorized { code, detail },
            AppError::NotFound(what) => ApiError::NotFound(what),
            AppError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            AppError::Forbidden { code, detail } => ApiError::Forbidden { code, detail },
            AppError::Gone { code, detail } => ApiError::Gone { code, detail },
            AppError::TooManyAttempts {
                retry_after_seconds,
                detail,
            } => ApiError::TooManyRequests {
                code: "too_many_attempts",
                retry_after_seconds,
                detail,
            },
            AppError::RateLimited {
                retry_after_seconds,
                detail,
            } => ApiError::TooManyRequests {
                code: "rate_limited",
                retry_after_seconds,
                detail,
            },
            AppError::Unavailable(reason) => ApiError::Unavailable(reason),
            AppError::Busy(reason) => ApiError::Busy(reason),
            AppError::Internal(error) => ApiError::Internal(error),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(error) => tracing::error!(error.cause_chain = ?error, "request failed"),
            ApiError::Unavailable(error) => tracing::warn!(%error, "database unavailable"),
            ApiError::Busy(reason) => tracing::warn!(reason, "busy"),
            _ => {}
        }
        let mut response = problem_response(&self.problem());
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized { .. } => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests {
                retry_after_seconds, ..
            } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            ApiError::Unavailable(_) | ApiError::Busy(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_UNAVAILABLE_AFTER));
            }
            _ => {}
        }
        response
    }
}

pub fn problem_response(problem: &ProblemDetails) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(problem).unwrap_or_else(|_| String::from("{}"));
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(body)
}

/// Turns any error response that is not already problem+json (actix's 404 for an unknown
/// route, 405 for a wrong method, 413 from a body limit) into one.
pub fn ensure_problem_json<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already_problem {
        return Ok(ErrorHandlerResponse::Response(response.map_into_left_body()));
    }
    let status = response.status();
    let problem = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("route").problem(),
        StatusCode::METHOD_NOT_ALLOWED => ProblemDetails::new(405, "method_not_allowed", "Method not allowed")
            .with_detail(format!("{} is not allowed here.", response.request().method())),
        StatusCode::PAYLOAD_TOO_LARGE => ProblemDetails::new(413, "payload_too_large", "The request body is too large"),
        other => ProblemDetails::new(
            other.as_u16(),
            "http_error",
            other.canonical_reason().unwrap_or("Error"),
        ),
    };
    let (request, _) = response.into_parts();
    let replacement = problem_response(&problem);
    let replacement: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(request, replacement).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(replacement))
}
