//! The signed-in agent, their teammates and groups.

use gloo_net::http::Method;
use textdesk_types::agents::{Agent, UpdateProfile};
use textdesk_types::groups::Group;

use super::{ApiResult, Call, all_pages, fetch};

pub async fn me() -> ApiResult<Agent> {
    fetch(Call::get("/me")).await
}

pub async fn update_me(changes: UpdateProfile) -> ApiResult<Agent> {
    fetch(Call::new(Method::PATCH, "/me").with_json(&changes)?).await
}

pub async fn list() -> ApiResult<Vec<Agent>> {
    all_pages("/agents").await
}

pub async fn groups() -> ApiResult<Vec<Group>> {
    all_pages("/groups").await
}
