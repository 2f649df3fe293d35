//! Outbound webhooks as the Standard Webhooks specification (standardwebhooks.com) defines
//! them: secrets (`whsec_` and base64), the signature over `id.timestamp.body`, and the POST
//! to the receiver, which may reach only public addresses unless the operator allows others.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use ring::hmac;
use textdesk_types::webhooks::WEBHOOK_SECRET_PREFIX;

/// The secret's key size: Standard Webhooks asks for 24 to 64 bytes.
const SECRET_BYTES: usize = 32;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A receiver should answer at once and do its work later; 15 s is generous.
const OVERALL_TIMEOUT: Duration = Duration::from_secs(15);
/// How much of a receiver's answer is kept with the attempt.
const ANSWER_KEPT: u64 = 1024;

/// An endpoint's signing key.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    pub fn generate() -> WebhookSecret {
        let mut key = vec![0u8; SECRET_BYTES];
        rand::thread_rng().fill_bytes(&mut key);
        WebhookSecret(key)
    }

    /// Reads a `whsec_…` secret.
    pub fn parse(secret: &str) -> Option<WebhookSecret> {
        let encoded = secret.strip_prefix(WEBHOOK_SECRET_PREFIX)?;
        STANDARD
            .decode(encoded)
            .ok()
            .filter(|key| !key.is_empty())
            .map(WebhookSecret)
    }

    /// The secret as shown to the receiver's developer, `whsec_…`.
    pub fn expose(&self) -> String {
        format!("{WEBHOOK_SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.0);
        let mut context = hmac::Context::with_key(&key);
        context.update(format!("{id}.{timestamp}.").as_bytes());
        context.update(body);
        format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
    }
}

/// Whether an address is one the public internet can reach: not loopback, private, link-local
/// (cloud metadata lives there), shared (carrier NAT), benchmarking, IETF protocol space,
/// multicast, broadcast, unspecified or reserved for documentation. IPv6 addresses that carry
/// an IPv4 one (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they reach.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// The IPv4 address an IPv6 one stands for: `::ffff:a.b.c.d`, `::a.b.c.d`, NAT64
/// (`64:ff9b::/96`, `64:ff9b:1::/48`) and 6to4 (`2002:AABB:CCDD::/48`).
fn embedded_ipv4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let from = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    match v6.segments() {
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0, 0, 0 | 1] => None,
        [0, 0, 0, 0, 0, 0, high, low] | [0x64, 0xff9b, 0, 0, 0, 0, high, low] => Some(from(high, low)),
        [0x64, 0xff9b, 1, _, _, _, high, low] => Some(from(high, low)),
        [0x2002, high, low, ..] => Some(from(high, low)),
        _ => None,
    }
}

/// Why an address cannot take webhooks.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlProblem {
    #[error("must be an http or https URL")]
    NotHttp,
    #[error("must name a host")]
    NoHost,
    #[error("names a host that cannot be found")]
    Unresolvable,
    #[error("reaches a private or local address; only public addresses may receive webhooks")]
    Private,
}

/// Checks that `url` is an http(s) URL whose host resolves to addresses deliveries may reach.
/// Deliveries check again as they connect, so a name that changes its address later (DNS
/// rebinding) is caught too.
pub fn check_url(url: &str, allow_private: bool) -> Result<(), UrlProblem> {
    let parsed = ::url::Url::parse(url).map_err(|_| UrlProblem::NotHttp)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlProblem::NotHttp);
    }
    let host = parsed
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or(UrlProblem::NoHost)?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| UrlProblem::Unresolvable)?
        .collect();
    if addresses.is_empty() {
        return Err(UrlProblem::Unresolvable);
    }
    if !allow_private && !addresses.iter().all(|address| is_public(address.ip())) {
        return Err(UrlProblem::Private);
    }
    Ok(())
}

/// Resolves names as the system does, then drops what deliveries may not reach.
struct PublicOnly;

impl ureq::Resolver for PublicOnly {
    fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let public: Vec<SocketAddr> = netloc
            .to_socket_addrs()?
            .filter(|address| is_public(address.ip()))
            .collect();
        if public.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the address is private or local",
            ));
        }
        Ok(public)
    }
}

