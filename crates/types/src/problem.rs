//! RFC 9457 problem details, the body of every error the API returns.

use serde::{Deserialize, Serialize};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer: `type` is a relative URI naming the problem, `code` the same problem as a
/// stable snake_case string for programs, `errors` every invalid field of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "/problems/validation_failed",
    "title": "The request has invalid fields",
    "status": 422,
    "detail": "2 fields are invalid",
    "code": "validation_failed",
    "errors": [
        {"field": "email", "code": "invalid_email", "message": "must be an email address such as ana@example.com"},
        {"field": "password", "code": "too_short", "message": "must be at least 10 characters long"}
    ]
})))]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ProblemDetails {
    pub fn new(status: u16, code: &str, title: &str) -> Self {
        Self {
            problem_type: format!("/problems/{code}"),
            title: title.to_owned(),
            status,
            detail: None,
            instance: None,
            code: code.to_owned(),
            errors: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The message to show a person: the first field error if any, else the detail, else the title.
    pub fn message(&self) -> String {
        if let Some(first) = self.errors.first() {
            return format!("{}: {}", first.field, first.message);
        }
        self.detail.clone().unwrap_or_else(|| self.title.clone())
    }
}

/// One invalid field. `field` is a dotted path into the request body (`owner.email`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}
