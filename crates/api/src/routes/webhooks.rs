//! Provider webhooks: inbound messages and delivery reports. Nothing is stored before the
//! delivery's signature checks out with the credentials of the number it claims to be for.

use actix_web::{HttpRequest, HttpResponse, post, web};
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contacts;
use textdesk_db::jobs::{self, Lane};
use textdesk_db::messages::{self, DeliveryChanges};
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::organizations::OrganizationRow;
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, DbError, events, media, organizations};
use textdesk_domain::compliance::could_be_keyword;
use textdesk_domain::phone::PhoneNumber;
use textdesk_providers::{
    Credentials, DeliveryStatus, InboundMedia, InboundMessage, Provider, ProviderKind, StatusUpdate, WebhookEndpoint,
    WebhookEvent, WebhookRequest, provider_for,
};
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose};
use textdesk_types::{ContactId, NumberId, OrganizationId, ProblemDetails};

use crate::compliance;
use crate::extract::{JSON_LIMIT, read_limited};
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
    // Parsing and the signature check need no transaction: writers hold theirs only for
    // the writes.
    let event = provider
        .parse_webhook(endpoint, &webhook)
        .map_err(|e| ApiError::BadRequest {
            code: "invalid_webhook",
            detail: e.to_string(),
        })?;
    let number = number_for(&state, &event).await?;
    verify(&state, provider.as_ref(), &webhook, &event, &number)?;
    let delivery = std::sync::Arc::new(VerifiedDelivery { event, number });
    // Two first messages from one new customer can race to create the same contact or
    // conversation; the loser's transaction fails on a unique constraint and is simply run
    // again, and then finds what the winner created (or its own message, if it was a retry).
    for _ in 0..STORE_ATTEMPTS {
        let delivery = delivery.clone();
        let stored = state
            .write(move |conn| match &delivery.event {
                WebhookEvent::Inbound(message) => store_inbound(conn, &delivery.number, message),
                WebhookEvent::Status(update) => store_status(conn, update),
            })
            .await;
        match stored {
            Ok(()) => {
                let reply = provider.webhook_reply();
                return Ok(HttpResponse::Ok().content_type(reply.content_type).body(reply.body));
            }
            Err(ApiError::Conflict { .. }) => continue,
            Err(error) => return Err(error),
        }
    }
    // Not stored: a non-2xx answer makes the provider deliver it again later.
    Err(ApiError::Unavailable(
        "the webhook kept conflicting with concurrent writes".to_owned(),
    ))
}

/// Attempts at storing one delivery before asking the provider to send it again.
const STORE_ATTEMPTS: usize = 3;

/// A parsed delivery whose signature checked out with the credentials of `number`.
struct VerifiedDelivery {
    event: WebhookEvent,
    number: NumberRow,
}

/// The business number a delivery is for: the one texted, or the one a reported message
/// went out through.
async fn number_for(state: &web::Data<AppState>, event: &WebhookEvent) -> Result<NumberRow, ApiError> {
    let lookup = match event {
        WebhookEvent::Inbound(message) => NumberLookup::Phone(normalized(&message.to)),
        WebhookEvent::Status(update) => NumberLookup::SentMessage {
            account: update.account_sid.clone(),
            message_id: update.provider_message_id.clone(),
        },
    };
    state
        .read(move |conn| match lookup {
            NumberLookup::Phone(phone) => {
                numbers::find_by_phone_number(conn, &phone)?.ok_or(ApiError::NotFound("number"))
            }
            NumberLookup::SentMessage { account, message_id } => {
                let message =
                    messages::find_by_provider_id(conn, &account, &message_id)?.ok_or(ApiError::NotFound("message"))?;
                let organization = OrganizationId::new(message.organization_id.clone());
                let number_id = message.number_id.ok_or(ApiError::NotFound("number"))?;
                numbers::find(conn, &organization, &NumberId::new(number_id)).map_err(|e| match e {
                    DbError::NotFound => ApiError::NotFound("number"),
                    other => other.into(),
                })
            }
        })
        .await
}

