//! Mail: handing messages to an SMTP server with lettre, and reading the raw RFC 5322 mail
//! that comes back (replies by email) with mail-parser. What to send, and what a reply means,
//! is the callers' business.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Message, SmtpTransport, Transport};

/// How long one SMTP conversation may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A mail as it is handed over.
pub struct OutgoingMail<'a> {
    /// `Name <address>` or an address.
    pub from: &'a str,
    pub to: &'a str,
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    /// `<…@…>`, the same on every attempt.
    pub message_id: &'a str,
    /// The made-up first message of a thread, which every later mail answers.
    pub thread_root: Option<&'a str>,
    /// The one-click address behind `List-Unsubscribe` (RFC 8058).
    pub unsubscribe_url: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The configuration or the mail itself is wrong; trying again will not help.
    #[error("{0}")]
    Permanent(String),
    /// The server is down, busy or answered 4xx: try again later.
    #[error("{0}")]
    Transient(String),
}

/// An SMTP server, from lettre's URL form: `smtp://user:pass@host:587?tls=required`,
/// `smtps://host`, `smtp://host:25` (no TLS, for a relay on the same host).
#[derive(Clone)]
pub struct SmtpMailer {
    transport: SmtpTransport,
}

impl SmtpMailer {
    pub fn from_url(url: &str) -> Result<SmtpMailer, MailError> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| MailError::Permanent(format!("SMTP_URL is not usable: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(SmtpMailer { transport })
    }

    /// Sends the mail; the server's answer (`250 …`) when it accepted it.
    pub fn send(&self, mail: &OutgoingMail<'_>) -> Result<String, MailError> {
        let message = build(mail)?;
        match self.transport.send(&message) {
            Ok(response) => Ok(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(error) if error.is_permanent() => Err(MailError::Permanent(error.to_string())),
            Err(error) => Err(MailError::Transient(error.to_string())),
        }
    }
}

fn mailbox(raw: &str, what: &str) -> Result<Mailbox, MailError> {
    raw.parse()
        .map_err(|e| MailError::Permanent(format!("{what} {raw:?} is not a mail address: {e}")))
}

/// The whole message: plain-text and HTML parts, threading headers, and the headers that keep
/// robots (vacation responders) from answering.
fn build(mail: &OutgoingMail<'_>) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(mailbox(mail.from, "MAIL_FROM")?)
        .to(mailbox(mail.to, "the recipient")?)
        .subject(mail.subject)
        .message_id(Some(mail.message_id.to_owned()))
        .date_now()
        .header(AutoSubmitted("auto-generated".to_owned()))
        .header(AutoResponseSuppress("All".to_owned()));
    if let Some(reply_to) = mail.reply_to {
        builder = builder.reply_to(mailbox(reply_to, "the reply address")?);
    }
    if let Some(root) = mail.thread_root {
        builder = builder.in_reply_to(root.to_owned()).references(root.to_owned());
    }
    if let Some(url) = mail.unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost("List-Unsubscribe=One-Click".to_owned()));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text_body.to_owned(),
            mail.html_body.to_owned(),
        ))
        .map_err(|e| MailError::Permanent(format!("the mail could not be built: {e}")))
}

/// A header lettre has no type of its own for, with an ASCII value: lettre's trait wants one
/// type per header name.
macro_rules! plain_header {
    ($type:ident, $name:literal) => {
        #[derive(Clone)]
        struct $type(String);

        impl Header for $type {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }

            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($type(s.to_owned()))
            }

            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

plain_header!(AutoSubmitted, "Auto-Submitted");
plain_header!(AutoResponseSuppress, "X-Auto-Response-Suppress");
plain_header!(ListUnsubscribe, "List-Unsubscribe");
plain_header!(ListUnsubscribePost, "List-Unsubscribe-Post");

/// A reply that came back, read from its raw RFC 5322 form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The `From` address, lower-cased.
    pub from: Option<String>,
    /// Every address it was sent to (`To`, `Cc`, `Delivered-To`, `X-Original-To`), lower-cased.
    pub recipients: Vec<String>,
    pub subject: String,
    pub message_id: Option<String>,
    /// `In-Reply-To` and `References`, as `<…>` ids.
    pub replying_to: Vec<String>,
    /// The text the sender wrote with what their client quoted (HTML-only mail as text).
    pub text: String,
    /// Why it is an automatic message (a vacation responder, a bounce), if it is one.
    pub automatic: Option<String>,
}

