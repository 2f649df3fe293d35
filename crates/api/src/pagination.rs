//! Keyset pagination over UUIDv7 ids: the cursor is the last id of the page, encoded so
//! clients treat it as opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use textdesk_types::Page;
use textdesk_types::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery};

use crate::ApiError;

pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    pub fn parse(query: &PageQuery) -> Result<Self, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(ApiError::field(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(Self {
            limit: i64::from(limit),
            after,
        })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the extra row off and makes the cursor of the next page.
    pub fn page<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> &str) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more {
            items.last().map(|last| encode_cursor(key(last)))
        } else {
            None
        };
        Page {
            items,
            next_cursor,
            feed_cursor: None,
        }
    }
}

fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::field("cursor", "invalid_cursor", "is not a cursor this API returned");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let id = String::from_utf8(bytes).map_err(|_| invalid())?;
    let looks_like_id = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if looks_like_id { Ok(id) } else { Err(invalid()) }
}
