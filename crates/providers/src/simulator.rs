//! The simulator: a provider with no network, for the demo workspace and for development.
//!
//! `send` accepts at once with a fresh `SIM…` id and status queued. Delivery is simulated by
//! the caller's worker, which moves the message to delivered after
//! [`simulated_delivery_delay`]; keeping the timer there means a restart loses nothing.
//! Customers' messages come in through Textdesk's own phone-simulator API, not webhooks.
//!
//! To exercise failure paths, it answers Twilio's magic test numbers the way Twilio's test
//! credentials do (twilio.com/docs/iam/test-credentials):
//!
//! | To           | answer                                 |
//! |--------------|----------------------------------------|
//! | +15005550001 | rejected, 21211 (invalid number)       |
//! | +15005550004 | opted out, 21610                       |
//! | +15005550009 | rejected, 21614 (cannot receive SMS)   |

use std::time::Duration;

use crate::{
    Accepted, Credentials, FetchedMedia, MessageStatus, OutboundMessage, Provider, ProviderError, ProviderKind,
    WebhookEndpoint, WebhookError, WebhookEvent, WebhookReply, WebhookRequest,
};

/// How long after sending the worker should mark a simulated message delivered: long enough
/// to watch "sent" turn into "delivered" in the browser.
pub fn simulated_delivery_delay() -> Duration {
    Duration::from_secs(1)
}

/// Every simulator id starts with this, so they are recognisable in the database.
pub const MESSAGE_ID_PREFIX: &str = "SIM";

#[derive(Clone, Copy, Debug, Default)]
pub struct SimulatorProvider;

impl Provider for SimulatorProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Simulator
    }

    /// The simulator keeps nothing outside Textdesk: a message sent again reaches nobody twice.
    fn find_sent(
        &self,
        _credentials: &Credentials,
        _message: &OutboundMessage,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Accepted>, ProviderError> {
        Ok(Vec::new())
    }

    fn send(&self, _credentials: &Credentials, message: &OutboundMessage) -> Result<Accepted, ProviderError> {
        check_message(message)?;
        Ok(Accepted {
            provider_message_id: new_message_id(),
            status: MessageStatus::Queued,
            segments: None,
        })
    }

    fn fetch_media(
        &self,
        _credentials: &Credentials,
        _url: &str,
        _max_bytes: usize,
    ) -> Result<FetchedMedia, ProviderError> {
        // Simulated inbound media is uploaded straight into Textdesk, never fetched.
        Err(ProviderError::config("the simulator has no media to fetch"))
    }

    fn parse_webhook(
        &self,
        endpoint: WebhookEndpoint,
        _request: &WebhookRequest<'_>,
    ) -> Result<WebhookEvent, WebhookError> {
        Err(WebhookError::Unsupported(endpoint.as_str().to_string()))
    }

    /// Nothing outside the process speaks for the simulator.
    fn verify_webhook(&self, _credentials: &Credentials, _request: &WebhookRequest<'_>) -> bool {
        false
    }

    fn webhook_reply(&self) -> WebhookReply {
        WebhookReply {
            content_type: "text/plain",
            body: "",
        }
    }
}

/// `SIM` and 32 random hex digits, the length of a Twilio SID.
fn new_message_id() -> String {
    format!("{MESSAGE_ID_PREFIX}{:032x}", rand::random::<u128>())
}

fn check_message(message: &OutboundMessage) -> Result<(), ProviderError> {
    match message.to.as_str() {
        "+15005550001" => return Err(rejected("21211", "The 'To' number is not a valid phone number.")),
        "+15005550004" => {
            return Err(ProviderError::OptedOut {
                message: "Attempt to send to unsubscribed recipient".to_string(),
            });
        }
        "+15005550009" => return Err(rejected("21614", "The 'To' number is not SMS-capable.")),
        _ => {}
    }
    if message.body.is_empty() && message.media_urls.is_empty() {
        return Err(rejected("21602", "Message body is required."));
    }
    Ok(())
}

fn rejected(code: &str, message: &str) -> ProviderError {
    ProviderError::Rejected {
        code: Some(code.to_string()),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(to: &str, body: &str) -> OutboundMessage {
        OutboundMessage {
            from: "+15005550006".into(),
            to: to.into(),
            body: body.into(),
            media_urls: vec![],
            status_callback: None,
            idempotency_key: "key-1".into(),
        }
    }

    fn send(to: &str, body: &str) -> Result<Accepted, ProviderError> {
        SimulatorProvider.send(&Credentials::new("", ""), &message(to, body))
    }

    #[test]
    fn accepts_with_a_fresh_sim_id() -> Result<(), ProviderError> {
        let first = send("+15551230000", "hello")?;
        let second = send("+15551230000", "hello")?;
        assert_eq!(first.status, MessageStatus::Queued);
        assert_eq!(first.provider_message_id.len(), 35);
        assert!(first.provider_message_id.starts_with("SIM"));
        assert!(first.provider_message_id[3..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(first.provider_message_id, second.provider_message_id);
        Ok(())
    }

    #[test]
    fn magic_numbers_fail_like_twilio_test_credentials() {
        assert!(matches!(
            send("+15005550004", "hi"),
            Err(ProviderError::OptedOut { .. })
        ));
        let invalid = send("+15005550001", "hi");
        assert_eq!(
            invalid.err().and_then(|e| e.code().map(String::from)).as_deref(),
            Some("21211")
        );
        let landline = send("+15005550009", "hi");
        assert_eq!(
            landline.err().and_then(|e| e.code().map(String::from)).as_deref(),
            Some("21614")
        );
    }

    #[test]
    fn an_empty_message_is_rejected() {
        assert!(matches!(send("+15551230000", ""), Err(ProviderError::Rejected { .. })));
    }

    #[test]
    fn it_fetches_no_media_and_takes_no_webhooks() {
        let credentials = Credentials::new("", "");
        let fetched = SimulatorProvider.fetch_media(&credentials, "https://example.com/a", 10);
        assert!(matches!(fetched, Err(ProviderError::Config { .. })));
        let request = WebhookRequest {
            url: "https://example.com/webhooks/simulator/messages",
            headers: &[],
            body: b"",
        };
        assert!(!SimulatorProvider.verify_webhook(&credentials, &request));
        assert!(
            SimulatorProvider
                .parse_webhook(WebhookEndpoint::Messages, &request)
                .is_err()
        );
    }

    #[test]
    fn delivery_takes_about_a_second() {
        assert_eq!(simulated_delivery_delay(), Duration::from_secs(1));
    }
}
