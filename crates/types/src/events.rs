//! The change feed: compact patches in one total order per organization.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change. Apply `data` by `kind`; `seq` orders all changes of the organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub seq: i64,
    /// `conversation.changed`, `message.added`, `message.status_changed`, `contact.changed` or
    /// `read_state.changed`.
    pub kind: String,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// Changes after a cursor, and the cursor to ask with next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventBatch {
    pub events: Vec<Event>,
    pub cursor: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// The `cursor` of the last batch; 0 (or absent) for all retained changes.
    pub after: Option<i64>,
    /// How long to wait for a change, 0 to 25 seconds (default 25).
    pub wait: Option<u32>,
}
