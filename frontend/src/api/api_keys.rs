//! The organization's API keys (owners and admins).

use gloo_net::http::Method;
use textdesk_types::ApiKeyId;
use textdesk_types::api_keys::{ApiKey, CreateApiKey, CreatedApiKey};

use super::{ApiResult, Call, fetch};

pub async fn list() -> ApiResult<Vec<ApiKey>> {
    fetch(Call::get("/api-keys")).await
}

/// Creates a key; the answer holds its secret, which is never shown again.
pub async fn create(request: &CreateApiKey) -> ApiResult<CreatedApiKey> {
    fetch(Call::new(Method::POST, "/api-keys").with_json(request)?).await
}

pub async fn revoke(id: ApiKeyId) -> ApiResult<ApiKey> {
    fetch(Call::new(Method::DELETE, &format!("/api-keys/{id}"))).await
}
