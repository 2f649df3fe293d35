//! The change feed: compact patches in one total order per organization.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::messages::MessageStatus;
use crate::rfc3339::Moment;
use crate::{AgentId, ContactId, ContactImportId, ConversationId, MediaId, MessageId};

/// One change in the feed: where it is, what changed, and when.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// This change's place in the feed; asking with `after` set to it returns what follows.
    pub position: String,
    /// `kind` and `data`.
    #[serde(flatten)]
    pub change: Change,
    pub at: DateTime<Utc>,
}

/// Read by hand: a derived `flatten` (and an adjacently tagged enum read whole) goes through
/// serde's buffering of any value, code the browser app would download for this type alone.
/// `data` is read into [`AnyData`], so `kind` may come before or after it, as JSON allows.
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EventVisitor)
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Event;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a change-feed event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let (mut position, mut kind, mut data, mut at) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "position" => position = Some(map.next_value::<String>()?),
                "kind" => kind = Some(map.next_value::<String>()?),
                "data" => data = Some(map.next_value::<AnyData>()?),
                "at" => at = Some(map.next_value::<Moment>()?.0),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let kind = needed(kind, "kind")?;
        Ok(Event {
            position: needed(position, "position")?,
            change: needed(data, "data")?.into_change(&kind)?,
            at: needed(at, "at")?,
        })
    }
}

fn needed<T, E: de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

/// The wire names of the kinds, as `Change` is written.
const KINDS: &[&str] = &[
    "conversation.changed",
    "conversation.deleted",
    "message.added",
    "message.status_changed",
    "message.media_changed",
    "contact.changed",
    "contacts.imported",
    "read_state.changed",
];

/// Every field of any kind's `data`, read before the kind may be known.
#[derive(Deserialize)]
struct AnyData {
    conversation_id: Option<ConversationId>,
    number: Option<i64>,
    message_id: Option<MessageId>,
    status: Option<MessageStatus>,
    media_id: Option<MediaId>,
    contact_id: Option<ContactId>,
    agent_id: Option<AgentId>,
    unread: Option<bool>,
    #[serde(default)]
    all: bool,
    import_id: Option<ContactImportId>,
    created: Option<u32>,
}

impl AnyData {
    /// The change of `kind`, with the fields its data must have.
    fn into_change<E: de::Error>(self, kind: &str) -> Result<Change, E> {
        let conversation = |data: Self| -> Result<ConversationChange, E> {
            Ok(ConversationChange {
                conversation_id: needed(data.conversation_id, "conversation_id")?,
                number: needed(data.number, "number")?,
            })
        };
        Ok(match kind {
            "conversation.changed" => Change::ConversationChanged(conversation(self)?),
            "conversation.deleted" => Change::ConversationDeleted(conversation(self)?),
            "message.added" => Change::MessageAdded(MessageAdded {
                conversation_id: needed(self.conversation_id, "conversation_id")?,
                message_id: needed(self.message_id, "message_id")?,
            }),
            "message.status_changed" => Change::MessageStatusChanged(MessageStatusChange {
                conversation_id: needed(self.conversation_id, "conversation_id")?,
                message_id: needed(self.message_id, "message_id")?,
                status: needed(self.status, "status")?,
            }),
            "message.media_changed" => Change::MessageMediaChanged(MediaChange {
                message_id: needed(self.message_id, "message_id")?,
                media_id: needed(self.media_id, "media_id")?,
            }),
            "contact.changed" => Change::ContactChanged(ContactChange {
                contact_id: needed(self.contact_id, "contact_id")?,
            }),
            "contacts.imported" => Change::ContactsImported(ContactsImported {
                import_id: needed(self.import_id, "import_id")?,
                created: needed(self.created, "created")?,
            }),
            "read_state.changed" => Change::ReadStateChanged(ReadStateChange {
                agent_id: needed(self.agent_id, "agent_id")?,
                conversation_id: self.conversation_id,
                unread: needed(self.unread, "unread")?,
                all: self.all,
            }),
            other => return Err(E::unknown_variant(other, KINDS)),
        })
    }
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
    /// A contact import moved on: a batch of rows was imported, or it started or ended. The
    /// contacts it creates are announced here, one event per batch, not one each.
    #[serde(rename = "contacts.imported")]
    ContactsImported(ContactsImported),
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
    ContactsImported,
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
            Change::ContactsImported(_) => ChangeKind::ContactsImported,
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
            Change::MessageMediaChanged(_) | Change::ContactChanged(_) | Change::ContactsImported(_) => None,
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
pub struct ContactsImported {
    pub import_id: ContactImportId,
    /// Contacts the import created in this batch.
    pub created: u32,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A change of `kind`; the match makes each new kind bring its own.
    fn sample(kind: ChangeKind) -> Change {
        let conversation_id = ConversationId::new("01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69");
        let message_id = MessageId::new("01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a70");
        match kind {
            ChangeKind::ConversationChanged => Change::ConversationChanged(ConversationChange {
                conversation_id,
                number: 1003,
            }),
            ChangeKind::ConversationDeleted => Change::ConversationDeleted(ConversationChange {
                conversation_id,
                number: 1004,
            }),
            ChangeKind::MessageAdded => Change::MessageAdded(MessageAdded {
                conversation_id,
                message_id,
            }),
            ChangeKind::MessageStatusChanged => Change::MessageStatusChanged(MessageStatusChange {
                conversation_id,
                message_id,
                status: MessageStatus::Delivered,
            }),
            ChangeKind::MessageMediaChanged => Change::MessageMediaChanged(MediaChange {
                message_id,
                media_id: MediaId::new("m1"),
            }),
            ChangeKind::ContactChanged => Change::ContactChanged(ContactChange {
                contact_id: ContactId::new("k1"),
            }),
            ChangeKind::ContactsImported => Change::ContactsImported(ContactsImported {
                import_id: ContactImportId::new("i1"),
                created: 500,
            }),
            ChangeKind::ReadStateChanged => Change::ReadStateChanged(ReadStateChange {
                agent_id: AgentId::new("a1"),
                conversation_id: None,
                unread: false,
                all: true,
            }),
        }
    }

