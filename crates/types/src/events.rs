//! The change feed: compact patches in one total order per organization.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change. `data` names what changed (ids) and, for statuses, the new value: fetch the
/// current state of what it names, or apply a message status only when it moves the message
/// forward (queued, sending, sent, then delivered, undelivered or failed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// This change's place in the feed; asking with `after` set to it returns what follows.
    pub position: String,
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
    /// Opaque; pass it back as `after`.
    pub cursor: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// The `cursor` of the last batch, or the `feed_cursor` of a fresh conversation list;
    /// `0` (or absent) for all retained changes.
    pub after: Option<String>,
    /// How long to wait for a change, 0 to 25 seconds (default 25).
    pub wait: Option<u32>,
}
