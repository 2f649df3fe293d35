//! Outbound webhooks: addresses an organization registers to be told of its events as they
//! happen (a text received, a conversation closed, a contact opted out), signed as the
//! Standard Webhooks specification says so receivers can verify them with its libraries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, WebhookDeliveryId, WebhookEndpointId};

/// Every endpoint's signing secret starts with this (Standard Webhooks' convention); the rest
/// is the key, base64-encoded.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// What an endpoint can be told of. Each delivery's body is
/// `{"type": "<event type>", "timestamp": "<RFC 3339>", "data": {...}}`: `data` is the
/// message, conversation or contact as the API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEventType {
    /// A contact texted in (`data`: the message).
    #[serde(rename = "message.received")]
    MessageReceived,
    /// An outbound text was handed to the provider, which accepted it (`data`: the message;
    /// its later statuses come as `message.status_changed`).
    #[serde(rename = "message.sent")]
    MessageSent,
    /// An outbound text moved on: sent, delivered, undelivered or failed (`data`: the message).
    #[serde(rename = "message.status_changed")]
    MessageStatusChanged,
    /// A note was added, by an agent or an integration (`data`: the note).
    #[serde(rename = "note.added")]
    NoteAdded,
    /// A conversation was opened (`data`: the conversation).
    #[serde(rename = "conversation.opened")]
    ConversationOpened,
    /// A conversation was closed (`data`: the conversation).
    #[serde(rename = "conversation.closed")]
    ConversationClosed,
    /// A conversation's owner changed: claimed, transferred or assigned by a rule (`data`: the
    /// conversation).
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    /// A contact was created (`data`: the contact).
    #[serde(rename = "contact.created")]
    ContactCreated,
    /// A contact's details changed (`data`: the contact).
    #[serde(rename = "contact.changed")]
    ContactChanged,
    /// A contact opted out, by keyword or by an agent (`data`: the contact).
    #[serde(rename = "contact.opted_out")]
    ContactOptedOut,
    /// A contact opted back in (`data`: the contact).
    #[serde(rename = "contact.opted_in")]
    ContactOptedIn,
}

impl WebhookEventType {
    pub const ALL: [WebhookEventType; 11] = [
        WebhookEventType::MessageReceived,
        WebhookEventType::MessageSent,
        WebhookEventType::MessageStatusChanged,
        WebhookEventType::NoteAdded,
        WebhookEventType::ConversationOpened,
        WebhookEventType::ConversationClosed,
        WebhookEventType::ConversationAssigned,
        WebhookEventType::ContactCreated,
        WebhookEventType::ContactChanged,
        WebhookEventType::ContactOptedOut,
        WebhookEventType::ContactOptedIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEventType::MessageReceived => "message.received",
            WebhookEventType::MessageSent => "message.sent",
            WebhookEventType::MessageStatusChanged => "message.status_changed",
            WebhookEventType::NoteAdded => "note.added",
            WebhookEventType::ConversationOpened => "conversation.opened",
            WebhookEventType::ConversationClosed => "conversation.closed",
            WebhookEventType::ConversationAssigned => "conversation.assigned",
            WebhookEventType::ContactCreated => "contact.created",
            WebhookEventType::ContactChanged => "contact.changed",
            WebhookEventType::ContactOptedOut => "contact.opted_out",
            WebhookEventType::ContactOptedIn => "contact.opted_in",
        }
    }

    pub fn parse(raw: &str) -> Option<WebhookEventType> {
        WebhookEventType::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a60", "url": "https://crm.example.com/hooks/textdesk",
    "description": "CRM", "event_types": ["message.received", "conversation.closed"],
    "enabled": true, "created_by": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a00",
    "created_at": "2026-12-05T09:30:00Z", "updated_at": "2026-12-05T09:30:00Z"
})))]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    /// Where deliveries are POSTed.
    pub url: String,
    pub description: String,
    pub event_types: Vec<WebhookEventType>,
    /// Off when an admin turned it off, or when it kept failing (`disabled_reason` says which).
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Who turned it off: an admin, or Textdesk after a day of failed deliveries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_by: Option<DisabledBy>,
    /// Until then deliveries are also signed with the secret replaced by the last rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_by: AgentId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who turned an endpoint off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisabledBy {
    Admin,
    /// Every delivery failed for over a day; turning it on again sends what waited.
    Failures,
}

impl DisabledBy {
    pub fn as_str(self) -> &'static str {
        match self {
            DisabledBy::Admin => "admin",
            DisabledBy::Failures => "failures",
        }
    }

    pub fn parse(raw: &str) -> Option<DisabledBy> {
        [DisabledBy::Admin, DisabledBy::Failures]
            .into_iter()
            .find(|by| by.as_str() == raw)
    }
}

/// A new endpoint. Its URL must reach a public address (`http` or `https`), unless the
/// server's operator allowed private ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpoint {
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 2000, example = "https://crm.example.com/hooks/textdesk")
    )]
    pub url: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub event_types: Vec<WebhookEventType>,
}

/// Changes to an endpoint; absent fields stay. Turning a disabled endpoint back on sends the
/// deliveries still pending when it went off; events while it is off are not kept for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpoint {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub event_types: Option<Vec<WebhookEventType>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A new endpoint, or a rotated secret, with the signing secret: shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointWithSecret {
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it.
    pub secret: String,
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (or for an earlier delivery about the same conversation).
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; an admin may send it again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw)
    }
}

/// One try at a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    pub attempt: u32,
    pub at: DateTime<Utc>,
    /// The endpoint's HTTP status; absent when it could not be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// Why the attempt failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub latency_ms: u32,
}

/// An event's delivery to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    /// The event's id, sent as `webhook-id`: the same on every attempt and redelivery, so a
    /// receiver can drop repeats.
    pub event_id: String,
    pub event_type: WebhookEventType,
    pub status: DeliveryStatus,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The latest attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<DeliveryAttempt>,
}

/// A delivery with every attempt and the body sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryDetail {
    pub delivery: WebhookDelivery,
    pub attempts: Vec<DeliveryAttempt>,
    /// The body as it is sent.
    pub body: serde_json::Value,
}
