//! Reading Twilio's form-encoded webhooks (twilio.com/docs/messaging/guides/webhook-request
//! and …/track-outbound-message-status). Parsing does not verify: check the signature with
//! [`super::verify_signature`] before storing what these return.

use crate::{InboundMedia, InboundMessage, StatusUpdate, WebhookError};

/// Twilio attaches at most 10 media to a message.
pub const MAX_MEDIA: usize = 10;

/// Longest provider id accepted; Twilio's are 34 characters.
const MAX_SID_LEN: usize = 64;

/// The content type assumed when Twilio announces media without one.
const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// An inbound SMS or MMS.
pub fn parse_inbound(params: &[(String, String)]) -> Result<InboundMessage, WebhookError> {
    refuse_nul(params)?;
    Ok(InboundMessage {
        provider_message_id: sid(params, "MessageSid")?,
        account_sid: sid(params, "AccountSid")?,
        from: required(params, "From")?.to_string(),
        to: required(params, "To")?.to_string(),
        // PostgreSQL text cannot hold NUL, and no person typed one.
        body: field(params, "Body").unwrap_or_default().replace('\0', ""),
        media: media(params)?,
    })
}

/// A delivery status callback.
pub fn parse_status(params: &[(String, String)]) -> Result<StatusUpdate, WebhookError> {
    refuse_nul(params)?;
    // `SmsStatus` is the deprecated twin older accounts still send alone.
    let raw = required(params, "MessageStatus")
        .or_else(|_| required(params, "SmsStatus"))
        .map_err(|_| missing("MessageStatus"))?;
    let status = crate::status::status_word(raw)
        .ok_or_else(|| WebhookError::invalid("MessageStatus", format!("unknown status {raw:?}")))?;
    Ok(StatusUpdate {
        provider_message_id: sid(params, "MessageSid")?,
        account_sid: sid(params, "AccountSid")?,
        status,
        error_code: non_empty(params, "ErrorCode"),
        error_message: non_empty(params, "ErrorMessage"),
    })
}

fn media(params: &[(String, String)]) -> Result<Vec<InboundMedia>, WebhookError> {
    let count = match field(params, "NumMedia") {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|count| *count <= MAX_MEDIA)
            .ok_or_else(|| WebhookError::invalid("NumMedia", format!("must be 0 to {MAX_MEDIA}")))?,
    };
    (0..count).map(|index| one_media(params, index)).collect()
}

fn one_media(params: &[(String, String)], index: usize) -> Result<InboundMedia, WebhookError> {
    let url_field = format!("MediaUrl{index}");
    let url = required(params, &url_field)?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(WebhookError::invalid(url_field, "must be an http(s) URL"));
    }
    let content_type = field(params, &format!("MediaContentType{index}"))
        .filter(|value| !value.is_empty())
        .unwrap_or(UNKNOWN_MEDIA_TYPE);
    Ok(InboundMedia {
        url: url.to_string(),
        content_type: content_type.to_ascii_lowercase(),
    })
}

/// The first value of `name`. Twilio sends each field once; if a forger repeats one, the
/// signature still covers both, so taking the first is safe.
/// PostgreSQL text cannot hold NUL and no real delivery carries one; a message's text merely
/// loses it (no person typed it), any other field is refused.
fn refuse_nul(params: &[(String, String)]) -> Result<(), WebhookError> {
    match params
        .iter()
        .find(|(name, value)| name != "Body" && value.contains('\0'))
    {
        Some((name, _)) => Err(WebhookError::invalid(name.as_str(), "contains a NUL character")),
        None => Ok(()),
    }
}

fn field<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn required<'a>(params: &'a [(String, String)], name: &str) -> Result<&'a str, WebhookError> {
    field(params, name)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| missing(name))
}

fn non_empty(params: &[(String, String)], name: &str) -> Option<String> {
    field(params, name)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(String::from)
}

/// Ids become database keys, so they are held to Twilio's shape: short and alphanumeric.
fn sid(params: &[(String, String)], name: &str) -> Result<String, WebhookError> {
    let value = required(params, name)?;
    if value.len() > MAX_SID_LEN || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(WebhookError::invalid(name, "must be up to 64 letters and digits"));
    }
    Ok(value.to_string())
}

