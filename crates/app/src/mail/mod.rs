//! Mail: notifications of texts and transfers (batched per burst), password resets asked for
//! on the sign-in page, replies by email turned into texts, the Mail outbox, and notices to
//! admins. Mail is written to the database in the transaction that causes it; the worker hands
//! it to the SMTP server (`textdesk_providers::mail`), or keeps it for the Mail outbox.

pub mod compose;
pub mod inbound;
pub mod notifications;
pub mod outbox;
pub mod password_reset;

use chrono::NaiveDateTime;
use textdesk_db::mails::{self, MailRow, NewMail};
use textdesk_db::{DbConnection, DbError};
use textdesk_types::mail::MailKind;
use textdesk_types::{AgentId, ConversationId, OrganizationId};

use self::compose::Composed;

/// Where mail points and where replies come back.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The app's address, for links in mail (no trailing slash).
    pub public_url: String,
    /// The domain of reply addresses (`reply+<token>@…`) and of `Message-ID`s.
    pub reply_domain: String,
}

impl MailSettings {
    /// Settings whose reply domain is the public address's host.
    pub fn for_public_url(public_url: &str) -> MailSettings {
        let host = public_url
            .split("://")
            .nth(1)
            .unwrap_or(public_url)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        MailSettings {
            public_url: public_url.trim_end_matches('/').to_owned(),
            reply_domain: host.to_owned(),
        }
    }

    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    fn new_message_id(&self) -> String {
        format!("<{}@{}>", textdesk_db::ids::new_id::<String>(), self.reply_domain)
    }

    /// The made-up first message of a conversation's notifications to one agent, which each
    /// of them answers, so mail clients thread them.
    fn thread_root(&self, conversation: &ConversationId, agent: &AgentId) -> String {
        format!("<conversation.{conversation}.{agent}@{}>", self.reply_domain)
    }

    fn reply_address(&self, token: &str) -> String {
        format!("reply+{token}@{}", self.reply_domain)
    }
}

/// Who a mail goes to and what it is about, besides its words.
struct Envelope<'a> {
    organization: &'a OrganizationId,
    agent: Option<&'a AgentId>,
    kind: MailKind,
    to: &'a str,
}

/// Writes a mail with no reply address or threading, and queues it.
fn queue_plain(
    conn: &mut DbConnection,
    settings: &MailSettings,
    envelope: Envelope<'_>,
    composed: &Composed,
    at: NaiveDateTime,
) -> Result<MailRow, DbError> {
    mails::queue(
        conn,
        NewMail {
            organization: envelope.organization,
            agent: envelope.agent,
            kind: envelope.kind,
            to: envelope.to,
            subject: &composed.subject,
            text_body: &composed.text,
            html_body: &composed.html,
            message_id: settings.new_message_id(),
            thread_root: None,
            conversation: None,
            reply: None,
            unsubscribe: None,
            topics: &[],
        },
        at,
    )
}

/// Tells the organization's owners and admins that an endpoint was turned off after failing.
pub fn webhook_disabled(
    conn: &mut DbConnection,
    settings: &MailSettings,
    organization: &OrganizationId,
    (url, reason): (&str, &str),
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let composed = compose::webhook_disabled(url, reason, &settings.link("/settings?section=webhooks"));
    for admin in textdesk_db::agents::admins(conn, organization)? {
        let envelope = Envelope {
            organization,
            agent: Some(&admin.id),
            kind: MailKind::WebhookDisabled,
            to: &admin.email,
        };
        queue_plain(conn, settings, envelope, &composed, at)?;
    }
    Ok(())
}
