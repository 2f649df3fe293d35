//! Agents' credentials and profile values.

use crate::Invalid;

/// The longest email address (RFC 5321's path limit less its brackets).
pub const EMAIL_MAX: usize = 254;

/// A syntactically plausible email address, trimmed and lower-cased so that lookups by email
/// are case-insensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim().to_lowercase();
        let invalid = || Invalid::new("invalid_email", "must be an email address such as ana@example.com");
        if email.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        if email.len() > EMAIL_MAX || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy. Kept only until it is hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    /// Long enough for any passphrase, short enough that hashing cannot be used to exhaust memory.
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(Invalid::new(
                "too_short",
                format!("must be at least {} characters long", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {} characters long", Self::MAX_CHARS),
            ));
        }
        if raw.trim().is_empty() {
            return Err(Invalid::new("too_weak", "must not be only spaces"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// An IANA time zone name such as `America/Chicago`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        name.parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_owned()))
            .map_err(|_| {
                Invalid::new(
                    "unknown_time_zone",
                    "must be an IANA time zone such as America/New_York",
                )
            })
    }

    pub fn utc() -> Self {
        Self("UTC".to_owned())
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Seconds away from the Message Center before idle alerts start.
pub struct IdleAlertSeconds;

impl IdleAlertSeconds {
    pub const DEFAULT: u32 = 300;
    pub const MIN: u32 = 30;
    pub const MAX: u32 = 86_400;

    pub fn parse(seconds: u32) -> Result<u32, Invalid> {
        if (Self::MIN..=Self::MAX).contains(&seconds) {
            Ok(seconds)
        } else {
            Err(Invalid::new(
                "out_of_range",
                format!("must be between {} and {} seconds", Self::MIN, Self::MAX),
            ))
        }
    }
}

/// A phone number in E.164 form (`+` and up to 15 digits). Agents' own mobile numbers only need
/// this shape; contacts' numbers are parsed with full numbering-plan rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct E164(String);

impl E164 {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        let valid =
            (2..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0');
        if valid {
            Ok(Self(compact))
        } else {
            Err(Invalid::new(
                "invalid_phone_number",
                "must be a phone number in E.164 form such as +15551234567",
            ))
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Avatar images: what is accepted and how big.
pub mod avatar {
    use crate::Invalid;

    pub const MAX_BYTES: usize = 1024 * 1024;

    /// The content type of an image, decided from its bytes, never from a name or header.
    pub fn sniff_image(bytes: &[u8]) -> Result<&'static str, Invalid> {
        if bytes.is_empty() {
            return Err(Invalid::new("required", "the image is empty"));
        }
        if bytes.len() > MAX_BYTES {
            return Err(Invalid::new("too_large", "the image must be at most 1 MiB"));
        }
        if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Ok("image/png")
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok("image/jpeg")
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Ok("image/gif")
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Ok("image/webp")
        } else {
            Err(Invalid::new(
                "unsupported_type",
                "must be a PNG, JPEG, GIF or WebP image",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            EmailAddress::parse("  Ana@Example.COM ").map(EmailAddress::into_inner),
            Ok("ana@example.com".to_owned())
        );
    }

    #[test]
    fn bad_emails_are_refused() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@.com",
            "ana@example..com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn password_policy() {
        assert_eq!(NewPassword::parse("short").map_err(|e| e.code), Err("too_short"));
        assert_eq!(NewPassword::parse("          ").map_err(|e| e.code), Err("too_weak"));
        assert_eq!(
            NewPassword::parse(&"x".repeat(257)).map_err(|e| e.code),
            Err("too_long")
        );
        assert!(NewPassword::parse("correct horse").is_ok());
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            TimeZoneName::parse("America/Chicago").map(TimeZoneName::into_inner),
            Ok("America/Chicago".to_owned())
        );
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }

    #[test]
    fn idle_alert_bounds() {
        assert!(IdleAlertSeconds::parse(29).is_err());
        assert_eq!(IdleAlertSeconds::parse(300), Ok(300));
        assert!(IdleAlertSeconds::parse(86_401).is_err());
    }

    #[test]
    fn e164_shape() {
        assert_eq!(
            E164::parse("+1 (555) 123-4567").map(E164::into_inner),
            Ok("+15551234567".to_owned())
        );
        for bad in ["5551234567", "+0123", "+1", "+1234567890123456", "+1555abc"] {
            assert!(E164::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn avatars_are_sniffed_by_content() {
        assert_eq!(avatar::sniff_image(b"\x89PNG\r\n\x1a\nrest"), Ok("image/png"));
        assert_eq!(avatar::sniff_image(b"\xff\xd8\xff\xe0"), Ok("image/jpeg"));
        assert_eq!(avatar::sniff_image(b"GIF89a..."), Ok("image/gif"));
        assert_eq!(
            avatar::sniff_image(b"%PDF-1.7").map_err(|e| e.code),
            Err("unsupported_type")
        );
        assert_eq!(
            avatar::sniff_image(&vec![0xFF; avatar::MAX_BYTES + 1]).map_err(|e| e.code),
            Err("too_large")
        );
    }
}
