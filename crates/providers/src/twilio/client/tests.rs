//! The Twilio adapter against the fake Twilio server over real loopback HTTP.

use std::time::Duration;

use super::*;
use crate::twilio::fake::{self, FakeResponse, FakeTwilio};
use crate::twilio::signature;

fn provider() -> TwilioProvider {
    TwilioProvider::new(HttpClient::new())
}

fn message() -> OutboundMessage {
    OutboundMessage {
        from: "+15005550006".into(),
        to: "+15551230001".into(),
        body: "Your order is ready & waiting: 50% off!".into(),
        media_urls: vec![
            "https://textdesk.example/media/a?sig=1&exp=2".into(),
            "https://textdesk.example/media/b".into(),
        ],
        status_callback: Some("https://textdesk.example/webhooks/twilio/status".into()),
        idempotency_key: "msg-42-attempt".into(),
    }
}

#[test]
fn sends_a_message_the_way_twilio_expects() {
    let fake = FakeTwilio::start().unwrap();
    let accepted = provider().send(&fake.credentials(), &message()).unwrap();

    assert!(accepted.provider_message_id.starts_with("SM"));
    assert_eq!(accepted.provider_message_id.len(), 34);
    assert_eq!(accepted.status, MessageStatus::Queued);
    assert_eq!(accepted.segments, Some(1));

    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        format!("/2010-04-01/Accounts/{}/Messages.json", fake::ACCOUNT_SID)
    );
    assert_eq!(
        request.basic_auth(),
        Some((fake::ACCOUNT_SID.to_string(), fake::AUTH_TOKEN.to_string()))
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.idempotency_token(), Some("msg-42-attempt"));
    assert_eq!(request.field("To").as_deref(), Some("+15551230001"));
    assert_eq!(request.field("From").as_deref(), Some("+15005550006"));
    assert_eq!(
        request.field("Body").as_deref(),
        Some("Your order is ready & waiting: 50% off!")
    );
    assert_eq!(request.fields("MediaUrl"), message().media_urls);
    assert_eq!(
        request.field("StatusCallback").as_deref(),
        Some("https://textdesk.example/webhooks/twilio/status")
    );
}

#[test]
fn a_media_only_message_sends_no_body_and_no_callback_when_none() {
    let fake = FakeTwilio::start().unwrap();
    let mut media_only = message();
    media_only.body.clear();
    media_only.status_callback = None;
    provider().send(&fake.credentials(), &media_only).unwrap();
    let request = &fake.sent()[0];
    assert_eq!(request.field("Body"), None);
    assert_eq!(request.field("StatusCallback"), None);
    assert_eq!(request.fields("MediaUrl").len(), 2);
}

#[test]
fn a_retry_with_the_same_key_gets_the_same_message() {
    let fake = FakeTwilio::start().unwrap();
    let first = provider().send(&fake.credentials(), &message()).unwrap();
    let again = provider().send(&fake.credentials(), &message()).unwrap();
    assert_eq!(first.provider_message_id, again.provider_message_id);
    let mut other = message();
    other.idempotency_key = "msg-43".into();
    let third = provider().send(&fake.credentials(), &other).unwrap();
    assert_ne!(first.provider_message_id, third.provider_message_id);
    assert_eq!(fake.sent().len(), 3);
}

#[test]
fn error_21610_means_opted_out() {
    let fake = FakeTwilio::start().unwrap();
    fake.respond_next(FakeResponse::error(
        400,
        21610,
        "Attempt to send to unsubscribed recipient",
    ));
    let error = provider().send(&fake.credentials(), &message()).unwrap_err();
    assert_eq!(
        error,
        ProviderError::OptedOut {
            message: "Attempt to send to unsubscribed recipient".into()
        }
    );
    assert!(!error.is_retryable());
}

#[test]
fn other_4xx_errors_are_permanent_rejections_with_their_code() {
    let fake = FakeTwilio::start().unwrap();
    fake.respond_next(FakeResponse::error(
        400,
        21211,
        "The 'To' number +1555 is not a valid phone number.",
    ));
    let error = provider().send(&fake.credentials(), &message()).unwrap_err();
    assert_eq!(
        error,
        ProviderError::Rejected {
            code: Some("21211".into()),
            message: "The 'To' number +1555 is not a valid phone number.".into()
        }
    );
    assert!(!error.is_retryable());
}

