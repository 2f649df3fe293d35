//! Quick replies: saved texts an agent puts into the composer, their own or shared with the
//! organization. A quick reply may hold merge fields (`crate::merge`), merged when it is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, QuickReplyId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b", "title": "Closing", "shared": true,
    "body": "Thanks {{First Name}}! This conversation has ended, text us if you need anything else.",
    "created_by": "0199a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a00",
    "created_at": "2026-12-05T09:30:00Z", "updated_at": "2026-12-05T09:30:00Z"
})))]
pub struct QuickReply {
    pub id: QuickReplyId,
    pub title: String,
    pub body: String,
    /// Seen by every agent of the organization (only owners and admins change it), or only by
    /// the agent who saved it.
    pub shared: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<AgentId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new quick reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "Opening hours", "body": "We are open 9 to 5, {{First Name}}.", "shared": false})))]
#[serde(deny_unknown_fields)]
pub struct CreateQuickReply {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: String,
    /// Share it with every agent (owners and admins only), or keep it yours.
    #[serde(default)]
    pub shared: bool,
}

/// Changes to a quick reply; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateQuickReply {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: Option<String>,
}
