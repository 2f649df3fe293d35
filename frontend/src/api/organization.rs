//! The signed-in agent's organization and its settings.

use gloo_net::http::Method;
use textdesk_types::organization::{Organization, UpdateOrganization};

use super::{ApiResult, Call, fetch};

pub async fn get() -> ApiResult<Organization> {
    fetch(Call::get("/organization")).await
}

/// Changes the organization's name and settings (owners and admins).
pub async fn update(changes: &UpdateOrganization) -> ApiResult<Organization> {
    fetch(Call::new(Method::PATCH, "/organization").with_json(changes)?).await
}