#[test]
fn the_fake_validates_like_twilio() {
    let fake = FakeTwilio::start().unwrap();
    let mut no_to = message();
    no_to.to.clear();
    let error = provider().send(&fake.credentials(), &no_to).unwrap_err();
    assert_eq!(error.code(), Some("21604"));
    let mut empty = message();
    empty.body.clear();
    empty.media_urls.clear();
    let error = provider().send(&fake.credentials(), &empty).unwrap_err();
    assert_eq!(error.code(), Some("21602"));
}

#[test]
fn server_errors_and_rate_limits_are_transient() {
    let fake = FakeTwilio::start().unwrap();
    fake.respond_next(FakeResponse::error(503, 20503, "Service Unavailable"));
    fake.respond_next(FakeResponse::error(429, 20429, "Too Many Requests"));
    fake.respond_next(FakeResponse::raw(502, "text/html", "<html>Bad Gateway</html>"));
    for expected in ["HTTP 503", "HTTP 429", "HTTP 502"] {
        let error = provider().send(&fake.credentials(), &message()).unwrap_err();
        assert!(error.is_retryable(), "{error:?}");
        assert!(error.to_string().contains(expected), "{error}");
    }
    // The scripted answers are used up; the next send goes through normally.
    assert!(provider().send(&fake.credentials(), &message()).is_ok());
    // Every attempt carried the same idempotency key.
    assert!(
        fake.sent()
            .iter()
            .all(|r| r.idempotency_token() == Some("msg-42-attempt"))
    );
}

#[test]
fn refused_credentials_are_a_configuration_error() {
    let fake = FakeTwilio::start().unwrap();
    let mut credentials = fake.credentials();
    credentials.auth_token = "wrong".into();
    let error = provider().send(&credentials, &message()).unwrap_err();
    assert!(matches!(error, ProviderError::Config { .. }), "{error:?}");
}

#[test]
fn unusable_settings_fail_before_any_request() {
    let fake = FakeTwilio::start().unwrap();
    let mut bad_sid = fake.credentials();
    bad_sid.account_sid = "AC1/../../x".into();
    let error = provider().send(&bad_sid, &message()).unwrap_err();
    assert!(matches!(error, ProviderError::Config { .. }), "{error:?}");
    let mut no_token = fake.credentials();
    no_token.auth_token.clear();
    assert!(matches!(
        provider().send(&no_token, &message()),
        Err(ProviderError::Config { .. })
    ));
    assert!(fake.requests().is_empty());
    let bad_base = Credentials::new("AC1", "token").with_base_url("not a url");
    assert!(matches!(
        provider().send(&bad_base, &message()),
        Err(ProviderError::Config { .. })
    ));
}

#[test]
fn an_unreadable_success_is_transient_so_the_idempotent_retry_decides() {
    let fake = FakeTwilio::start().unwrap();
    fake.respond_next(FakeResponse::raw(201, "application/json", "{"));
    fake.respond_next(FakeResponse::raw(201, "application/json", "{\"status\":\"queued\"}"));
    for _ in 0..2 {
        let error = provider().send(&fake.credentials(), &message()).unwrap_err();
        assert!(error.is_retryable(), "{error:?}");
    }
}

#[test]
fn a_silent_server_times_out_as_transient() {
    // Accepted by the kernel's backlog, never answered.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let http = HttpClient::with_timeouts(Duration::from_millis(500), Duration::from_millis(500));
    let credentials = Credentials::new("AC1", "token").with_base_url(base);
    let started = std::time::Instant::now();
    let error = TwilioProvider::new(http).send(&credentials, &message()).unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn fetches_media_with_basic_auth_through_the_redirect() {
    let fake = FakeTwilio::start().unwrap();
    let image = vec![0xFF_u8; 4096];
    let url = fake.add_media("image/jpeg", image.clone());
    let media = provider()
        .fetch_media(&fake.credentials(), &url, 5 * 1024 * 1024)
        .unwrap();
    assert_eq!(media.content_type, "image/jpeg");
    assert_eq!(media.bytes, image);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "the media URL, then the CDN");
    assert_eq!(
        requests[0].basic_auth(),
        Some((fake::ACCOUNT_SID.to_string(), fake::AUTH_TOKEN.to_string()))
    );
    assert!(requests[1].path.starts_with("/cdn/ME"));
}

