//! The Twilio adapter: REST calls out, webhooks in.

use serde::Deserialize;
use serde_json::Value;

use super::{
    EMPTY_TWIML, IDEMPOTENCY_HEADER, OPTED_OUT_CODE, SIGNATURE_HEADER, TWIML_CONTENT_TYPE, parse_inbound, parse_status,
    verify_signature,
};
use crate::http::{HttpClient, basic_auth};
use crate::{
    Accepted, Credentials, FetchedMedia, MessageStatus, OutboundMessage, Provider, ProviderError, ProviderKind,
    WebhookEndpoint, WebhookError, WebhookEvent, WebhookReply, WebhookRequest, url,
};

/// Twilio's API, used when the credentials name no other base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

/// A message resource is a few kilobytes; anything near this is not Twilio.
const MAX_API_ANSWER: usize = 1024 * 1024;

const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

#[derive(Clone, Debug)]
pub struct TwilioProvider {
    http: HttpClient,
}

impl TwilioProvider {
    pub fn new(http: HttpClient) -> Self {
        TwilioProvider { http }
    }
}

impl Provider for TwilioProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Twilio
    }

    fn send(&self, credentials: &Credentials, message: &OutboundMessage) -> Result<Accepted, ProviderError> {
        let url = messages_url(credentials)?;
        let auth = basic_auth(&credentials.account_sid, &credentials.auth_token);
        let mut headers = vec![("Authorization", auth.as_str())];
        if !message.idempotency_key.is_empty() {
            headers.push((IDEMPOTENCY_HEADER, message.idempotency_key.as_str()));
        }
        let response = self
            .http
            .post_form(&url, &headers, &send_form(message), MAX_API_ANSWER)
            .map_err(oversized_answer)?;
        if response.is_success() {
            accepted(&response.body)
        } else {
            Err(classify(response.status, &response.body))
        }
    }

    /// Lists the newest page of messages between the two numbers and keeps those with the same
    /// body created since `since` (Twilio's own `DateSent` filter would miss a message still
    /// queued, which has no send date yet).
    fn find_sent(
        &self,
        credentials: &Credentials,
        message: &OutboundMessage,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Accepted>, ProviderError> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("From", &message.from)
            .append_pair("To", &message.to)
            .append_pair("PageSize", "50")
            .finish();
        let url = format!("{}?{query}", messages_url(credentials)?);
        let auth = basic_auth(&credentials.account_sid, &credentials.auth_token);
        let response = self
            .http
            .get(&url, &[("Authorization", auth.as_str())], MAX_API_ANSWER)
            .map_err(oversized_answer)?;
        if !response.is_success() {
            return Err(classify(response.status, &response.body));
        }
        let page: MessagePage = serde_json::from_slice(&response.body)
            .map_err(|error| ProviderError::transient(format!("unreadable answer from Twilio: {error}")))?;
        let created_since = |resource: &ListedMessage| {
            resource
                .date_created
                .as_deref()
                .and_then(|date| chrono::DateTime::parse_from_rfc2822(date).ok())
                .is_some_and(|created| created >= since)
        };
        page.messages
            .into_iter()
            .filter(|listed| listed.body.as_deref().unwrap_or_default() == message.body && created_since(listed))
            .map(|listed| accepted_resource(listed.resource))
            .collect()
    }

    fn fetch_media(
        &self,
        credentials: &Credentials,
        url: &str,
        max_bytes: usize,
    ) -> Result<FetchedMedia, ProviderError> {
        let auth = basic_auth(&credentials.account_sid, &credentials.auth_token);
        let mut headers = Vec::new();
        if sends_credentials_to(url, credentials) {
            headers.push(("Authorization", auth.as_str()));
        }
        let response = self.http.get(url, &headers, max_bytes)?;
        if !response.is_success() {
            return Err(classify(response.status, &response.body));
        }
        Ok(FetchedMedia {
            content_type: response
                .content_type
                .filter(|value| !value.is_empty())
                .unwrap_or_else(|| UNKNOWN_MEDIA_TYPE.to_string()),
            bytes: response.body,
        })
    }

    fn parse_webhook(
        &self,
        endpoint: WebhookEndpoint,
        request: &WebhookRequest<'_>,
    ) -> Result<WebhookEvent, WebhookError> {
        let params = request.form_params();
        match endpoint {
            WebhookEndpoint::Messages => parse_inbound(&params).map(WebhookEvent::Inbound),
            WebhookEndpoint::Status => parse_status(&params).map(WebhookEvent::Status),
        }
    }

    fn verify_webhook(&self, credentials: &Credentials, request: &WebhookRequest<'_>) -> bool {
        let Some(header) = request.header(SIGNATURE_HEADER) else {
            return false;
        };
        verify_signature(&credentials.auth_token, request.url, &request.form_params(), header)
    }

    fn webhook_reply(&self) -> WebhookReply {
        WebhookReply {
            content_type: TWIML_CONTENT_TYPE,
            body: EMPTY_TWIML,
        }
    }
}

