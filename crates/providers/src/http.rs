//! The HTTP client adapters share. `ureq` stays private to this module so the other modules
//! (and the callers) never depend on which client this is.

use std::io::Read;
use std::time::Duration;

use base64::Engine;

use crate::ProviderError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// For the whole exchange, body included: a provider that trickles bytes must not pin a
/// worker thread.
const OVERALL_TIMEOUT: Duration = Duration::from_secs(15);
/// Provider media URLs redirect (Twilio's to its CDN), but never through long chains.
const MAX_REDIRECTS: u32 = 5;

/// A pooled, blocking HTTP client with the timeouts provider calls need. Cheap to clone:
/// clones share the connection pool.
#[derive(Clone, Debug)]
pub struct HttpClient {
    agent: ureq::Agent,
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient::new()
    }
}

impl HttpClient {
    /// Connect timeout 5 s, whole request 15 s.
    pub fn new() -> Self {
        HttpClient::with_timeouts(CONNECT_TIMEOUT, OVERALL_TIMEOUT)
    }

    pub fn with_timeouts(connect: Duration, overall: Duration) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(connect)
            .timeout(overall)
            .redirects(MAX_REDIRECTS)
            // Credentials follow a redirect only to the same host: a CDN or S3 URL must
            // never see the account's auth token (and S3 rejects a second auth scheme).
            .redirect_auth_headers(ureq::RedirectAuthHeaders::SameHost)
            .user_agent(concat!("textdesk/", env!("CARGO_PKG_VERSION")))
            .build();
        HttpClient { agent }
    }

    /// POSTs an `application/x-www-form-urlencoded` body. Any status comes back as a
    /// response; only network failures are errors.
    pub(crate) fn post_form(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        form: &[(&str, &str)],
        max_body: usize,
    ) -> Result<HttpResponse, ProviderError> {
        let request = with_headers(self.agent.post(url), headers);
        read_response(request.send_form(form), max_body)
    }

    /// GETs `url`, following redirects.
    pub(crate) fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        max_body: usize,
    ) -> Result<HttpResponse, ProviderError> {
        let request = with_headers(self.agent.get(url), headers);
        read_response(request.call(), max_body)
    }
}

fn with_headers(mut request: ureq::Request, headers: &[(&str, &str)]) -> ureq::Request {
    for (name, value) in headers {
        request = request.set(name, value);
    }
    request
}

/// An answer whose body has been read, within the caller's limit.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub status: u16,
    /// The MIME type without parameters, lowercase.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The `Authorization` header value for HTTP Basic auth.
pub(crate) fn basic_auth(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn read_response(result: Result<ureq::Response, ureq::Error>, max_body: usize) -> Result<HttpResponse, ProviderError> {
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => return Err(transport_error(&transport)),
    };
    let status = response.status();
    let content_type = response.header("content-type").map(media_type);
    let declared = response
        .header("content-length")
        .and_then(|value| value.trim().parse::<u64>().ok());
    // Refuse before downloading anything when the size is announced.
    if declared.is_some_and(|length| length > max_body as u64) {
        return Err(ProviderError::TooLarge { max_bytes: max_body });
    }
    let body = read_limited(response.into_reader(), max_body)?;
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}

/// Reads at most `max` bytes, failing rather than truncating when there are more. The length
/// header may be absent or lie, so the limit is enforced on the bytes themselves.
pub(crate) fn read_limited(reader: impl Read, max: usize) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|error| ProviderError::transient(format!("reading the answer: {error}")))?;
    if body.len() > max {
        return Err(ProviderError::TooLarge { max_bytes: max });
    }
    Ok(body)
}

/// `Image/JPEG; charset=x` → `image/jpeg`.
fn media_type(header: &str) -> String {
    header.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// A URL that cannot work is the number's configuration; everything else about the network
/// may heal by itself.
fn transport_error(transport: &ureq::Transport) -> ProviderError {
    match transport.kind() {
        ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => ProviderError::config(transport.to_string()),
        _ => ProviderError::transient(transport.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        // RFC 7617's example.
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn limited_reads_fail_instead_of_truncating() {
        assert_eq!(read_limited(&b"12345"[..], 5), Ok(b"12345".to_vec()));
        assert_eq!(
            read_limited(&b"123456"[..], 5),
            Err(ProviderError::TooLarge { max_bytes: 5 })
        );
        assert_eq!(read_limited(&b""[..], 0), Ok(Vec::new()));
    }

    #[test]
    fn media_types_lose_their_parameters() {
        assert_eq!(media_type("Image/JPEG; charset=binary"), "image/jpeg");
        assert_eq!(media_type("text/plain"), "text/plain");
    }

    #[test]
    fn bad_urls_are_configuration_errors() {
        let client = HttpClient::new();
        let error = client.get("not a url", &[], 10);
        assert!(matches!(error, Err(ProviderError::Config { .. })), "{error:?}");
        let error = client.get("ftp://example.com/x", &[], 10);
        assert!(matches!(error, Err(ProviderError::Config { .. })), "{error:?}");
    }

    #[test]
    fn refused_connections_are_transient() {
        // Bind then drop a listener to get a loopback port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap_or(9);
        let client = HttpClient::new();
        let error = client.get(&format!("http://127.0.0.1:{port}/"), &[], 10);
        assert!(matches!(error, Err(ProviderError::Transient { .. })), "{error:?}");
    }
}
