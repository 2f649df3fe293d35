//! Provider webhooks: inbound messages and delivery reports. Nothing is stored before the
//! delivery's signature checks out with the credentials of the number it claims to be for.

use actix_web::{HttpRequest, HttpResponse, post, web};
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contacts;
use textdesk_db::messages::{self, DeliveryChanges};
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::{DbConnection, DbError, events};
use textdesk_providers::{
    DeliveryStatus, ProviderKind, StatusUpdate, WebhookEndpoint, WebhookEvent, WebhookRequest, provider_for,
};
use textdesk_types::{ContactId, NumberId, OrganizationId, ProblemDetails};

use crate::extract::{JSON_LIMIT, read_limited};
use crate::webhook_batches::{ReceivedWebhook, verify_signature};
use crate::{ApiError, AppState};

/// Twilio's error code for a recipient who replied STOP.
const OPTED_OUT_CODE: &str = "21610";

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
        (status = 403, description = "Missing or wrong signature", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such provider, endpoint, number or message", body = ProblemDetails, content_type = "application/problem+json"),
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
    let stored = move || HttpResponse::Ok().content_type(reply.content_type).body(reply.body);
    let update = match event {
        WebhookEvent::Inbound(message) => {
            let received = ReceivedWebhook::new(provider, (url, headers, body), message);
            state.inbound.store(received).await?;
            return Ok(stored());
        }
        WebhookEvent::Status(update) => update,
    };
    let number = number_for(&state, &update).await?;
    verify_signature(
        &state.secrets,
        provider.as_ref(),
        &webhook,
        &update.account_sid,
        &number,
    )?;
    let update = std::sync::Arc::new(update);
    for _ in 0..STORE_ATTEMPTS {
        let update = update.clone();
        match state.write(move |conn| store_status(conn, &update)).await {
            Ok(()) => return Ok(stored()),
            // A status report racing another write of its message is simply written again.
            Err(ApiError::Conflict { .. }) => continue,
            Err(error) => return Err(error),
        }
    }
    // Not stored: a non-2xx answer makes the provider deliver it again later.
    Err(ApiError::Busy("The webhook kept conflicting with concurrent writes."))
}

/// Attempts at storing one status report before asking the provider to send it again.
const STORE_ATTEMPTS: usize = 3;

/// The business number a reported message went out through.
async fn number_for(state: &web::Data<AppState>, update: &StatusUpdate) -> Result<NumberRow, ApiError> {
    let (account, message_id) = (update.account_sid.clone(), update.provider_message_id.clone());
    state
        .read(move |conn| {
            let message =
                messages::find_by_provider_id(conn, &account, &message_id)?.ok_or(ApiError::NotFound("message"))?;
            let organization = OrganizationId::new(message.organization_id.clone());
            let number_id = message.number_id.ok_or(ApiError::NotFound("number"))?;
            numbers::find(conn, &organization, &NumberId::new(number_id)).map_err(|e| match e {
                DbError::NotFound => ApiError::NotFound("number"),
                other => other.into(),
            })
        })
        .await
}

fn store_status(conn: &mut DbConnection, update: &StatusUpdate) -> Result<(), ApiError> {
    let message = messages::find_by_provider_id(conn, &update.account_sid, &update.provider_message_id)?
        .ok_or(ApiError::NotFound("message"))?;
    let organization = OrganizationId::new(message.organization_id.clone());
    let current = DeliveryStatus::parse(&message.status);
    // Reports arrive out of order: a late "sent" never replaces "delivered" or a failure.
    if !current.is_some_and(|current| current.advances_to(update.status)) {
        return Ok(());
    }
    let now = textdesk_db::now();
    let failed = matches!(update.status, DeliveryStatus::Failed | DeliveryStatus::Undelivered);
    let changes = DeliveryChanges {
        status: Some(update.status.as_str().to_owned()),
        error_code: failed.then(|| update.error_code.clone()),
        error_message: failed.then(|| update.error_message.clone()),
        delivered_at: (update.status == DeliveryStatus::Delivered).then_some(Some(now)),
        ..Default::default()
    };
    let updated = messages::update_delivery(conn, &message.id, &changes)?;
    if failed && update.error_code.as_deref() == Some(OPTED_OUT_CODE) {
        let contact = contacts::find(conn, &organization, &ContactId::new(message.contact_id.clone()))?;
        let by = ChangedBy::provider("The provider reported error 21610: the recipient replied STOP.");
        consent::opt_out(conn, &contact, &by, now)?;
    }
    let change = serde_json::json!({
        "conversation_id": updated.conversation_id, "message_id": updated.id, "status": updated.status,
    });
    events::append(conn, &organization, "message.status_changed", &change)?;
    Ok(())
}