enum NumberLookup {
    Phone(String),
    SentMessage { account: String, message_id: String },
}

/// Checks the signature with the number's own credentials before anything is stored.
fn verify(
    state: &AppState,
    provider: &dyn Provider,
    webhook: &WebhookRequest<'_>,
    event: &WebhookEvent,
    number: &NumberRow,
) -> Result<(), ApiError> {
    let token = number
        .auth_token_sealed
        .as_deref()
        .map(|sealed| state.secrets.open(sealed))
        .transpose()?;
    let credentials = Credentials::new(
        number.account_sid.clone().unwrap_or_default(),
        token.unwrap_or_default(),
    );
    let account_matches = number.account_sid.as_deref() == Some(event.account_sid());
    if account_matches && provider.verify_webhook(&credentials, webhook) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            code: "invalid_signature",
            detail: "The webhook's signature does not match this number's credentials.".to_owned(),
        })
    }
}

/// E.164 when the text is a phone number; short codes and alphanumeric senders are kept as sent.
fn normalized(raw: &str) -> String {
    PhoneNumber::parse(raw)
        .map(PhoneNumber::into_inner)
        .unwrap_or_else(|_| raw.to_owned())
}

fn store_inbound(conn: &mut DbConnection, number: &NumberRow, inbound: &InboundMessage) -> Result<(), ApiError> {
    if messages::find_by_provider_id(conn, &inbound.account_sid, &inbound.provider_message_id)?.is_some() {
        return Ok(());
    }
    let organization = OrganizationId::new(number.organization_id.clone());
    let (contact, _) = contacts::find_or_create(conn, &organization, &normalized(&inbound.from))?;
    let number_id = NumberId::new(number.id.clone());
    let recorded = threads::record(
        conn,
        NewThreadMessage {
            organization: &organization,
            contact: &contact,
            conversation: None,
            number: Some((&number_id, &number.phone_number)),
            direction: Direction::Inbound,
            body: &inbound.body,
            author_kind: AuthorKind::Contact,
            author_id: None,
            lane: Lane::Conversational,
            provider_ids: Some((&inbound.account_sid, &inbound.provider_message_id)),
            purpose: MessagePurpose::Normal,
            scheduled_at: None,
        },
    )?;
    tracing::debug!(media = inbound.media.len(), "inbound message stored");
    // Most texts are conversation: the organization's settings are read only when the text
    // could be a keyword or brings media, so the common inbound message costs no more reads.
    let keyword = could_be_keyword(&inbound.body);
    if !keyword && inbound.media.is_empty() {
        return Ok(());
    }
    let settings = organizations::find(conn, &organization)?;
    if !inbound.media.is_empty() {
        store_inbound_media(conn, &settings, &recorded.message.id, &inbound.media)?;
    }
    if keyword {
        let through = (&number_id, number.phone_number.as_str());
        compliance::handle_keyword(conn, &settings, &contact, through, &inbound.body)?;
    }
    Ok(())
}

fn store_inbound_media(
    conn: &mut DbConnection,
    settings: &OrganizationRow,
    message_id: &str,
    items: &[InboundMedia],
) -> Result<(), ApiError> {
    let organization = &OrganizationId::new(settings.id.clone());
    let mms_allowed = settings.inbound_mms_allowed;
    for item in items {
        // Switched off, media are not fetched (MMS costs more), and the message says so.
        let refused = (!mms_allowed).then_some("Inbound MMS is switched off for this organization.");
        let id = media::insert_inbound(conn, organization, message_id, &item.content_type, &item.url, refused)?;
        if refused.is_none() {
            jobs::enqueue(
                conn,
                Some(organization),
                "fetch_media",
                &serde_json::json!({ "media_id": id }),
                Lane::Conversational,
            )?;
        }
    }
    Ok(())
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
