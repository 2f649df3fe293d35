//! The change feed: compact patches in one total order per organization.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::MessageStatus;
use crate::{AgentId, ContactId, ConversationId, MediaId, MessageId};

/// One change in the feed: where it is, what changed, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// This change's place in the feed; asking with `after` set to it returns what follows.
    pub position: String,
    /// `kind` and `data`.
    #[serde(flatten)]
    pub change: Change,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub at: DateTime<Utc>,
}

/// What changed: `kind` names it, `data` names what changed (ids) and, for statuses, the new
/// value. Fetch the current state of what it names, or apply a message status only when it
/// moves the message forward (queued, sending, sent, then delivered, undelivered or failed).
/// These kinds are also the public names of outbound webhook events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "data")]
pub enum Change {
    /// A conversation opened, closed, or has new activity.
    #[serde(rename = "conversation.changed")]
    ConversationChanged(ConversationChange),
    /// A conversation was deleted with its messages.
    #[serde(rename = "conversation.deleted")]
    ConversationDeleted(ConversationChange),
    /// A message or note was added to a conversation.
    #[serde(rename = "message.added")]
    MessageAdded(MessageAdded),
    /// An outbound message moved on (sent, delivered, failed), or was queued again.
    #[serde(rename = "message.status_changed")]
    MessageStatusChanged(MessageStatusChange),
    /// A message's media was fetched, or could not be.
    #[serde(rename = "message.media_changed")]
    MessageMediaChanged(MediaChange),
    /// A contact was created or changed (name, consent, opt-out).
    #[serde(rename = "contact.changed")]
    ContactChanged(ContactChange),
    /// The receiving agent's own read state changed (only they receive it).
    #[serde(rename = "read_state.changed")]
    ReadStateChanged(ReadStateChange),
}

/// The kind of a [`Change`] without its data: what a page of the browser app follows, and
/// later what an outbound webhook subscribes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    ConversationChanged,
    ConversationDeleted,
    MessageAdded,
    MessageStatusChanged,
    MessageMediaChanged,
    ContactChanged,
    ReadStateChanged,
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::ConversationChanged(_) => ChangeKind::ConversationChanged,
            Change::ConversationDeleted(_) => ChangeKind::ConversationDeleted,
            Change::MessageAdded(_) => ChangeKind::MessageAdded,
            Change::MessageStatusChanged(_) => ChangeKind::MessageStatusChanged,
            Change::MessageMediaChanged(_) => ChangeKind::MessageMediaChanged,
            Change::ContactChanged(_) => ChangeKind::ContactChanged,
            Change::ReadStateChanged(_) => ChangeKind::ReadStateChanged,
        }
    }

    /// The conversation the change is about, if it is about one.
    pub fn conversation_id(&self) -> Option<&ConversationId> {
        match self {
            Change::ConversationChanged(change) | Change::ConversationDeleted(change) => Some(&change.conversation_id),
            Change::MessageAdded(change) => Some(&change.conversation_id),
            Change::MessageStatusChanged(change) => Some(&change.conversation_id),
            Change::ReadStateChanged(change) => change.conversation_id.as_ref(),
            Change::MessageMediaChanged(_) | Change::ContactChanged(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationChange {
    pub conversation_id: ConversationId,
    /// The conversation's number, as agents see it (#1003).
    pub number: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageAdded {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageStatusChange {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub status: MessageStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaChange {
    pub message_id: MessageId,
    pub media_id: MediaId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactChange {
    pub contact_id: ContactId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadStateChange {
    pub agent_id: AgentId,
    /// The conversation marked read or unread; absent when many were marked read at once
    /// (`all` says whether it was everything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub unread: bool,
    /// Everything was marked read at once.
    #[serde(default)]
    pub all: bool,
}

/// Changes after a cursor, and the cursor to ask with next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventBatch {
    pub events: Vec<Event>,
    /// Opaque; pass it back as `after`.
    pub cursor: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// The `cursor` of the last batch, or the `feed_cursor` of a fresh conversation list;
    /// `0` (or absent) for all retained changes.
    pub after: Option<String>,
    /// How long to wait for a change, 0 to 25 seconds (default 25).
    #[cfg_attr(feature = "openapi", param(maximum = 25))]
    pub wait: Option<u32>,
}
