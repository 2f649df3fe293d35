//! Keyset pagination: page sizes, and the one codec for the opaque cursors every list returns
//! (a row's sort key, base64url-encoded so clients treat it as opaque).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use textdesk_types::Page;
use textdesk_types::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery};

use crate::{AppError, AppResult};

/// Joins the parts of a sort key into a cursor.
pub fn encode_cursor(parts: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(parts.join("|"))
}

/// The `count` parts of a cursor this API returned, or a 422 naming `field`.
pub fn decode_cursor(field: &str, cursor: &str, count: usize) -> AppResult<Vec<String>> {
    let invalid = || AppError::field(field, "invalid_cursor", "is not a cursor this API returned");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let parts: Vec<String> = text.splitn(count, '|').map(str::to_owned).collect();
    let well_formed = parts.len() == count && parts.iter().all(|part| is_key_part(part));
    if well_formed { Ok(parts) } else { Err(invalid()) }
}

/// A cursor that is one row's id (a UUID).
pub fn decode_id_cursor(field: &str, cursor: &str) -> AppResult<String> {
    let invalid = || AppError::field(field, "invalid_cursor", "is not a cursor this API returned");
    let id = decode_cursor(field, cursor, 1)?.pop().ok_or_else(invalid)?;
    let looks_like_id = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if looks_like_id { Ok(id) } else { Err(invalid()) }
}

/// Ids (UUIDv7) and numbers only: whatever else a forged cursor carries never reaches a query.
fn is_key_part(part: &str) -> bool {
    !part.is_empty() && part.len() <= 64 && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The page size asked for, within the allowed bounds.
pub fn parse_limit(limit: Option<u32>) -> AppResult<i64> {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if (1..=MAX_PAGE_SIZE).contains(&limit) {
        Ok(i64::from(limit))
    } else {
        Err(AppError::field(
            "limit",
            "out_of_range",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ))
    }
}

/// A page of rows ordered by id.
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    pub fn parse(query: &PageQuery) -> AppResult<Self> {
        let after = match query.cursor.as_deref() {
            Some(cursor) => Some(decode_id_cursor("cursor", cursor)?),
            None => None,
        };
        Ok(Self {
            limit: parse_limit(query.limit)?,
            after,
        })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the extra row off and makes the cursor of the next page.
    pub fn page<T>(&self, items: Vec<T>, key: impl Fn(&T) -> &str) -> Page<T> {
        let (items, next_cursor) = cut_page(items, self.limit, |last| encode_cursor(&[key(last)]));
        Page {
            items,
            next_cursor,
            feed_cursor: None,
        }
    }
}

/// Cuts a fetch of `limit + 1` rows to `limit`, with the next page's cursor when more follow.
pub fn cut_page<T>(mut items: Vec<T>, limit: i64, cursor: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > limit;
    items.truncate(limit);
    let next = items.last().filter(|_| more).map(cursor);
    (items, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let cursor = encode_cursor(&["1700000000000000", "0190a0b0-0000-7000-8000-000000000001"]);
        let parts = decode_cursor("cursor", &cursor, 2).ok();
        assert_eq!(parts.as_ref().map(|parts| parts[0].as_str()), Some("1700000000000000"));
        for forged in ["%%%", "", &encode_cursor(&["a'; drop"]), &encode_cursor(&["only-one"])] {
            assert!(decode_cursor("cursor", forged, 2).is_err(), "{forged}");
        }
    }
}
