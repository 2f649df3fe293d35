//! Textdesk's SMS providers: everything about talking to them and nothing else; and, beside
//! them, the other calls Textdesk makes to the outside world: the signed outbound webhooks it
//! sends to its customers' systems ([`outbound_webhooks`]), and mail ([`mail`]: SMTP out with
//! lettre, raw replies read with mail-parser).
//!
//! This crate owns the wire side of each provider: its webhook formats and signatures, its
//! REST calls, its error codes and status names, translated into one provider-neutral
//! vocabulary ([`OutboundMessage`], [`Accepted`], [`InboundMessage`], [`StatusUpdate`],
//! [`ProviderError`]), with statuses as Textdesk's own [`MessageStatus`]. Callers pick an adapter with [`provider_for`] and
//! only ever see the [`Provider`] trait, so adding Bandwidth, Telnyx or Vonage is a new module
//! here and a new [`ProviderKind`], with no change in any other crate.
//!
//! It must not depend on the database, the web framework or any other Textdesk crate but the
//! wire types (no diesel, no actix, no textdesk-db or textdesk-api): what to store, when to retry and how to
//! answer HTTP are the callers' decisions. The API is synchronous; callers run it on blocking
//! threads.
//!
//! Adapters:
//! - [`twilio`]: Twilio's REST API and webhooks, with a configurable base URL so tests can
//!   point it at [`twilio::fake`] (the `fake` feature).
//! - [`simulator`]: accepts every message at once without any network; the caller's worker
//!   marks it delivered after [`simulator::simulated_delivery_delay`].

mod error;
mod http;
pub mod mail;
pub mod outbound_webhooks;
pub mod simulator;
mod status;
pub mod twilio;
mod url;
mod webhook;

pub use error::{ProviderError, WebhookError};
pub use http::HttpClient;
pub use textdesk_types::messages::MessageStatus;
pub use webhook::{WebhookEndpoint, WebhookEvent, WebhookReply, WebhookRequest};

/// The adapters this build knows. Stored with each business number as [`ProviderKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Twilio,
    Simulator,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 2] = [ProviderKind::Twilio, ProviderKind::Simulator];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Twilio => "twilio",
            ProviderKind::Simulator => "simulator",
        }
    }

    pub fn parse(raw: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A business number's provider account.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account_sid: String,
    pub auth_token: String,
    /// Overrides the provider's public API address (e.g. `http://127.0.0.1:4010` for a fake
    /// server); `None` means the real one.
    pub base_url: Option<String>,
}

impl Credentials {
    pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Self {
        Credentials {
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            base_url: None,
        }
    }

    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }
}

/// Hand-written so the auth token never reaches a log line.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundMessage {
    /// The business number, E.164.
    pub from: String,
    /// The contact, E.164.
    pub to: String,
    pub body: String,
    /// Public URLs the provider downloads the attachments from.
    pub media_urls: Vec<String>,
    /// Where the provider should post delivery status updates.
    pub status_callback: Option<String>,
    /// The same key for every attempt at the same message, so a retry after a crash or a
    /// timeout never sends it twice.
    pub idempotency_key: String,
}

/// The provider took the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's id for the message; status callbacks name it.
    pub provider_message_id: String,
    pub status: MessageStatus,
    /// Segments the provider will bill, when it says.
    pub segments: Option<u32>,
}

/// A downloaded attachment.
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedMedia {
    /// The MIME type without parameters, lowercase (`image/jpeg`).
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Hand-written so a test failure does not print megabytes of image.
impl std::fmt::Debug for FetchedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedMedia")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A message a contact sent to a business number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// Unique per provider account; a redelivered webhook carries the same one.
    pub provider_message_id: String,
    pub account_sid: String,
    /// The contact.
    pub from: String,
    /// The business number.
    pub to: String,
    pub body: String,
    pub media: Vec<InboundMedia>,
}

/// An attachment of an inbound message, still at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMedia {
    /// Fetch it with [`Provider::fetch_media`].
    pub url: String,
    /// The type the provider announced; the download's own type is authoritative.
    pub content_type: String,
}

/// A delivery status callback for an outbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusUpdate {
    pub provider_message_id: String,
    pub account_sid: String,
    pub status: MessageStatus,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// One provider adapter. All methods block; run them off the async executor.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Hands one message to the provider.
    fn send(&self, credentials: &Credentials, message: &OutboundMessage) -> Result<Accepted, ProviderError>;

    /// Downloads an inbound attachment, reading at most `max_bytes` of it.
    /// The provider's messages from `message.from` to `message.to` with `message.body`, created
    /// at or after `since`, newest first. Asked before sending again a message whose last
    /// attempt ended without an answer (the worker was killed, the connection cut): the
    /// provider may have accepted it, and Twilio does not promise to honour the idempotency
    /// key, so it is recorded instead of sent twice.
    fn find_sent(
        &self,
        credentials: &Credentials,
        message: &OutboundMessage,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Accepted>, ProviderError>;

    fn fetch_media(
        &self,
        credentials: &Credentials,
        url: &str,
        max_bytes: usize,
    ) -> Result<FetchedMedia, ProviderError>;

    /// Reads a webhook delivery. It is not verified yet: look up the credentials of the
    /// account it names, then call [`Provider::verify_webhook`] before storing anything.
    fn parse_webhook(
        &self,
        endpoint: WebhookEndpoint,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookEvent, WebhookError>;

    /// Whether the delivery is authentic for these credentials; the comparison takes
    /// constant time.
    fn verify_webhook(&self, credentials: &Credentials, request: &WebhookRequest<'_>) -> bool;

    /// The body to answer a successfully handled webhook with.
    fn webhook_reply(&self) -> WebhookReply;
}

/// The adapter for `kind`, so callers never match on provider kinds themselves.
pub fn provider_for(kind: ProviderKind, http: &HttpClient) -> Box<dyn Provider> {
    match kind {
        ProviderKind::Twilio => Box::new(twilio::TwilioProvider::new(http.clone())),
        ProviderKind::Simulator => Box::new(simulator::SimulatorProvider),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse(kind.as_str()), Some(kind));
            assert_eq!(provider_for(kind, &HttpClient::new()).kind(), kind);
        }
        assert_eq!(ProviderKind::parse("Twilio"), None);
    }

    #[test]
    fn debug_hides_the_auth_token() {
        let credentials = Credentials::new("AC123", "very-secret-token");
        let printed = format!("{credentials:?}");
        assert!(printed.contains("AC123"));
        assert!(!printed.contains("very-secret-token"));
    }
}
