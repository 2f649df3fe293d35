//! The organization's outbound webhooks (owners and admins): endpoints, their secrets and their
//! delivery logs.

use gloo_net::http::Method;
use serde::Deserialize;
use textdesk_types::webhooks::{
    CreateWebhookEndpoint, DisabledBy, UpdateWebhookEndpoint, WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint,
    WebhookEndpointWithSecret,
};
use textdesk_types::{Page, WebhookDeliveryId, WebhookEndpointId};

use super::{ApiResult, Call, fetch, fetch_empty};

/// Deliveries a page of the log shows.
const LOG_PAGE: u32 = 20;

pub async fn list() -> ApiResult<Vec<WebhookEndpoint>> {
    fetch(Call::get("/webhook-endpoints")).await
}

/// Of an endpoint, only who turned it off: what the frame needs, decoded without the rest, so
/// the first load does not carry the whole endpoint's decoder.
#[derive(Deserialize)]
struct TurnedOff {
    #[serde(default)]
    disabled_by: Option<DisabledBy>,
}

/// Whether Textdesk turned an endpoint off after a day of failures.
pub async fn any_failing() -> ApiResult<bool> {
    let endpoints: Vec<TurnedOff> = fetch(Call::get("/webhook-endpoints")).await?;
    Ok(endpoints
        .iter()
        .any(|endpoint| endpoint.disabled_by == Some(DisabledBy::Failures)))
}

/// Registers an endpoint; the answer holds its signing secret, which is never shown again.
pub async fn create(request: &CreateWebhookEndpoint) -> ApiResult<WebhookEndpointWithSecret> {
    fetch(Call::new(Method::POST, "/webhook-endpoints").with_json(request)?).await
}

pub async fn update(id: &WebhookEndpointId, request: &UpdateWebhookEndpoint) -> ApiResult<WebhookEndpoint> {
    fetch(Call::new(Method::PATCH, &format!("/webhook-endpoints/{id}")).with_json(request)?).await
}

pub async fn delete(id: &WebhookEndpointId) -> ApiResult<()> {
    fetch_empty(Call::new(Method::DELETE, &format!("/webhook-endpoints/{id}"))).await
}

pub async fn rotate_secret(id: &WebhookEndpointId) -> ApiResult<WebhookEndpointWithSecret> {
    fetch(Call::new(
        Method::POST,
        &format!("/webhook-endpoints/{id}/rotate-secret"),
    ))
    .await
}

/// A page of the endpoint's deliveries, newest first.
pub async fn deliveries(id: &WebhookEndpointId, cursor: Option<String>) -> ApiResult<Page<WebhookDelivery>> {
    let mut call = Call::get(&format!("/webhook-endpoints/{id}/deliveries")).with_query("limit", LOG_PAGE.to_string());
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

pub async fn delivery(id: &WebhookEndpointId, delivery: &WebhookDeliveryId) -> ApiResult<WebhookDeliveryDetail> {
    fetch(Call::get(&format!("/webhook-endpoints/{id}/deliveries/{delivery}"))).await
}

pub async fn redeliver(id: &WebhookEndpointId, delivery: &WebhookDeliveryId) -> ApiResult<WebhookDelivery> {
    let path = format!("/webhook-endpoints/{id}/deliveries/{delivery}/redeliver");
    fetch(Call::new(Method::POST, &path)).await
}