/// Reads a raw message; `None` when it is not mail at all.
pub fn read_received(raw: &[u8]) -> Option<ReceivedMail> {
    let message = mail_parser::MessageParser::default().parse(raw)?;
    let address = |value: Option<&mail_parser::Address<'_>>| {
        value
            .and_then(|address| address.first())
            .and_then(|addr| addr.address())
            .map(str::to_lowercase)
    };
    let from = address(message.from());
    let mut recipients: Vec<String> = Vec::new();
    for list in [message.to(), message.cc()].into_iter().flatten() {
        recipients.extend(list.iter().filter_map(|addr| addr.address()).map(str::to_lowercase));
    }
    for name in ["Delivered-To", "X-Original-To"] {
        for (header, value) in message.headers_raw() {
            if header.eq_ignore_ascii_case(name) {
                recipients.push(value.trim().trim_matches(['<', '>']).to_lowercase());
            }
        }
    }
    let mut replying_to: Vec<String> = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        let ids: Vec<String> = match (value.as_text(), value.as_text_list()) {
            (Some(one), _) => vec![one.to_owned()],
            (None, Some(many)) => many.iter().map(|id| id.to_string()).collect(),
            _ => Vec::new(),
        };
        replying_to.extend(ids.into_iter().map(|id| format!("<{}>", id.trim_matches(['<', '>']))));
    }
    let automatic = automatic_reason(&message);
    Some(ReceivedMail {
        from,
        recipients,
        subject: message.subject().unwrap_or_default().to_owned(),
        message_id: message.message_id().map(|id| format!("<{id}>")),
        replying_to,
        text: message.body_text(0).map(|text| text.into_owned()).unwrap_or_default(),
        automatic,
    })
}

/// RFC 3834 and the habits of common responders: `Auto-Submitted` other than `no`, vacation
/// and list headers, delivery reports, and bounces (an empty return path, mailer daemons).
fn automatic_reason(message: &mail_parser::Message<'_>) -> Option<String> {
    let raw = |name: &str| {
        message
            .headers_raw()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_lowercase())
    };
    if let Some(value) = raw("Auto-Submitted")
        && value != "no"
    {
        return Some(format!("Auto-Submitted: {value}"));
    }
    for name in ["X-Autoreply", "X-Autorespond"] {
        if raw(name).is_some() {
            return Some(format!("{name} is set"));
        }
    }
    if let Some(precedence) = raw("Precedence")
        && matches!(precedence.as_str(), "bulk" | "junk" | "list" | "auto_reply")
    {
        return Some(format!("Precedence: {precedence}"));
    }
    if raw("Return-Path").is_some_and(|path| path == "<>") {
        return Some("an empty return path (a bounce)".to_owned());
    }
    let content_type = raw("Content-Type").unwrap_or_default();
    if content_type.starts_with("multipart/report") {
        return Some("a delivery report".to_owned());
    }
    let from = message
        .from()
        .and_then(|address| address.first())
        .and_then(|addr| addr.address())
        .unwrap_or_default()
        .to_lowercase();
    let local = from.split('@').next().unwrap_or_default();
    if matches!(local, "mailer-daemon" | "postmaster") {
        return Some(format!("sent by {from}"));
    }
    None
}

/// A field of a `multipart/form-data` body, as inbound-mail services post the raw mail (in
/// `email` or `body-mime`): the form is MIME itself, so it is read as such.
pub fn form_field(content_type: &str, body: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    use mail_parser::MimeHeaders;
    let mut wrapped = format!("Content-Type: {}\r\n\r\n", content_type.replace(['\r', '\n'], " ")).into_bytes();
    wrapped.extend_from_slice(body);
    let form = mail_parser::MessageParser::default().parse(&wrapped)?;
    form.parts
        .iter()
        .find(|part| {
            part.content_disposition()
                .and_then(|disposition| disposition.attribute("name"))
                .is_some_and(|name| names.contains(&name))
        })
        .map(|part| part.contents().to_vec())
}
