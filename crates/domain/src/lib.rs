//! Textdesk's rules and value types: what a valid email, name, password or setting is, who may
//! do what, and how sign-in is throttled.
//!
//! Pure code: no IO, no async, no database and no web framework, so every rule is tested with
//! plain unit tests. Values are parsed once at the edge (`EmailAddress::parse`) and carried in
//! types that cannot hold an invalid value.

pub mod accounts;
pub mod assignment;
pub mod compliance;
pub mod contact_fields;
pub mod contact_import;
pub mod export;
pub mod mail_reply;
pub mod media;
pub mod organization;
pub mod permissions;
pub mod phone;
pub mod quiet_hours;
pub mod relay;
pub mod search;
pub mod text;
pub mod throttle;

/// Why a value was refused: a stable snake_case `code` for programs and a `message` for people.
/// The API layer adds the name of the field it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Invalid {}