fn missing(name: &str) -> WebhookError {
    WebhookError::MissingField(name.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::MessageStatus;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    fn without(params: &[(String, String)], name: &str) -> Vec<(String, String)> {
        params.iter().filter(|(key, _)| key != name).cloned().collect()
    }

    fn inbound() -> Vec<(String, String)> {
        pairs(&[
            ("ToCountry", "US"),
            ("SmsMessageSid", "MM0123456789abcdef0123456789abcdef"),
            ("NumMedia", "2"),
            ("MessageSid", "MM0123456789abcdef0123456789abcdef"),
            ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            ("From", "+15551230001"),
            ("To", "+15005550006"),
            ("Body", "Photos\0 attached"),
            (
                "MediaUrl0",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            ),
            ("MediaContentType0", "image/JPEG"),
            (
                "MediaUrl1",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
            ),
            ("MediaContentType1", "application/pdf"),
            ("NumSegments", "1"),
            ("ApiVersion", "2010-04-01"),
        ])
    }

    #[test]
    fn reads_an_inbound_mms() {
        let message = parse_inbound(&inbound()).unwrap();
        assert_eq!(message.provider_message_id, "MM0123456789abcdef0123456789abcdef");
        assert_eq!(message.account_sid, "AC0123456789abcdef0123456789abcdef");
        assert_eq!(message.from, "+15551230001");
        assert_eq!(message.to, "+15005550006");
        assert_eq!(message.body, "Photos attached");
        assert_eq!(message.media.len(), 2);
        assert_eq!(message.media[0].content_type, "image/jpeg");
        assert!(message.media[1].url.ends_with("/Media/ME2"));
    }

    #[test]
    fn reads_a_plain_sms() {
        let params = pairs(&[
            ("MessageSid", "SM1"),
            ("AccountSid", "AC1"),
            ("From", "+15551230001"),
            ("To", "+15005550006"),
            ("Body", "STOP"),
            ("NumMedia", "0"),
        ]);
        let message = parse_inbound(&params).unwrap();
        assert_eq!(message.body, "STOP");
        assert!(message.media.is_empty());
        // No Body and no NumMedia at all is an empty text, not an error.
        let bare = without(&without(&params, "Body"), "NumMedia");
        assert_eq!(parse_inbound(&bare).unwrap().body, "");
    }

    #[test]
    fn names_each_missing_field() {
        for name in ["MessageSid", "AccountSid", "From", "To", "MediaUrl1"] {
            assert_eq!(
                parse_inbound(&without(&inbound(), name)),
                Err(WebhookError::MissingField(name.to_string())),
                "{name}"
            );
        }
        let mut blank = inbound();
        blank.retain(|(key, _)| key != "From");
        blank.push(("From".into(), " ".into()));
        assert_eq!(parse_inbound(&blank), Err(WebhookError::MissingField("From".into())));
    }

    #[test]
    fn media_count_is_bounded_and_numeric() {
        for bad in ["11", "-1", "two", "99999999999999999999999"] {
            let mut params = without(&inbound(), "NumMedia");
            params.push(("NumMedia".into(), bad.into()));
            assert!(
                matches!(parse_inbound(&params), Err(WebhookError::InvalidField { ref field, .. }) if field == "NumMedia"),
                "{bad}"
            );
        }
    }

    #[test]
    fn media_urls_must_be_http() {
        let mut params = without(&inbound(), "MediaUrl0");
        params.push(("MediaUrl0".into(), "file:///etc/passwd".into()));
        assert!(matches!(
            parse_inbound(&params),
            Err(WebhookError::InvalidField { ref field, .. }) if field == "MediaUrl0"
        ));
    }

    #[test]
    fn a_missing_media_type_is_unknown_not_an_error() {
        let params = without(&inbound(), "MediaContentType1");
        let message = parse_inbound(&params).unwrap();
        assert_eq!(message.media[1].content_type, "application/octet-stream");
    }

    #[test]
    fn ids_must_look_like_sids() {
        let mut params = without(&inbound(), "MessageSid");
        params.push(("MessageSid".into(), "MM1'; drop table messages".into()));
        assert!(matches!(
            parse_inbound(&params),
            Err(WebhookError::InvalidField { ref field, .. }) if field == "MessageSid"
        ));
    }

    fn status(raw: &[(&str, &str)]) -> Result<StatusUpdate, WebhookError> {
        let mut params = pairs(&[
            ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
            ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            ("From", "+15005550006"),
            ("To", "+15551230001"),
            ("ApiVersion", "2010-04-01"),
        ]);
        params.extend(pairs(raw));
        parse_status(&params)
    }

    #[test]
    fn reads_a_delivered_callback() {
        let update = status(&[("MessageStatus", "delivered"), ("SmsStatus", "delivered")]).unwrap();
        assert_eq!(update.status, MessageStatus::Delivered);
        assert_eq!(update.provider_message_id, "SM0123456789abcdef0123456789abcdef");
        assert_eq!(update.account_sid, "AC0123456789abcdef0123456789abcdef");
        assert_eq!(update.error_code, None);
        assert_eq!(update.error_message, None);
    }

    #[test]
    fn keeps_the_error_of_a_failure() {
        let update = status(&[
            ("MessageStatus", "undelivered"),
            ("ErrorCode", "30003"),
            ("ErrorMessage", "Unreachable destination handset"),
        ])
        .unwrap();
        assert_eq!(update.status, MessageStatus::Undelivered);
        assert_eq!(update.error_code.as_deref(), Some("30003"));
        assert_eq!(update.error_message.as_deref(), Some("Unreachable destination handset"));
        let blank = status(&[("MessageStatus", "sent"), ("ErrorCode", "")]).unwrap();
        assert_eq!(blank.error_code, None);
    }

    #[test]
    fn falls_back_to_the_deprecated_status_field() {
        let update = status(&[("SmsStatus", "sent")]).unwrap();
        assert_eq!(update.status, MessageStatus::Sent);
    }

    #[test]
    fn status_errors_name_the_field() {
        assert_eq!(status(&[]), Err(WebhookError::MissingField("MessageStatus".into())));
        assert!(matches!(
            status(&[("MessageStatus", "exploded")]),
            Err(WebhookError::InvalidField { ref field, .. }) if field == "MessageStatus"
        ));
        let params = pairs(&[("MessageStatus", "sent"), ("AccountSid", "AC1")]);
        assert_eq!(
            parse_status(&params),
            Err(WebhookError::MissingField("MessageSid".into()))
        );
        let params = pairs(&[("MessageStatus", "sent"), ("MessageSid", "SM1")]);
        assert_eq!(
            parse_status(&params),
            Err(WebhookError::MissingField("AccountSid".into()))
        );
    }
}
