//! What can go wrong talking to a provider, sorted by what the caller should do about it.

/// Why a provider call did not succeed. The variant decides the caller's next step: retry
/// later, give up on this message, mark the contact opted out, or fix the number's settings.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused this request for good (a 4xx answer): retrying the same message
    /// gets the same answer. `code` is the provider's own error code (Twilio: "21211").
    #[error("{}", rejected_text(code.as_deref(), message))]
    Rejected { code: Option<String>, message: String },
    /// The recipient has opted out of messages from this sender (Twilio error 21610).
    #[error("the recipient has opted out: {message}")]
    OptedOut { message: String },
    /// Worth trying again later: a 5xx or 429 answer, a network error or a timeout.
    #[error("the provider is unavailable: {message}")]
    Transient { message: String },
    /// The number's provider settings are unusable (bad base URL, refused credentials, a
    /// provider that cannot do this), so every message through it fails until they are fixed.
    #[error("provider configuration: {message}")]
    Config { message: String },
    /// A media download was larger than the caller allowed; reading stopped at the limit.
    #[error("the media is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
}

fn rejected_text(code: Option<&str>, message: &str) -> String {
    match code {
        Some(code) => format!("the provider rejected the message ({code}): {message}"),
        None => format!("the provider rejected the message: {message}"),
    }
}

impl ProviderError {
    /// Whether the same call may succeed later. Only transient errors qualify: retrying a
    /// rejection would just burn the provider's rate limit.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ProviderError::Transient { .. })
    }

    /// The provider's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ProviderError::Rejected { code, .. } => code.as_deref(),
            ProviderError::OptedOut { .. } => Some(crate::twilio::OPTED_OUT_CODE),
            _ => None,
        }
    }

    pub(crate) fn transient(message: impl Into<String>) -> Self {
        ProviderError::Transient {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        ProviderError::Config {
            message: message.into(),
        }
    }
}

/// Why a webhook delivery could not be read. The field names are the provider's, so the
/// message points straight at the bad parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing field {0}")]
    MissingField(String),
    #[error("invalid field {field}: {reason}")]
    InvalidField { field: String, reason: String },
    /// This provider takes no webhooks at this endpoint (or at all: the simulator).
    #[error("this provider has no {0} webhook")]
    Unsupported(String),
}

impl WebhookError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        WebhookError::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_errors_are_retryable() {
        assert!(ProviderError::transient("503").is_retryable());
        assert!(!ProviderError::config("bad url").is_retryable());
        assert!(!ProviderError::TooLarge { max_bytes: 1 }.is_retryable());
        let opted_out = ProviderError::OptedOut { message: "stop".into() };
        assert!(!opted_out.is_retryable());
        assert_eq!(opted_out.code(), Some("21610"));
        let rejected = ProviderError::Rejected {
            code: Some("21211".into()),
            message: "invalid To".into(),
        };
        assert!(!rejected.is_retryable());
        assert_eq!(
            rejected.to_string(),
            "the provider rejected the message (21211): invalid To"
        );
    }

    #[test]
    fn webhook_errors_name_the_field() {
        assert_eq!(
            WebhookError::MissingField("MessageSid".into()).to_string(),
            "missing field MessageSid"
        );
    }
}
