//! Presence: this tab has the Message Center open; who else has.

use gloo_net::http::Method;
use textdesk_types::presence::{Heartbeat, OnlineAgent};

use super::{ApiResult, Call, fetch, fetch_empty};

pub async fn beat(tab_id: String) -> ApiResult<()> {
    fetch_empty(Call::new(Method::POST, "/presence").with_json(&Heartbeat { tab_id })?).await
}

pub async fn leave(tab_id: &str) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/presence/{tab_id}"))).await
}

pub async fn online() -> ApiResult<Vec<OnlineAgent>> {
    fetch(Call::get("/presence")).await
}