    /// Every kind (a new one goes here too, and in `KINDS`).
    const EVERY_KIND: [ChangeKind; 8] = [
        ChangeKind::ConversationChanged,
        ChangeKind::ConversationDeleted,
        ChangeKind::MessageAdded,
        ChangeKind::MessageStatusChanged,
        ChangeKind::MessageMediaChanged,
        ChangeKind::ContactChanged,
        ChangeKind::ContactsImported,
        ChangeKind::ReadStateChanged,
    ];

    fn event(change: Change) -> Event {
        Event {
            position: "17".to_owned(),
            change,
            at: DateTime::from_timestamp(1_772_946_000, 250_000_000).unwrap(),
        }
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        assert_eq!(KINDS.len(), EVERY_KIND.len());
        for kind in EVERY_KIND {
            let written = event(sample(kind));
            let json = serde_json::to_value(&written).unwrap();
            assert!(KINDS.contains(&json["kind"].as_str().unwrap()), "{json}");
            assert_eq!(serde_json::from_value::<Event>(json).unwrap(), written);
        }
    }

    #[test]
    fn reads_a_read_state_with_a_conversation() {
        let json = r#"{"position": "9", "kind": "read_state.changed", "at": "2026-03-08T05:00:00Z",
            "data": {"agent_id": "a1", "conversation_id": "c1", "unread": true}}"#;
        let read = serde_json::from_str::<Event>(json).unwrap();
        let expected = Change::ReadStateChanged(ReadStateChange {
            agent_id: AgentId::new("a1"),
            conversation_id: Some(ConversationId::new("c1")),
            unread: true,
            all: false,
        });
        assert_eq!(read.change, expected);
    }

    #[test]
    fn takes_the_fields_in_any_order_and_skips_unknown_ones() {
        let json = r#"{"at": "2026-03-08T05:00:00Z", "data": {"conversation_id": "c1", "message_id": "m1", "extra": [1]},
            "later": {"a": null}, "kind": "message.added", "position": "9"}"#;
        let read = serde_json::from_str::<Event>(json).unwrap();
        assert_eq!(read.position, "9");
        assert_eq!(
            read.change,
            Change::MessageAdded(MessageAdded {
                conversation_id: ConversationId::new("c1"),
                message_id: MessageId::new("m1"),
            })
        );
    }

    #[test]
    fn refuses_unknown_kinds_missing_fields_and_bad_moments() {
        let refused = |json: &str| serde_json::from_str::<Event>(json).err().map(|error| error.to_string());
        let at = r#""at": "2026-03-08T05:00:00Z""#;
        let unknown = refused(&format!(
            r#"{{"position": "9", "kind": "contact.deleted", "data": {{}}, {at}}}"#
        ));
        assert!(unknown.is_some_and(|error| error.contains("unknown variant `contact.deleted`")));
        let no_number = refused(&format!(
            r#"{{"position": "9", "kind": "conversation.changed", "data": {{"conversation_id": "c1"}}, {at}}}"#
        ));
        assert!(no_number.is_some_and(|error| error.contains("missing field `number`")));
        let no_data = refused(&format!(r#"{{"position": "9", "kind": "contact.changed", {at}}}"#));
        assert!(no_data.is_some_and(|error| error.contains("missing field `data`")));
        let bad_at =
            refused(r#"{"position": "9", "kind": "contact.changed", "data": {"contact_id": "k1"}, "at": "now"}"#);
        assert!(bad_at.is_some_and(|error| error.contains("RFC 3339")));
        let wrong_type = refused(&format!(
            r#"{{"position": "9", "kind": "read_state.changed", "data": {{"agent_id": "a1", "unread": "yes"}}, {at}}}"#
        ));
        assert!(wrong_type.is_some());
    }
}
