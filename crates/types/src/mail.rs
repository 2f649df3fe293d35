//! Mail Textdesk sends (notifications, password resets, answers to replies it refused, notices
//! to admins) as the Mail outbox shows it, and the requests around it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::wire_names;
use crate::{AgentId, ConversationId, MailId};

/// Why a mail was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// New texts or transfers in a conversation, as the agent's notification choices ask.
    Notification,
    /// A reset link asked for on the sign-in page.
    PasswordReset,
    /// Why a reply by email was not sent.
    ReplyRefused,
    /// A webhook endpoint was turned off after failing.
    WebhookDisabled,
}

/// Where a mail is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting for the worker (or for the SMTP server to come back).
    Queued,
    /// The SMTP server accepted it.
    Sent,
    /// No SMTP server is configured: the mail stays in the Mail outbox.
    Kept,
    /// The SMTP server refused it for good, or every attempt failed.
    Failed,
}

wire_names!(MailKind {
    Notification => "notification",
    PasswordReset => "password_reset",
    ReplyRefused => "reply_refused",
    WebhookDisabled => "webhook_disabled",
});
wire_names!(MailStatus { Queued => "queued", Sent => "sent", Kept => "kept", Failed => "failed" });

/// A mail as the Mail outbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailSummary {
    pub id: MailId,
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub status: MailStatus,
    pub created_at: DateTime<Utc>,
    /// Whether answering it reaches a conversation (a notification's reply address).
    pub answerable: bool,
}

/// A whole mail: what its reader's client shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mail {
    pub id: MailId,
    pub kind: MailKind,
    /// The agent it is for, when it is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    pub to: String,
    pub subject: String,
    /// The `Reply-To` address, when answering the mail is meant to reach a conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub text_body: String,
    pub html_body: String,
    pub status: MailStatus,
    /// The SMTP server's answer when it accepted the mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_response: Option<String>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
}

/// "Forgot password?": mail a reset link to this address if it has an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "sam@demo.textdesk.local"})))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
}

/// Answers a notification from the Mail outbox as its reader's mail client would: the text is
/// written above the quoted mail and arrives by the same route as any reply by email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"text": "Yes, we open at 9 tomorrow."})))]
#[serde(deny_unknown_fields)]
pub struct MailAnswer {
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub text: String,
}

/// What became of a reply by email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InboundMailOutcome {
    /// Sent to the contact as a text from the agent.
    Sent {
        conversation_id: ConversationId,
        message_id: crate::MessageId,
    },
    /// Not sent; the sender was mailed why.
    Refused { reason: String },
    /// An automatic answer (out of office, a bounce): dropped without a word, so two robots
    /// cannot loop.
    Ignored { reason: String },
}

/// The one-click link of a notification: turns off the choices that sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    /// The notification choices now off.
    pub turned_off: Vec<crate::agents::NotificationTopic>,
}
