//! Keyset pagination: a page of items and the opaque cursor of the next one.

use serde::{Deserialize, Serialize};

/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 200;

/// One page of a list. `next_cursor` is absent on the last page; pass it back as `cursor` to
/// read the next one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// On the first page of the conversation list: where to start reading `/events` to keep
    /// what was loaded current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_cursor: Option<String>,
}

/// Query parameters of every list endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// How many items to return, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
