//! The signed-in agent, their teammates and groups, and managing them (owners and admins).

use gloo_net::http::Method;
use textdesk_types::agents::{Agent, CreateAgent, PasswordResetLink, UpdateAgent, UpdateProfile};
use textdesk_types::groups::{CreateGroup, Group, UpdateGroup};
use textdesk_types::{AgentId, GroupId};

use super::{ApiResult, Call, all_pages, fetch, fetch_empty};

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

/// Adds an agent (owners and admins; only owners add owners).
pub async fn create(request: &CreateAgent) -> ApiResult<Agent> {
    fetch(Call::new(Method::POST, "/agents").with_json(request)?).await
}

/// Changes an agent's role or details, or disables or enables them.
pub async fn update(id: &AgentId, changes: &UpdateAgent) -> ApiResult<Agent> {
    fetch(Call::new(Method::PATCH, &format!("/agents/{id}")).with_json(changes)?).await
}

/// A one-time password-reset link for the agent, good for a day.
pub async fn reset_link(id: &AgentId) -> ApiResult<PasswordResetLink> {
    fetch(Call::new(Method::POST, &format!("/agents/{id}/password-reset"))).await
}

pub async fn create_group(request: &CreateGroup) -> ApiResult<Group> {
    fetch(Call::new(Method::POST, "/groups").with_json(request)?).await
}

pub async fn update_group(id: &GroupId, changes: &UpdateGroup) -> ApiResult<Group> {
    fetch(Call::new(Method::PATCH, &format!("/groups/{id}")).with_json(changes)?).await
}

pub async fn delete_group(id: &GroupId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/groups/{id}"))).await
}

pub async fn add_member(group: &GroupId, agent: &AgentId) -> ApiResult<Group> {
    fetch(Call::new(Method::PUT, &format!("/groups/{group}/members/{agent}"))).await
}

pub async fn remove_member(group: &GroupId, agent: &AgentId) -> ApiResult<Group> {
    fetch(Call::new(Method::DELETE, &format!("/groups/{group}/members/{agent}"))).await
}

/// Sets the signed-in agent's avatar from an image file (PNG, JPEG, GIF or WebP, at most 1 MiB).
pub async fn upload_avatar(file: web_sys::File) -> ApiResult<Agent> {
    fetch(Call::new(Method::PUT, "/me/avatar").with_file(file)).await
}

pub async fn remove_avatar() -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, "/me/avatar")).await
}
