//! The change feed.

use textdesk_types::events::EventBatch;

use super::conversations::ListFilter;
use super::{ApiResult, Call, fetch};

/// Changes after `after`; the server holds the call up to 25 seconds while there are none.
pub async fn after(after: String) -> ApiResult<EventBatch> {
    fetch(
        Call::get("/events")
            .with_query("after", after)
            .with_query("wait", "25".to_owned()),
    )
    .await
}

/// Where to start following the feed so that nothing read afterwards is missed: the position
/// a fresh first page of conversations carries.
pub async fn position() -> ApiResult<String> {
    let page = super::conversations::list(ListFilter::default(), 1, None).await?;
    Ok(page.feed_cursor.unwrap_or_else(|| "0".to_owned()))
}