/// What a receiver did with a delivery.
#[derive(Debug, PartialEq, Eq)]
pub struct Answered {
    /// The HTTP status, or `None` when it could not be reached.
    pub status: Option<u16>,
    /// Why it failed, when it did: the network error, or the start of a non-2xx answer.
    pub error: Option<String>,
    pub latency: Duration,
}

impl Answered {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

/// Sends webhooks: no redirects (a receiver that moved must be updated, and a redirect could
/// lead to a private address), and public addresses only unless `allow_private`.
#[derive(Clone)]
pub struct WebhookClient {
    agent: ureq::Agent,
}

impl WebhookClient {
    pub fn new(allow_private: bool) -> WebhookClient {
        let builder = ureq::AgentBuilder::new()
            .timeout_connect(CONNECT_TIMEOUT)
            .timeout(OVERALL_TIMEOUT)
            .redirects(0)
            .user_agent(concat!("textdesk-webhooks/", env!("CARGO_PKG_VERSION")));
        let builder = if allow_private {
            builder
        } else {
            builder.resolver(PublicOnly)
        };
        WebhookClient { agent: builder.build() }
    }

    /// POSTs the signed JSON `body`: `webhook-id`, `webhook-timestamp` and one signature per
    /// secret (the current one, and during a rotation the previous one too).
    pub fn deliver(&self, url: &str, id: &str, timestamp: i64, body: &[u8], secrets: &[WebhookSecret]) -> Answered {
        let signatures: Vec<String> = secrets.iter().map(|secret| secret.sign(id, timestamp, body)).collect();
        let started = Instant::now();
        let result = self
            .agent
            .post(url)
            .set("content-type", "application/json")
            .set("webhook-id", id)
            .set("webhook-timestamp", &timestamp.to_string())
            .set("webhook-signature", &signatures.join(" "))
            .send_bytes(body);
        let latency = started.elapsed();
        match result {
            Ok(response) => Answered {
                status: Some(response.status()),
                error: None,
                latency,
            },
            Err(ureq::Error::Status(status, response)) => Answered {
                status: Some(status),
                error: Some(answer_start(response)),
                latency,
            },
            Err(ureq::Error::Transport(transport)) => Answered {
                status: None,
                error: Some(transport.to_string()),
                latency,
            },
        }
    }
}

fn answer_start(response: ureq::Response) -> String {
    let mut text = String::new();
    let _ = io::Read::read_to_string(&mut io::Read::take(response.into_reader(), ANSWER_KEPT), &mut text);
    let text = text.trim();
    if text.is_empty() {
        "the endpoint answered with an error status".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_specification_example() {
        // The example of the Standard Webhooks specification and its reference libraries.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(secret.expose(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::",
            "198.18.0.1",
            "192.0.0.8",
            "fec0::1",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::7f00:1",
            "2002:c0a8:0101::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_must_be_http_and_reach_public_addresses() {
        assert_eq!(check_url("ftp://example.com/", false), Err(UrlProblem::NotHttp));
        assert_eq!(check_url("not a url", false), Err(UrlProblem::NotHttp));
        assert_eq!(check_url("http://127.0.0.1:8080/hook", false), Err(UrlProblem::Private));
        assert_eq!(check_url("http://[::1]/hook", false), Err(UrlProblem::Private));
        assert_eq!(check_url("http://localhost/hook", false), Err(UrlProblem::Private));
        assert_eq!(check_url("http://127.0.0.1:8080/hook", true), Ok(()));
        assert_eq!(check_url("https://93.184.216.34/hook", false), Ok(()));
    }

    #[test]
    fn a_delivery_to_a_private_address_is_refused_before_connecting() {
        let answered = WebhookClient::new(false).deliver(
            "http://127.0.0.1:9/hook",
            "msg_1",
            1,
            b"{}",
            &[WebhookSecret::generate()],
        );
        assert_eq!(answered.status, None);
        assert!(answered.error.unwrap().contains("private or local"));
    }
}
