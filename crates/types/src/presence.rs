//! Presence: who has the Message Center open right now.

use serde::{Deserialize, Serialize};

use crate::{AgentId, ConversationId};

/// A browser tab with the Message Center open says so every 20 seconds or so; the agent stays
/// online while one of their tabs has said so within the last 45 seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"tab_id": "b9f2c1d0"})))]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Any token the tab chose for itself, the same on each heartbeat (1 to 64 letters,
    /// digits, `-` or `_`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub tab_id: String,
    /// The conversation the tab shows, if any: its agent gets no mail about it meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
}

/// An agent with the Message Center open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlineAgent {
    pub agent_id: AgentId,
    pub name: String,
    pub email: String,
}