fn base_url(credentials: &Credentials) -> &str {
    credentials
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|base| !base.is_empty())
        .unwrap_or(DEFAULT_BASE_URL)
        .trim_end_matches('/')
}

/// The account SID goes into the path, so it is held to Twilio's shape rather than escaped.
fn messages_url(credentials: &Credentials) -> Result<String, ProviderError> {
    let sid = &credentials.account_sid;
    if sid.is_empty() || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ProviderError::config(
            "the Twilio account SID must be letters and digits",
        ));
    }
    if credentials.auth_token.is_empty() {
        return Err(ProviderError::config("the Twilio auth token is empty"));
    }
    Ok(format!(
        "{}/2010-04-01/Accounts/{sid}/Messages.json",
        base_url(credentials)
    ))
}

fn send_form(message: &OutboundMessage) -> Vec<(&str, &str)> {
    let mut form = vec![("To", message.to.as_str()), ("From", message.from.as_str())];
    // Twilio refuses an empty Body, but a media-only message is fine without one.
    if !message.body.is_empty() {
        form.push(("Body", message.body.as_str()));
    }
    for media_url in &message.media_urls {
        form.push(("MediaUrl", media_url.as_str()));
    }
    if let Some(callback) = &message.status_callback {
        form.push(("StatusCallback", callback.as_str()));
    }
    form
}

/// The account's credentials go to Twilio's own hosts over HTTPS and to the API's own origin
/// (scheme, host and port), never elsewhere: a media URL is data from a webhook, and the auth token is the key
/// to the whole account.
fn sends_credentials_to(media_url: &str, credentials: &Credentials) -> bool {
    if url::origin(media_url).is_some_and(|origin| url::origin(base_url(credentials)) == Some(origin)) {
        return true;
    }
    let Some(host) = url::host(media_url) else {
        return false;
    };
    let twilio_host = host == "twilio.com" || host.ends_with(".twilio.com");
    twilio_host && media_url.starts_with("https://")
}

/// A successful answer's message resource.
#[derive(Deserialize)]
struct MessageResource {
    sid: Option<String>,
    status: Option<String>,
    num_segments: Option<Value>,
}

/// One page of `GET …/Messages.json`.
#[derive(Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<ListedMessage>,
}

#[derive(Deserialize)]
struct ListedMessage {
    #[serde(flatten)]
    resource: MessageResource,
    body: Option<String>,
    /// RFC 2822, as Twilio writes dates: `Wed, 18 Aug 2010 20:01:40 +0000`.
    date_created: Option<String>,
}

/// Twilio's error body: `{"code": 21610, "message": "...", "status": 400, "more_info": "..."}`.
#[derive(Deserialize)]
struct ErrorBody {
    code: Option<Value>,
    message: Option<String>,
}

/// A 2xx answer we cannot read may still mean the message went out; a retry carries the same
/// idempotency key, so calling it transient is safe and never sends twice.
fn accepted(body: &[u8]) -> Result<Accepted, ProviderError> {
    let resource: MessageResource = serde_json::from_slice(body)
        .map_err(|error| ProviderError::transient(format!("unreadable answer from Twilio: {error}")))?;
    accepted_resource(resource)
}

fn accepted_resource(resource: MessageResource) -> Result<Accepted, ProviderError> {
    let provider_message_id = resource
        .sid
        .filter(|sid| !sid.is_empty())
        .ok_or_else(|| ProviderError::transient("Twilio's answer has no message sid"))?;
    let status = resource
        .status
        .as_deref()
        .and_then(crate::status::status_word)
        .unwrap_or(MessageStatus::Queued);
    Ok(Accepted {
        provider_message_id,
        status,
        segments: resource.num_segments.as_ref().and_then(number),
    })
}

/// Sorts a non-2xx answer by what the caller should do next.
fn classify(status: u16, body: &[u8]) -> ProviderError {
    let error = serde_json::from_slice::<ErrorBody>(body).ok();
    let code = error.as_ref().and_then(|e| e.code.as_ref()).and_then(text);
    let message = error
        .and_then(|e| e.message)
        .filter(|message| !message.is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    if code.as_deref() == Some(OPTED_OUT_CODE) {
        return ProviderError::OptedOut { message };
    }
    match status {
        401 => ProviderError::config(format!("Twilio refused the credentials: {message}")),
        // Timeouts, conflicts with an in-flight twin, rate limits: all pass with time.
        408 | 409 | 425 | 429 => ProviderError::transient(format!("HTTP {status}: {message}")),
        400..=499 => ProviderError::Rejected { code, message },
        _ => ProviderError::transient(format!("HTTP {status}: {message}")),
    }
}

/// The API answer limit protects us from a broken server; tripping it is not the message's
/// fault.
fn oversized_answer(error: ProviderError) -> ProviderError {
    match error {
        ProviderError::TooLarge { max_bytes } => {
            ProviderError::transient(format!("Twilio's answer exceeded {max_bytes} bytes"))
        }
        other => other,
    }
}

/// Twilio writes codes as numbers and segment counts as strings; accept either.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn number(value: &Value) -> Option<u32> {
    text(value)?.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
