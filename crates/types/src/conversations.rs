//! Conversations: the numbered episodes of a contact's thread.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::{Direction, Message};
use crate::{AgentId, ContactId, ConversationId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<ConversationStatus> {
        match raw {
            "open" => Some(ConversationStatus::Open),
            "closed" => Some(ConversationStatus::Closed),
            _ => None,
        }
    }
}

/// A row of the conversation list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: ConversationId,
    /// The short number people read and type ("Conversation ID#").
    pub number: i64,
    pub status: ConversationStatus,
    pub contact_id: ContactId,
    pub contact_name: String,
    pub contact_phone_number: String,
    pub last_message_at: DateTime<Utc>,
    pub last_message_preview: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_direction: Option<Direction>,
    /// Unread for the agent asking.
    pub unread: bool,
    pub opened_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<AgentId>,
    /// When the organization's consent text went to this contact (queued, then sent before any
    /// other text); absent when it never did or could not be delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_message_sent_at: Option<DateTime<Utc>>,
}

/// A conversation with one page of its messages, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationDetail {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    /// Pass as `before` to read older messages; absent at the first message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_cursor: Option<String>,
    /// Pass as `after` to read newer messages; absent at the newest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_cursor: Option<String>,
}

/// Which messages of a conversation to read: the newest page by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MessageWindow {
    /// 1 to 200 messages (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Messages older than this cursor.
    pub before: Option<String>,
    /// Messages newer than this cursor.
    pub after: Option<String>,
    /// A message id (a search result's `message_id`): the window with this message in its
    /// middle. Not with `before` or `after`.
    pub around: Option<String>,
    /// Also show compliance texts Textdesk sent by itself (opt-out confirmations, help
    /// replies, consent requests), for the audit trail.
    #[serde(default)]
    pub include_hidden: bool,
}

/// Start a conversation with a phone number or a saved contact, from a chosen number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"to": "+15552013344", "from_number_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69", "body": "Hello!"})))]
#[serde(deny_unknown_fields)]
pub struct StartConversation {
    /// A phone number; or give `contact_id`.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    pub from_number_id: crate::NumberId,
    /// A first message to send, if any.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: Option<String>,
}
