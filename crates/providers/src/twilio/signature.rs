//! `X-Twilio-Signature` (twilio.com/docs/usage/webhooks/webhooks-security):
//!
//! ```text
//! Base64(HMAC-SHA1(key = auth token,
//!                  msg = full URL as configured, query included
//!                        + for each POST parameter sorted by name: name + value))
//! ```
//!
//! Values are the decoded ones, and every parameter counts, including ones this crate does
//! not know: Twilio adds fields without notice.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

use crate::url;

/// The signature Twilio sends for a POST of `params` to `url`.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let tag = hmac::sign(&key(auth_token), &signed_text(url, params));
    STANDARD.encode(tag.as_ref())
}

/// Whether `header_value` is Twilio's signature of this request. The comparison takes
/// constant time. An empty auth token never verifies: anyone could sign with it.
///
/// Like Twilio's own libraries, it also accepts the signature of the same URL with the port
/// toggled (`https://host/x` and `https://host:443/x`), because proxies and Twilio disagree
/// about writing the default port.
pub fn verify_signature(auth_token: &str, url: &str, params: &[(String, String)], header_value: &str) -> bool {
    if auth_token.is_empty() {
        return false;
    }
    let Ok(tag) = STANDARD.decode(header_value.trim()) else {
        return false;
    };
    let key = key(auth_token);
    url_variants(url)
        .iter()
        .any(|candidate| hmac::verify(&key, &signed_text(candidate, params), &tag).is_ok())
}

fn key(auth_token: &str) -> hmac::Key {
    // SHA-1 is what Twilio signs with; it is still sound inside HMAC.
    hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_token.as_bytes())
}

/// The URL, then every parameter's name and value, sorted by name (byte order, so
/// case-sensitive). A repeated name sorts by value, and an exact duplicate pair counts once,
/// as in Twilio's reference implementation.
fn signed_text(url: &str, params: &[(String, String)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut text = url.as_bytes().to_vec();
    for (name, value) in sorted {
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(value.as_bytes());
    }
    text
}

/// The URL as given, plus the same URL with its port removed, or with the scheme's default
/// port added when it has none.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_string()];
    if let Some(toggled) = toggle_port(url) {
        variants.push(toggled);
    }
    variants
}

fn toggle_port(full: &str) -> Option<String> {
    let (scheme, authority, tail) = url::split(full)?;
    let default = url::default_port(scheme)?;
    let (user_info, host_port) = match authority.rsplit_once('@') {
        Some((user_info, host_port)) => (format!("{user_info}@"), host_port),
        None => (String::new(), authority),
    };
    let host_port = match url::split_port(host_port) {
        (host, Some(_)) => host.to_string(),
        (host, None) => format!("{host}:{default}"),
    };
    Some(format!("{scheme}://{user_info}{host_port}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    const DOCS_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /// The worked example of Twilio's webhook security page (auth token 12345).
    fn docs_params() -> Vec<(String, String)> {
        pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675310"),
            ("Digits", "1234"),
            ("From", "+14158675310"),
            ("To", "+18005551212"),
        ])
    }

    #[test]
    fn twilio_documentation_vector() {
        assert_eq!(
            signature("12345", DOCS_URL, &docs_params()),
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        );
    }

    /// The same example with the older docs' phone numbers. The expected value was computed
    /// independently with Python's `hmac` and `hashlib.sha1`.
    #[test]
    fn vector_computed_with_python() {
        let params = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        assert_eq!(signature("12345", DOCS_URL, &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    }

    /// The algorithm spelled out by hand, with ring's HMAC only as the primitive.
    #[test]
    fn matches_the_algorithm_written_out() {
        let mut params = docs_params();
        params.reverse(); // order of arrival must not matter
        let text =
            format!("{DOCS_URL}CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212");
        let expected = STANDARD.encode(hmac::sign(&key("12345"), text.as_bytes()).as_ref());
        assert_eq!(signature("12345", DOCS_URL, &params), expected);
    }

    #[test]
    fn verifies_the_right_signature() {
        assert!(verify_signature(
            "12345",
            DOCS_URL,
            &docs_params(),
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        ));
    }

    #[test]
    fn rejects_tampering() {
        let good = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
        let mut changed_value = docs_params();
        changed_value[2].1 = "9999".into();
        assert!(!verify_signature("12345", DOCS_URL, &changed_value, good));

        let mut added = docs_params();
        added.push(("Body".into(), "extra".into()));
        assert!(!verify_signature("12345", DOCS_URL, &added, good));

        let mut dropped = docs_params();
        dropped.pop();
        assert!(!verify_signature("12345", DOCS_URL, &dropped, good));

        let other_url = "https://mycompany.com/myapp.php?foo=1&bar=3";
        assert!(!verify_signature("12345", other_url, &docs_params(), good));
        let http = "http://mycompany.com/myapp.php?foo=1&bar=2";
        assert!(!verify_signature("12345", http, &docs_params(), good));

        assert!(!verify_signature("12346", DOCS_URL, &docs_params(), good));
    }

    #[test]
    fn rejects_malformed_or_missing_headers() {
        let params = docs_params();
        assert!(!verify_signature("12345", DOCS_URL, &params, ""));
        assert!(!verify_signature("12345", DOCS_URL, &params, "not base64!"));
        assert!(!verify_signature(
            "12345",
            DOCS_URL,
            &params,
            "GvWf1cFY/Q7PnoempGyD5oXAezc"
        ));
        assert!(!verify_signature("12345", DOCS_URL, &params, "R3ZXZjFjRlk="));
    }

    #[test]
    fn an_empty_token_never_verifies() {
        let params = docs_params();
        let forged = signature("", DOCS_URL, &params);
        assert!(!verify_signature("", DOCS_URL, &params, &forged));
    }

    #[test]
    fn the_default_port_may_be_written_or_not() {
        let params = docs_params();
        let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        let signed_with_port = signature("12345", with_port, &params);
        assert!(verify_signature("12345", DOCS_URL, &params, &signed_with_port));
        let signed_without = signature("12345", DOCS_URL, &params);
        assert!(verify_signature("12345", with_port, &params, &signed_without));
    }

    #[test]
    fn port_toggling() {
        assert_eq!(
            toggle_port("https://h.example/x?y=1").as_deref(),
            Some("https://h.example:443/x?y=1")
        );
        assert_eq!(
            toggle_port("http://h.example:8080/x").as_deref(),
            Some("http://h.example/x")
        );
        assert_eq!(
            toggle_port("http://u:p@h.example/").as_deref(),
            Some("http://u:p@h.example:80/")
        );
        assert_eq!(toggle_port("https://[::1]/").as_deref(), Some("https://[::1]:443/"));
        assert_eq!(toggle_port("ftp://h.example/"), None);
    }

    #[test]
    fn parameter_order_and_exact_repeats_do_not_matter() {
        let url = "https://example.com/webhooks/twilio/messages";
        let a = pairs(&[("MediaUrl", "b"), ("MediaUrl", "a"), ("To", "1")]);
        let b = pairs(&[("To", "1"), ("MediaUrl", "a"), ("MediaUrl", "b"), ("To", "1")]);
        assert_eq!(signature("t", url, &a), signature("t", url, &b));
        // Names sort case-sensitively: uppercase before lowercase.
        let text = String::from_utf8(signed_text("u", &pairs(&[("b", "1"), ("B", "2")])));
        assert_eq!(text.ok().as_deref(), Some("uB2b1"));
    }
}
