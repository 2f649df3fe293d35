//! Keyword rules that assign new conversations by the words of their first text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, AssignmentRuleId, GroupId, NumberId};

/// When a new conversation's first text contains `pattern`, it goes to the rule's agent or
/// group (before the business number's own target). Rules are tried in `position` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentRule {
    pub id: AssignmentRuleId,
    /// A word or phrase, matched as whole words whatever the case; `*` stands for any
    /// letters ("refund*" matches "refunds").
    pub pattern: String,
    /// Only texts to this business number; every number when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_id: Option<NumberId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    pub position: i32,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
}

/// A new keyword rule; it goes after the existing ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"pattern": "refund*", "group_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"})))]
#[serde(deny_unknown_fields)]
pub struct CreateAssignmentRule {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub pattern: String,
    #[serde(default)]
    pub number_id: Option<NumberId>,
    /// An agent or a group (or both: the agent within the group).
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    #[serde(default)]
    pub group_id: Option<GroupId>,
}