#[test]
fn media_without_credentials_is_refused() {
    let fake = FakeTwilio::start().unwrap();
    let url = fake.add_media("image/png", vec![1, 2, 3]);
    let mut credentials = fake.credentials();
    credentials.auth_token = "wrong".into();
    let error = provider().fetch_media(&credentials, &url, 1024).unwrap_err();
    assert!(matches!(error, ProviderError::Config { .. }), "{error:?}");
}

#[test]
fn media_over_the_limit_is_refused() {
    let fake = FakeTwilio::start().unwrap();
    let announced = fake.add_media("image/jpeg", vec![7_u8; 10_001]);
    let error = provider()
        .fetch_media(&fake.credentials(), &announced, 10_000)
        .unwrap_err();
    assert_eq!(error, ProviderError::TooLarge { max_bytes: 10_000 });
    assert!(!error.is_retryable());

    // Without a length header the limit is enforced on the bytes read.
    let streamed = fake.add_media_without_length("video/mp4", vec![7_u8; 200_000]);
    let error = provider()
        .fetch_media(&fake.credentials(), &streamed, 10_000)
        .unwrap_err();
    assert_eq!(error, ProviderError::TooLarge { max_bytes: 10_000 });

    // Exactly at the limit is fine.
    let exact = fake.add_media_without_length("image/gif", vec![7_u8; 10_000]);
    let media = provider().fetch_media(&fake.credentials(), &exact, 10_000).unwrap();
    assert_eq!(media.bytes.len(), 10_000);
}

#[test]
fn missing_media_is_a_permanent_error() {
    let fake = FakeTwilio::start().unwrap();
    let url = format!("{}/cdn/ME404", fake.base_url());
    let error = provider().fetch_media(&fake.credentials(), &url, 1024).unwrap_err();
    assert!(matches!(error, ProviderError::Rejected { .. }), "{error:?}");
}

#[test]
fn credentials_only_go_to_twilio_or_the_configured_host() {
    let real = Credentials::new("AC1", "token");
    let twilio_media = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1";
    assert!(sends_credentials_to(twilio_media, &real));
    assert!(sends_credentials_to("https://media.twiliocdn.twilio.com/x", &real));
    assert!(
        !sends_credentials_to("http://api.twilio.com/x", &real),
        "never in clear text"
    );
    assert!(!sends_credentials_to("https://eviltwilio.com/x", &real));
    assert!(!sends_credentials_to("https://api.twilio.com.evil.example/x", &real));
    assert!(!sends_credentials_to("https://evil.example/?api.twilio.com", &real));
    let local = real.with_base_url("http://127.0.0.1:4010/");
    assert!(sends_credentials_to("http://127.0.0.1:4010/media/1", &local));
    assert!(!sends_credentials_to("http://10.0.0.1/media/1", &local));
}

#[test]
fn classifies_twilio_error_answers() {
    let body = |code: &str| format!("{{\"code\":{code},\"message\":\"m\",\"status\":400}}");
    assert!(matches!(
        classify(400, body("21610").as_bytes()),
        ProviderError::OptedOut { .. }
    ));
    assert!(matches!(
        classify(400, body("\"21610\"").as_bytes()),
        ProviderError::OptedOut { .. }
    ));
    assert_eq!(classify(404, body("20404").as_bytes()).code(), Some("20404"));
    assert!(classify(500, b"").is_retryable());
    assert!(classify(409, b"").is_retryable());
    assert_eq!(
        classify(400, b"not json"),
        ProviderError::Rejected {
            code: None,
            message: "HTTP 400".into()
        }
    );
}

