//! Text relay's texts between a relay number and an agent's own phone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ConversationId;

/// One relay text, as the agent's phone (the phone simulator's handset) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelayText {
    pub id: String,
    /// True for a text the agent's phone sent; false for one sent to it.
    pub from_phone: bool,
    pub body: String,
    /// queued, sent or failed (to the phone); received, answered or refused (from it).
    pub status: String,
    /// The conversation it forwards or answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub created_at: DateTime<Utc>,
}
