//! Groups of agents, which own conversations together.

use serde::{Deserialize, Serialize};

use crate::{AgentId, GroupId};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub member_ids: Vec<AgentId>,
    /// New conversations given to the group go to one of its online members in turn.
    pub round_robin: bool,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Front desk", "member_ids": []})))]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub member_ids: Vec<AgentId>,
    #[serde(default)]
    pub round_robin: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Reception", "round_robin": true})))]
#[serde(deny_unknown_fields)]
pub struct UpdateGroup {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    #[serde(default)]
    pub round_robin: Option<bool>,
}
