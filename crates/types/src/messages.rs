//! Messages: what contacts send, what agents and automations send, notes and system entries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::sms::Encoding;
use crate::{ConversationId, MediaId, MessageId, NumberId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    Note,
    System,
}

// The rule that statuses only move forward is `MessageStatus::advances_to` (delivery.rs); a
// doc comment here would change the OpenAPI document.
/// Where a message is on its way. Outbound messages move forward only:
/// queued → sending → sent → delivered, or to undelivered or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Queued,
    Sending,
    Sent,
    Delivered,
    Undelivered,
    Failed,
    Received,
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    Agent,
    ApiClient,
    System,
    Contact,
}

macro_rules! wire_names {
    ($type:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $type {
            pub fn as_str(self) -> &'static str {
                match self { $($type::$variant => $name),* }
            }

            pub fn parse(raw: &str) -> Option<$type> {
                match raw { $($name => Some($type::$variant),)* _ => None }
            }
        }
    };
}

pub(crate) use wire_names;

/// Why a message exists. Anything but `normal` is a compliance text Textdesk sent by itself:
/// kept for the audit trail, left out of the thread view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum MessagePurpose {
    Normal,
    OptOutConfirmation,
    OptInConfirmation,
    HelpReply,
    ConsentRequest,
    DoubleOptInRequest,
}

/// How urgent an outbound message is: agents' replies go first and are never held; automated
/// and bulk messages wait for the contact's daytime (quiet hours). The job queue serves lanes in
/// the order of their numbers, which are stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SendLane {
    #[default]
    Conversational = 0,
    Automated = 1,
    Bulk = 2,
}

wire_names!(MessagePurpose {
    Normal => "normal", OptOutConfirmation => "opt_out_confirmation", OptInConfirmation => "opt_in_confirmation",
    HelpReply => "help_reply", ConsentRequest => "consent_request", DoubleOptInRequest => "double_opt_in_request",
});
wire_names!(Direction { Inbound => "inbound", Outbound => "outbound", Note => "note", System => "system" });
wire_names!(MessageStatus {
    Queued => "queued", Sending => "sending", Sent => "sent", Delivered => "delivered",
    Undelivered => "undelivered", Failed => "failed", Received => "received",
});
wire_names!(AuthorKind { Agent => "agent", ApiClient => "api_client", System => "system", Contact => "contact" });

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    pub kind: AuthorKind,
    /// The agent's or API key's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For an API key, its label when it wrote the message ("Shopify").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    pub body: String,
    /// E.164 of the sender (a contact or a business number); empty for notes.
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_id: Option<NumberId>,
    pub author: Author,
    /// Where a note came from, as the integration that added it named it ("Voicemail
    /// transcription").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    pub segments: u32,
    pub encoding: Encoding,
    /// MMS media, in the order they were sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<MediaAttachment>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub delivered_at: Option<DateTime<Utc>>,
    pub purpose: MessagePurpose,
    /// When a message held for quiet hours goes out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::option"
    )]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Things worth knowing about a message just sent (a large MMS), in the send answer only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Where a media file is: inbound media waits to be fetched from the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum MediaStatus {
    Pending,
    Stored,
    Failed,
}

wire_names!(MediaStatus { Pending => "pending", Stored => "stored", Failed => "failed" });

/// One media file of an MMS message; its bytes are at `url`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaAttachment {
    pub id: MediaId,
    pub content_type: String,
    pub size_bytes: u64,
    pub status: MediaStatus,
    /// Why the media could not be fetched or stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `/api/v1/media/{id}`, with the bearer token.
    pub url: String,
}

/// A reply in a conversation. Without `from_number_id` it goes out through the number last
/// used with the contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "Your crown is ready; see you Tuesday at 10."})))]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// May be empty when media are attached.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub body: String,
    #[serde(default)]
    pub from_number_id: Option<NumberId>,
    /// Uploaded media (`POST /api/v1/media`) to send as MMS.
    #[serde(default)]
    pub media_ids: Vec<MediaId>,
    /// `conversational` (the default) is never held; `automated` and `bulk` wait for quiet
    /// hours to end in the contact's time zone.
    #[serde(default)]
    pub lane: SendLane,
}

/// A message to a phone number: the contact, thread and conversation are created as needed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"to": "+15552013344", "body": "Hi Joe, it's Harbor Dental."})))]
#[serde(deny_unknown_fields)]
pub struct SendToPhone {
    pub to: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub body: String,
    #[serde(default)]
    pub from_number_id: Option<NumberId>,
    #[serde(default)]
    pub media_ids: Vec<MediaId>,
    #[serde(default)]
    pub lane: SendLane,
}

/// An internal note: visible to agents only, never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddNote {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: String,
    /// Where the note comes from, shown with it ("Voicemail transcription", "Shopify").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub source: Option<String>,
}

/// A note an integration pushes to a contact's conversation: to the one given by
/// `conversation_id` or `conversation_number`, or to the current conversation (the open one,
/// else the latest) of the contact given by `contact_id` or `phone_number`. Exactly one of the
/// four.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"phone_number": "+12025550143", "body": "Voicemail: please call me back about my order.", "source": "Voicemail transcription"})))]
#[serde(deny_unknown_fields)]
pub struct PushNote {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub source: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// The conversation's number as agents see it (#1003).
    #[serde(default)]
    pub conversation_number: Option<i64>,
    #[serde(default)]
    pub contact_id: Option<crate::ContactId>,
    /// The contact's number, in any common format.
    #[serde(default)]
    pub phone_number: Option<String>,
}

/// A text to count as the carrier will, before sending it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "Your order is ready for pickup 📦", "with_media": false})))]
#[serde(deny_unknown_fields)]
pub struct CountSegments {
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub body: String,
    /// Whether media go with the text (MMS): the organization's MMS text-only limit then applies.
    #[serde(default)]
    pub with_media: bool,
}

/// How a text would travel, and whether the organization's length rules let it go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentReport {
    pub encoding: Encoding,
    /// Segments the carrier bills; 0 for an empty text.
    pub segments: u32,
    /// Septets (GSM-7) or UTF-16 units (UCS-2) the text takes.
    pub units: u32,
    /// Characters still free in the last segment before another one starts.
    pub remaining: u32,
    /// Whether sending it would be accepted.
    pub allowed: bool,
    /// Why not, in words an agent can act on.
    pub refusal: Option<String>,
}

/// A text from a simulated handset to one of the organization's simulator numbers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"from": "+12025550143", "number_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69", "body": "Do you have anything on Friday?"})))]
#[serde(deny_unknown_fields)]
pub struct SimulatedText {
    /// The customer's phone number.
    pub from: String,
    /// The simulator number to text.
    pub number_id: NumberId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1600))]
    pub body: String,
}
