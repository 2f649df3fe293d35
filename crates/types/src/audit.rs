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
