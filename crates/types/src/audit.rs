//! The append-only audit log of security-relevant actions.

use serde::{Deserialize, Serialize};

use crate::{AgentId, AuditEntryId};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: AuditEntryId,
    /// Who acted; absent for the system and for anonymous attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<AgentId>,
    /// What happened, such as `login.succeeded` or `agent.role_changed`.
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    /// Details that depend on the action.
    pub detail: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address: Option<String>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
}

/// Which audit entries to read: a page, narrowed by who acted, what they did and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// How many entries to return, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only what this agent did (or an API key they created did).
    pub actor_id: Option<AgentId>,
    /// Only this action (`agent.role_changed`), or, ending in a dot, this family of actions
    /// (`webhook.`).
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub action: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
}