#[test]
fn reads_accepted_answers() {
    let accepted = accepted(br#"{"sid":"SM1","status":"accepted","num_segments":"3"}"#).unwrap();
    assert_eq!(accepted.status, MessageStatus::Queued);
    assert_eq!(accepted.segments, Some(3));
    let numeric = super::accepted(br#"{"sid":"SM1","status":"sent","num_segments":2}"#).unwrap();
    assert_eq!(numeric.status, MessageStatus::Sent);
    assert_eq!(numeric.segments, Some(2));
    let sparse = super::accepted(br#"{"sid":"SM1"}"#).unwrap();
    assert_eq!((sparse.status, sparse.segments), (MessageStatus::Queued, None));
}

fn signed_request(url: &str, params: &[(&str, &str)], token: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish()
        .into_bytes();
    let headers = vec![("x-twilio-signature".to_string(), signature(token, url, &pairs))];
    (headers, body)
}

#[test]
fn webhooks_through_the_provider_trait() {
    let provider: Box<dyn Provider> = crate::provider_for(ProviderKind::Twilio, &HttpClient::new());
    let credentials = Credentials::new(fake::ACCOUNT_SID, fake::AUTH_TOKEN);
    let url = "https://textdesk.example/webhooks/twilio/messages?org=1";
    let params = [
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", fake::ACCOUNT_SID),
        ("From", "+15551230001"),
        ("To", "+15005550006"),
        ("Body", "Hi! Is 8:30 ok? 100% & more"),
        ("NumMedia", "0"),
    ];
    let (headers, body) = signed_request(url, &params, fake::AUTH_TOKEN);
    let request = WebhookRequest {
        url,
        headers: &headers,
        body: &body,
    };

    let event = provider.parse_webhook(WebhookEndpoint::Messages, &request).unwrap();
    assert_eq!(event.account_sid(), fake::ACCOUNT_SID);
    let WebhookEvent::Inbound(inbound) = event else {
        panic!("expected an inbound message");
    };
    assert_eq!(inbound.body, "Hi! Is 8:30 ok? 100% & more");
    assert!(provider.verify_webhook(&credentials, &request));

    let wrong_token = Credentials::new(fake::ACCOUNT_SID, "other");
    assert!(!provider.verify_webhook(&wrong_token, &request));
    let unsigned = WebhookRequest {
        headers: &[],
        ..request
    };
    assert!(!provider.verify_webhook(&credentials, &unsigned));
    let mut tampered_body = body.clone();
    tampered_body.extend_from_slice(b"&Extra=1");
    let tampered = WebhookRequest {
        body: &tampered_body,
        ..request
    };
    assert!(!provider.verify_webhook(&credentials, &tampered));
    let other_url = WebhookRequest {
        url: "https://textdesk.example/webhooks/twilio/messages?org=2",
        ..request
    };
    assert!(!provider.verify_webhook(&credentials, &other_url));

    let reply = provider.webhook_reply();
    assert_eq!(reply.body, EMPTY_TWIML);
    assert_eq!(reply.content_type, "text/xml");
}

#[test]
fn status_webhooks_through_the_provider_trait() {
    let provider = TwilioProvider::new(HttpClient::new());
    let url = "https://textdesk.example/webhooks/twilio/status";
    let params = [
        ("MessageSid", "SM1"),
        ("AccountSid", "AC1"),
        ("MessageStatus", "failed"),
        ("ErrorCode", "30008"),
    ];
    let (headers, body) = signed_request(url, &params, "token");
    let request = WebhookRequest {
        url,
        headers: &headers,
        body: &body,
    };
    let event = provider.parse_webhook(WebhookEndpoint::Status, &request).unwrap();
    let WebhookEvent::Status(update) = event else {
        panic!("expected a status update");
    };
    assert_eq!(update.status, MessageStatus::Failed);
    assert_eq!(update.error_code.as_deref(), Some("30008"));
    assert!(provider.verify_webhook(&Credentials::new("AC1", "token"), &request));
    // An inbound body at the status endpoint is missing MessageStatus.
    assert_eq!(
        provider
            .parse_webhook(
                WebhookEndpoint::Status,
                &WebhookRequest {
                    body: b"MessageSid=SM1&AccountSid=AC1",
                    ..request
                }
            )
            .unwrap_err(),
        WebhookError::MissingField("MessageStatus".into())
    );
}
