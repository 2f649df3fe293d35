//! Twilio and Twilio-compatible APIs.
//!
//! - Outbound: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded,
//!   Basic auth, with an `I-Twilio-Idempotency-Token` header
//!   ([`Provider::send`](crate::Provider::send) on [`TwilioProvider`]).
//! - Inbound and status webhooks: form posts signed with `X-Twilio-Signature`
//!   ([`verify_signature`], [`parse_inbound`], [`parse_status`]), answered with
//!   [`EMPTY_TWIML`].
//! - Media: `MediaUrlN` fetched with the account's Basic auth, following Twilio's redirect
//!   to its CDN ([`Provider::fetch_media`](crate::Provider::fetch_media)).

mod client;
#[cfg(any(test, feature = "fake"))]
pub mod fake;
mod signature;
mod webhook;

pub use client::{DEFAULT_BASE_URL, TwilioProvider};
pub use signature::{signature, verify_signature};
pub use webhook::{MAX_MEDIA, parse_inbound, parse_status};

/// The answer to every webhook: TwiML that tells Twilio to do nothing more.
pub const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

/// The content type [`EMPTY_TWIML`] goes out with.
pub const TWIML_CONTENT_TYPE: &str = "text/xml";

/// The header webhooks carry their signature in.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// The header that makes a retried send idempotent.
pub const IDEMPOTENCY_HEADER: &str = "I-Twilio-Idempotency-Token";

/// Twilio's error code for "the recipient replied STOP to this sender".
pub const OPTED_OUT_CODE: &str = "21610";
