//! The little URL surgery signatures and credential checks need. A full URL parser would
//! normalise what it reads (case, escapes, trailing slashes), and signatures are computed over
//! the exact text, so these functions only split and rejoin the original string.

/// `scheme://authority/rest?query` → (`scheme`, `authority`, `/rest?query`).
pub(crate) fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    Some((scheme, authority, tail))
}

/// The host of an `http(s)` URL, lowercase, without user info or port.
pub(crate) fn host(url: &str) -> Option<String> {
    let (_, authority, _) = split(url)?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, after)| after);
    let (host, _) = split_port(host_port);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Scheme, host and port (the default one when absent), lowercase: two URLs with the same
/// origin reach the same server over the same protocol.
pub(crate) fn origin(url: &str) -> Option<(String, String, String)> {
    let (scheme, authority, _) = split(url)?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, after)| after);
    let (host, port) = split_port(host_port);
    let port = match port {
        Some(port) => port.to_string(),
        None => default_port(scheme)?.to_string(),
    };
    (!host.is_empty()).then(|| (scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port))
}

/// `host:443` → (`host`, Some("443")); `[::1]:80` → (`[::1]`, Some("80")); `host` → (`host`, None).
pub(crate) fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rsplit_once(':') {
        Some((host, port))
            if !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!host.starts_with('[') || host.ends_with(']')) =>
        {
            (host, Some(port))
        }
        _ => (host_port, None),
    }
}

pub(crate) fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Some("443"),
        "http" => Some("80"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_without_normalising() {
        assert_eq!(
            split("https://Example.com:8443/a/B?x=1#f"),
            Some(("https", "Example.com:8443", "/a/B?x=1#f"))
        );
        assert_eq!(split("https://example.com"), Some(("https", "example.com", "")));
        assert_eq!(split("https://example.com?x"), Some(("https", "example.com", "?x")));
        assert_eq!(split("example.com/x"), None);
    }

    #[test]
    fn hosts_lose_user_info_and_port() {
        assert_eq!(
            host("https://u:p@API.twilio.com:443/x").as_deref(),
            Some("api.twilio.com")
        );
        assert_eq!(host("http://127.0.0.1:4010/x").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("http://[::1]:4010/x").as_deref(), Some("[::1]"));
        assert_eq!(host("http://[::1]/x").as_deref(), Some("[::1]"));
        assert_eq!(host("http:///x"), None);
    }

    #[test]
    fn origins_include_scheme_and_effective_port() {
        assert_eq!(
            origin("HTTPS://Api.Twilio.com/x"),
            origin("https://api.twilio.com:443/y")
        );
        assert_ne!(origin("http://api.twilio.com/x"), origin("https://api.twilio.com/x"));
        assert_ne!(origin("http://127.0.0.1:4010/"), origin("http://127.0.0.1:4011/"));
        assert_eq!(origin("ftp://example.com/"), None);
    }
}
