//! API keys: how CRMs, e-commerce systems and scripts call the API for an organization. A key
//! is shown once when created and stored only hashed; it carries scopes, which bound what it
//! may do, and stops working the moment it is revoked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, ApiKeyId};

/// Every key starts with this, so a key pasted in the wrong place is recognised (secret
/// scanners included).
pub const API_KEY_PREFIX: &str = "tdk_";

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApiScope {
    /// Add notes to conversations.
    #[serde(rename = "notes:write")]
    NotesWrite,
    /// Read and search contacts, their custom fields, labels and consent history.
    #[serde(rename = "contacts:read")]
    ContactsRead,
    /// Create and change contacts, record consent, opt contacts out and in.
    #[serde(rename = "contacts:write")]
    ContactsWrite,
    /// Read conversations, their messages and the change feed.
    #[serde(rename = "conversations:read")]
    ConversationsRead,
    /// Send texts and start conversations.
    #[serde(rename = "messages:send")]
    MessagesSend,
    /// Register and change outbound webhooks.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl ApiScope {
    pub const ALL: [ApiScope; 6] = [
        ApiScope::NotesWrite,
        ApiScope::ContactsRead,
        ApiScope::ContactsWrite,
        ApiScope::ConversationsRead,
        ApiScope::MessagesSend,
        ApiScope::WebhooksManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::NotesWrite => "notes:write",
            ApiScope::ContactsRead => "contacts:read",
            ApiScope::ContactsWrite => "contacts:write",
            ApiScope::ConversationsRead => "conversations:read",
            ApiScope::MessagesSend => "messages:send",
            ApiScope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn parse(raw: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|scope| scope.as_str() == raw)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b", "label": "Shopify", "prefix": "tdk_q3Xv",
    "scopes": ["notes:write", "contacts:write"], "requests_per_minute": 600,
    "created_by": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a00",
    "created_at": "2026-12-05T09:30:00Z", "last_used_at": "2026-12-05T10:02:11Z"
})))]
pub struct ApiKey {
    pub id: ApiKeyId,
    /// Who uses it, such as "Shopify": shown wherever the key acted ("via Shopify").
    pub label: String,
    /// The key's first characters, to tell keys apart; the rest is never shown again.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_by: AgentId,
    pub created_at: DateTime<Utc>,
    /// To the minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Requests the key may make a minute, across every server; more get 429 `rate_limited`
    /// with `Retry-After`.
    pub requests_per_minute: u32,
}

/// A new key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"label": "Shopify", "scopes": ["notes:write", "contacts:write"]})))]
pub struct CreateApiKey {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    /// At least one.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<ApiScope>,
    /// Requests the key may make a minute, 1 to 6,000 (600 when not given).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 6000))]
    pub requests_per_minute: Option<u32>,
}

/// A key just created, with its secret: the only time the secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub key: ApiKey,
    /// Send it as `Authorization: Bearer <secret>`. Store it now: it cannot be shown again.
    pub secret: String,
}
