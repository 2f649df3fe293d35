//! Provider webhooks: inbound messages and delivery reports. Nothing is stored before the
//! delivery's signature checks out with the credentials of the number it claims to be for.

use actix_web::{HttpRequest, HttpResponse, post, web};
use textdesk_app::inbound::batches::ReceivedWebhook;
use textdesk_app::inbound::statuses;
use textdesk_providers::{ProviderKind, WebhookEndpoint, WebhookEvent, WebhookRequest, provider_for};
use textdesk_types::ProblemDetails;

use crate::extract::{JSON_LIMIT, read_limited};
use crate::state::run_blocking;
use crate::{ApiError, AppState};

/// Receive a provider's webhook: `messages` for inbound texts, `status` for delivery reports.
///
/// Signed by the provider (Twilio: `X-Twilio-Signature`); an unsigned or wrongly signed
/// delivery is refused with 403 and nothing is stored. A delivery seen before is answered as
/// a success and stored once.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("provider" = String, Path, description = "`twilio`"),
        ("endpoint" = String, Path, description = "`messages` or `status`"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The provider's fields, such as Twilio's MessageSid, From, To, Body"),
    responses(
        (status = 200, description = "Stored; the provider's expected answer (empty TwiML)", content_type = "text/xml", body = String),
        (status = 400, description = "Not a delivery this endpoint understands", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong signature, or a number or message this server does not have (answered alike)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such provider or endpoint", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Not stored now (busy, or the database is unreachable); the provider delivers it again", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{provider}/{endpoint}")]
pub async fn receive_webhook(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (provider, endpoint) = path.into_inner();
    let kind = ProviderKind::parse(&provider).ok_or(ApiError::NotFound("webhook"))?;
    let endpoint = WebhookEndpoint::parse(&endpoint).ok_or(ApiError::NotFound("webhook"))?;
    let body = read_limited(&request, payload.into_inner(), JSON_LIMIT).await?.to_vec();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(request.path(), |pq| pq.as_str())
        .to_owned();
    let url = format!("{}{path_and_query}", state.public_url);
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let provider = provider_for(kind, &state.http);
    let webhook = WebhookRequest {
        url: &url,
        headers: &headers,
        body: &body,
    };
    let event = provider
        .parse_webhook(endpoint, &webhook)
        .map_err(|e| ApiError::BadRequest {
            code: "invalid_webhook",
            detail: e.to_string(),
        })?;
    let reply = provider.webhook_reply();
    match event {
        WebhookEvent::Inbound(message) => {
            let received = ReceivedWebhook::new(provider, (url, headers, body), message);
            state.inbound.store(received).await?;
        }
        WebhookEvent::Status(update) => {
            let (db, secrets) = (state.db.clone(), state.secrets.clone());
            run_blocking(move || {
                let webhook = WebhookRequest {
                    url: &url,
                    headers: &headers,
                    body: &body,
                };
                statuses::record(&db, &secrets, provider.as_ref(), &webhook, &update)
            })
            .await?;
        }
    }
    Ok(HttpResponse::Ok().content_type(reply.content_type).body(reply.body))
}
