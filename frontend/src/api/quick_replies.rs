//! Quick replies: saved texts for the composer.

use gloo_net::http::Method;
use textdesk_types::quick_replies::{CreateQuickReply, QuickReply};

use super::{ApiResult, Call, fetch};

/// The quick replies the agent sees (shared and their own), by title.
pub async fn list() -> ApiResult<Vec<QuickReply>> {
    fetch(Call::get("/quick-replies")).await
}

pub async fn create(reply: &CreateQuickReply) -> ApiResult<QuickReply> {
    fetch(Call::new(Method::POST, "/quick-replies").with_json(reply)?).await
}
