//! Presence: this tab has the Message Center open; who else has.

use gloo_net::http::Method;
use textdesk_types::ConversationId;
use textdesk_types::presence::{Heartbeat, OnlineAgent};

use super::{ApiResult, Call, fetch, fetch_empty};

/// This tab has the Message Center open, showing `conversation_id`.
pub async fn beat(tab_id: String, conversation_id: Option<ConversationId>) -> ApiResult<()> {
    let heartbeat = Heartbeat {
        tab_id,
        conversation_id,
    };
    fetch_empty(Call::new(Method::POST, "/presence").with_json(&heartbeat)?).await
}

pub async fn leave(tab_id: &str) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/presence/{tab_id}"))).await
}

pub async fn online() -> ApiResult<Vec<OnlineAgent>> {
    fetch(Call::get("/presence")).await
}
