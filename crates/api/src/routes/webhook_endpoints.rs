//! Outbound webhooks (owners and admins, or a key with `webhooks:manage`): endpoints, their
//! signing secrets, and their delivery logs.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use textdesk_app::webhooks::endpoints;
use textdesk_types::page::PageQuery;
use textdesk_types::webhooks::{
    CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint,
    WebhookEndpointWithSecret,
};
use textdesk_types::{Page, ProblemDetails, WebhookDeliveryId, WebhookEndpointId};

use crate::extract::{CurrentCaller, JsonBody, client_address};
use crate::{ApiError, AppState};

/// Your organization's webhook endpoints, oldest first.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoints", body = Vec<WebhookEndpoint>),
        (status = 403, description = "Only owners, admins and keys with webhooks:manage", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/webhook-endpoints")]
pub async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    me: CurrentCaller,
) -> Result<web::Json<Vec<WebhookEndpoint>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(state.run(move |app| endpoints::list(app, &caller)).await?))
}

/// Register an endpoint with the event types it takes. Every delivery is a POST of
/// `{"type", "timestamp", "data"}` with the Standard Webhooks headers `webhook-id` (the
/// event's id, the same on every retry), `webhook-timestamp` (Unix seconds) and
/// `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the
/// secret after `whsec_`, base64-decoded; during a secret rotation, two space-separated
/// signatures). The answer holds the secret, shown this once. A 2xx answer within 15 seconds
/// is a success; anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h;
/// one conversation's (or contact's) events arrive in order. An endpoint that fails every
/// delivery for that long is turned off. The URL must reach a public address. A key needs, besides
/// `webhooks:manage`, the read scope of the data its events carry (`contacts:read` for
/// `contact.*`, `conversations:read` for the rest).
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    request_body = CreateWebhookEndpoint,
    responses(
        (status = 201, description = "The endpoint, with its signing secret", body = WebhookEndpointWithSecret),
        (status = 403, description = "Only owners, admins and keys with webhooks:manage", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A URL that is not http(s), cannot be resolved or reaches a private address (invalid_url, unresolvable_host, private_address), or no event type", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhook-endpoints")]
pub async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentCaller,
    body: JsonBody<CreateWebhookEndpoint>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let (secrets, policy) = (state.secrets.clone(), state.webhook_addresses);
    let created = state
        .run(move |app| endpoints::create(app, &caller, body.0, &secrets, policy, &address))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// One endpoint.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint", body = WebhookEndpoint))
)]
#[get("/webhook-endpoints/{id}")]
pub async fn get_webhook_endpoint(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<WebhookEndpointId>,
) -> Result<web::Json<WebhookEndpoint>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    Ok(web::Json(
        state.run(move |app| endpoints::get(app, &caller, &id)).await?,
    ))
}

/// Change an endpoint: its URL, description, event types, or whether it is on. Turning it on
/// again sends, in order, the deliveries that were still pending when it went off; events that
/// happen while it is off are not kept for it.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    request_body = UpdateWebhookEndpoint,
    responses((status = 200, description = "The endpoint as changed", body = WebhookEndpoint))
)]
#[patch("/webhook-endpoints/{id}")]
pub async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentCaller,
    id: web::Path<WebhookEndpointId>,
    body: JsonBody<UpdateWebhookEndpoint>,
) -> Result<web::Json<WebhookEndpoint>, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    let policy = state.webhook_addresses;
    Ok(web::Json(
        state
            .run(move |app| endpoints::update(app, &caller, &id, body.0, policy, &address))
            .await?,
    ))
}

/// Delete an endpoint with its delivery log; nothing more is sent to it.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhook-endpoints/{id}")]
pub async fn delete_webhook_endpoint(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentCaller,
    id: web::Path<WebhookEndpointId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    state
        .run(move |app| endpoints::delete(app, &caller, &id, &address))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret, shown this once. For 24 hours deliveries carry a signature with the
/// old secret too, so the receiver can switch over without missing any.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint, with its new secret", body = WebhookEndpointWithSecret))
)]
#[post("/webhook-endpoints/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentCaller,
    id: web::Path<WebhookEndpointId>,
) -> Result<web::Json<WebhookEndpointWithSecret>, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    let secrets = state.secrets.clone();
    Ok(web::Json(
        state
            .run(move |app| endpoints::rotate_secret(app, &caller, &id, &secrets, &address))
            .await?,
    ))
}

/// The endpoint's deliveries, newest first, each with its latest attempt (status, latency).
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id"), PageQuery),
    responses((status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>))
)]
#[get("/webhook-endpoints/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<WebhookEndpointId>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<WebhookDelivery>>, ApiError> {
    let (caller, id, query) = (me.caller(), id.into_inner(), query.into_inner());
    Ok(web::Json(
        state
            .run(move |app| endpoints::deliveries(app, &caller, &id, &query))
            .await?,
    ))
}

/// One delivery with every attempt and the body sent.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The delivery's id"),
    ),
    responses((status = 200, description = "The delivery", body = WebhookDeliveryDetail))
)]
#[get("/webhook-endpoints/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    state: web::Data<AppState>,
    me: CurrentCaller,
    path: web::Path<(WebhookEndpointId, WebhookDeliveryId)>,
) -> Result<web::Json<WebhookDeliveryDetail>, ApiError> {
    let (caller, (endpoint, id)) = (me.caller(), path.into_inner());
    Ok(web::Json(
        state
            .run(move |app| endpoints::delivery(app, &caller, &endpoint, &id))
            .await?,
    ))
}

/// Send a delivered or failed delivery again, with the same `webhook-id`.
#[utoipa::path(
    tag = "outbound-webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, description = "Queued to be sent again", body = WebhookDelivery),
        (status = 409, description = "Still being tried (delivery_pending), or the endpoint is off (endpoint_disabled)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentCaller,
    path: web::Path<(WebhookEndpointId, WebhookDeliveryId)>,
) -> Result<HttpResponse, ApiError> {
    let (caller, (endpoint, id), address) = (me.caller(), path.into_inner(), client_address(&request, &state));
    let delivery = state
        .run(move |app| endpoints::redeliver(app, &caller, &endpoint, &id, &address))
        .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
