//! Business numbers: the phone numbers an organization texts from, and their providers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, GroupId, NumberId};

/// A business number. Its provider credentials are write-only: the API never returns them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Number {
    pub id: NumberId,
    /// E.164, such as +15551234567.
    pub phone_number: String,
    pub label: String,
    /// `twilio` or `simulator`.
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sid: Option<String>,
    /// Whether an auth token is stored (it is never shown).
    pub has_auth_token: bool,
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_assign_agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_assign_group_id: Option<GroupId>,
    /// Most messages this number sends per second (carriers' limit for its kind).
    pub send_rate_per_second: u32,
    /// Set aside for text relay: it forwards texts to agents' phones and takes their replies;
    /// it texts no customer and starts no conversation.
    #[serde(default)]
    pub relay: bool,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "phone_number": "+15557654321", "label": "Front desk", "provider": "twilio",
    "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "your-auth-token"
})))]
#[serde(deny_unknown_fields)]
pub struct CreateNumber {
    pub phone_number: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    /// `twilio` or `simulator`.
    pub provider: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub account_sid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub auth_token: Option<String>,
    /// 1 to 1000; 1 when absent (a US long code).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub send_rate_per_second: Option<u32>,
}

/// Changes to a number; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateNumber {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub account_sid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub auth_token: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub send_rate_per_second: Option<u32>,
    /// Who new conversations on this number go to (after keyword rules): an agent, a group
    /// (round robin when the group has it on), an agent within a group, or (both absent)
    /// nobody. Conversations already open keep their owner.
    #[serde(default)]
    pub auto_assign: Option<crate::conversations::Transfer>,
    /// Set the number aside for text relay (or give it back to conversations).
    #[serde(default)]
    pub relay: Option<bool>,
}
