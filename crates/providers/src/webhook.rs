//! Provider-neutral webhook plumbing, so the web layer can serve
//! `POST /webhooks/{provider}/{endpoint}` for every provider with one handler:
//!
//! 1. [`Provider::parse_webhook`](crate::Provider::parse_webhook) reads the delivery without
//!    trusting it, to learn which account and number it claims to be for;
//! 2. the caller looks up that number's credentials;
//! 3. [`Provider::verify_webhook`](crate::Provider::verify_webhook) checks the signature with
//!    them, and only then is anything stored;
//! 4. the caller answers with [`Provider::webhook_reply`](crate::Provider::webhook_reply).

use crate::{InboundMessage, StatusUpdate};

/// Which webhook a delivery came to: the last path segment of `/webhooks/{provider}/{endpoint}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookEndpoint {
    /// Inbound messages.
    Messages,
    /// Delivery status callbacks for outbound messages.
    Status,
}

impl WebhookEndpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEndpoint::Messages => "messages",
            WebhookEndpoint::Status => "status",
        }
    }

    pub fn parse(raw: &str) -> Option<WebhookEndpoint> {
        [WebhookEndpoint::Messages, WebhookEndpoint::Status]
            .into_iter()
            .find(|endpoint| endpoint.as_str() == raw)
    }
}

/// One webhook delivery as it reached the server.
#[derive(Clone, Copy, Debug)]
pub struct WebhookRequest<'a> {
    /// The public URL the provider called: `PUBLIC_URL` + path + query. Signatures cover it,
    /// so it must be the address the provider was configured with, not the one a proxy
    /// forwarded to.
    pub url: &'a str,
    /// Request headers; names compare case-insensitively.
    pub headers: &'a [(String, String)],
    /// The raw body, undecoded, because signatures are computed over exactly what was sent.
    pub body: &'a [u8],
}

impl WebhookRequest<'_> {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as `application/x-www-form-urlencoded` pairs, in order, repeats kept.
    pub fn form_params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.body).into_owned().collect()
    }
}

/// What a webhook delivery says happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookEvent {
    Inbound(InboundMessage),
    Status(StatusUpdate),
}

impl WebhookEvent {
    /// The provider account the delivery claims to come from; its credentials verify it.
    pub fn account_sid(&self) -> &str {
        match self {
            WebhookEvent::Inbound(message) => &message.account_sid,
            WebhookEvent::Status(update) => &update.account_sid,
        }
    }
}

/// The answer a provider expects to a webhook it delivered successfully.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookReply {
    pub content_type: &'static str,
    pub body: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_case_insensitively() {
        let headers = vec![("x-twilio-signature".to_string(), "abc".to_string())];
        let request = WebhookRequest {
            url: "https://example.com/",
            headers: &headers,
            body: b"",
        };
        assert_eq!(request.header("X-Twilio-Signature"), Some("abc"));
        assert_eq!(request.header("X-Other"), None);
    }

    #[test]
    fn form_bodies_decode_in_order_with_repeats() {
        let request = WebhookRequest {
            url: "https://example.com/",
            headers: &[],
            body: b"Body=Hello+there%21&To=%2B15005550006&A=1&A=2",
        };
        let expected: Vec<(String, String)> =
            [("Body", "Hello there!"), ("To", "+15005550006"), ("A", "1"), ("A", "2")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        assert_eq!(request.form_params(), expected);
    }

    #[test]
    fn endpoints_round_trip() {
        for endpoint in [WebhookEndpoint::Messages, WebhookEndpoint::Status] {
            assert_eq!(WebhookEndpoint::parse(endpoint.as_str()), Some(endpoint));
        }
        assert_eq!(WebhookEndpoint::parse("voice"), None);
    }
}
