//! Conversations: the numbered episodes of a contact's thread.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::{Direction, Message};
use crate::{AgentId, ContactId, ConversationId, GroupId, NumberId};

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

/// Who wrote a conversation's newest text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Replier {
    Contact,
    /// An agent (or an integration acting for the team).
    Agent,
    /// Textdesk by itself: an auto-reply.
    Automation,
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
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub last_message_at: DateTime<Utc>,
    pub last_message_preview: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_direction: Option<Direction>,
    /// Unread for the agent asking: the contact wrote since they last read it and nobody on the
    /// team has answered or closed it since, or they marked it unread themselves.
    pub unread: bool,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub opened_at: DateTime<Utc>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<AgentId>,
    /// The business number the conversation is with (the number of its newest text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_id: Option<NumberId>,
    /// The owning agent, if any (within `owner_group_id` when both are set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_agent_id: Option<AgentId>,
    /// The owning group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_group_id: Option<GroupId>,
    /// Handed to a round-robin group while none of its members was online; the first member
    /// to come online gets it.
    #[serde(default)]
    pub awaiting_agent: bool,
    /// Who wrote the newest text (notes and system entries aside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_replied_by: Option<Replier>,
    /// The newest outbound text was sent by Textdesk by itself (the gear flag).
    #[serde(default)]
    pub auto_replied: bool,
    /// When the contact's oldest unanswered text came in.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub waiting_since: Option<DateTime<Utc>>,
    /// Unanswered longer than the organization's waiting-for-reply threshold (the red flag).
    #[serde(default)]
    pub waiting: bool,
    /// Flagged for follow-up; closing clears it.
    #[serde(default)]
    pub follow_up: bool,
    /// When the organization's consent text went to this contact (queued, then sent before any
    /// other text); absent when it never did or could not be delivered.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
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

/// Who should own a conversation: an agent, a group, an agent within a group, or (both
/// absent) nobody.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"group_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"})))]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// An enabled agent of the organization.
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    /// A group of the organization; with `agent_id`, one the agent belongs to.
    #[serde(default)]
    pub group_id: Option<GroupId>,
}

/// Changes to a conversation's flags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"follow_up": true})))]
#[serde(deny_unknown_fields)]
pub struct UpdateConversation {
    #[serde(default)]
    pub follow_up: Option<bool>,
}

/// What to do to many conversations at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkAction {
    /// Close the open ones.
    Close,
    /// Give them to an owner (both absent: to nobody).
    Assign {
        #[serde(default)]
        agent_id: Option<AgentId>,
        #[serde(default)]
        group_id: Option<GroupId>,
    },
    /// Mark them read for you.
    MarkRead,
}

/// Conversations chosen one by one, or every conversation of a view (optionally of one
/// business number), and what to do to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"conversation_ids": ["01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"], "operation": {"action": "close"}})))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// Up to 500 conversations; or give `view`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub conversation_ids: Vec<ConversationId>,
    /// Every conversation of this view (up to 10,000), as its list shows them now.
    #[serde(default)]
    pub view: Option<String>,
    /// With `view`: only this business number's conversations.
    #[serde(default)]
    pub number_id: Option<NumberId>,
    pub operation: BulkAction,
}

/// How many conversations a bulk operation changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    /// Conversations changed; those the operation did not apply to (already closed, already
    /// so owned) are not counted.
    pub changed: u32,
}
