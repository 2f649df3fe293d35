//! A contact's opt-out state and consent, changed by hand or recorded from elsewhere, and the
//! history of every change (seeds 000, 002, 003).

use actix_web::{HttpRequest, get, post, web};
use textdesk_db::clock::Clock;
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::jobs::Lane;
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::{DbConnection, DbError, now};
use textdesk_domain::text::check_multiline;
use textdesk_types::contacts::{Consent, ConsentAction, ConsentChange, ConsentSource, Contact, RecordConsent};
use textdesk_types::messages::{MessagePurpose, SendLane};
use textdesk_types::{ContactId, ProblemDetails};

use super::Audit;
use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};
use textdesk_app::compliance::{self, SystemText};
use textdesk_app::conversations::choose_number;

const REASON_MAX_CHARS: usize = 500;

fn contact_error(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::NotFound("contact"),
        other => other.into(),
    }
}

/// A reason or source as given: trimmed, empty means none.
fn parse_note(field: &str, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let text = raw.map(str::trim).filter(|text| !text.is_empty());
    if let Some(text) = text {
        check_multiline(text).map_err(|invalid| ApiError::field(field, invalid.code, invalid.message))?;
    }
    match text {
        Some(text) if text.chars().count() > REASON_MAX_CHARS => Err(ApiError::field(
            field,
            "too_long",
            format!("must be at most {REASON_MAX_CHARS} characters long"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

fn find_contact(conn: &mut DbConnection, me: &CurrentAgent, id: &ContactId) -> Result<ContactRow, ApiError> {
    contacts::find(conn, &me.organization_id, id).map_err(contact_error)
}

async fn change_opt_out(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: ContactId,
    reason: Option<String>,
    opting_out: bool,
) -> Result<web::Json<Contact>, ApiError> {
    let address = client_address(&request, &state);
    let contact = state
        .write(move |conn| {
            let contact = find_contact(conn, &me, &id)?;
            let by = ChangedBy::agent(ConsentSource::Agent, me.id.as_str(), reason.as_deref());
            let changed = if opting_out {
                consent::opt_out(conn, &contact, &by, now())?
            } else {
                consent::opt_in(conn, &contact, &by, now())?
            };
            if changed {
                let action = if opting_out {
                    "contact.opted_out"
                } else {
                    "contact.opted_in"
                };
                let detail = serde_json::json!({ "reason": reason });
                Audit::by(&me, &address).record(conn, action, "contact", &contact.id, detail)?;
            }
            Ok(find_contact(conn, &me, &id)?.into_wire()?)
        })
        .await?;
    Ok(web::Json(contact))
}

/// Opt a contact out by hand, on every number of the organization (for a request by phone or
/// in person). Nothing can be sent to them until they opt back in.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    request_body = ConsentAction,
    responses(
        (status = 200, description = "The contact, opted out", body = Contact),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/opt-out")]
pub async fn opt_out(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<ContactId>,
    body: JsonBody<ConsentAction>,
) -> Result<web::Json<Contact>, ApiError> {
    let reason = parse_note("reason", body.0.reason.as_deref())?;
    change_opt_out(state, request, me, id.into_inner(), reason, true).await
}

/// Opt a contact back in by hand, such as after they asked by text when keywords do not opt
/// in by themselves.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    request_body = ConsentAction,
    responses(
        (status = 200, description = "The contact, opted in", body = Contact),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/opt-in")]
pub async fn opt_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<ContactId>,
    body: JsonBody<ConsentAction>,
) -> Result<web::Json<Contact>, ApiError> {
    let reason = parse_note("reason", body.0.reason.as_deref())?;
    change_opt_out(state, request, me, id.into_inner(), reason, false).await
}

/// Record consent collected elsewhere. In double opt-in mode, `pending` sends the
/// organization's confirmation request, and nothing else can be sent until the contact
/// replies YES.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    request_body = RecordConsent,
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "No number can send the confirmation request", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/consent")]
pub async fn record_consent(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactId>,
    body: JsonBody<RecordConsent>,
) -> Result<web::Json<Contact>, ApiError> {
    let RecordConsent { consent, source } = body.0;
    if consent == Consent::None {
        return Err(ApiError::field(
            "consent",
            "invalid_consent",
            "must be yes, pending or no",
        ));
    }
    let source = parse_note("source", Some(&source))?
        .ok_or_else(|| ApiError::field("source", "required", "say where the consent was collected"))?;
    let id = id.into_inner();
    let clock = state.app.clock.clone();
    let contact = state
        .write(move |conn| {
            let contact = find_contact(conn, &me, &id)?;
            let by = ChangedBy::agent(ConsentSource::Api, me.id.as_str(), Some(&source));
            let changed = consent::set_consent(conn, &contact, consent, &by, now())?;
            let organization = organizations::find(conn, &me.organization_id)?;
            if changed && consent == Consent::Pending && organization.double_opt_in && !contact.opted_out {
                request_confirmation(conn, &clock, &me, &organization, &contact)?;
            }
            Ok(find_contact(conn, &me, &id)?.into_wire()?)
        })
        .await?;
    Ok(web::Json(contact))
}

/// Sends the double opt-in request through the number last used with the contact; it is an
/// automated text, so it waits for quiet hours to end.
fn request_confirmation(
    conn: &mut DbConnection,
    clock: &Clock,
    me: &CurrentAgent,
    organization: &OrganizationRow,
    contact: &ContactRow,
) -> Result<(), ApiError> {
    let number = choose_number(conn, &me.caller(), None, contact)?;
    let number_id = number.number_id();
    let held = compliance::hold_until(
        clock,
        organization,
        (contact, &number.phone_number),
        SendLane::Automated,
    )?;
    compliance::queue_system_text(
        conn,
        SystemText {
            organization: &me.organization_id,
            contact,
            number: (&number_id, &number.phone_number),
            body: &organization.double_opt_in_text,
            purpose: MessagePurpose::DoubleOptInRequest,
            lane: Lane::Automated,
            scheduled_at: held,
        },
    )?;
    Ok(())
}

/// Every change of the contact's opt-out state and consent, oldest first: who (the contact by
/// keyword, an agent, an API client, the provider), when and why.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The history", body = Vec<ConsentChange>),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/{id}/consent-history")]
pub async fn consent_history(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactId>,
) -> Result<web::Json<Vec<ConsentChange>>, ApiError> {
    let id = id.into_inner();
    let history = state
        .read(move |conn| {
            find_contact(conn, &me, &id)?;
            consent::history(conn, &me.organization_id, &id)?
                .into_iter()
                .map(|row| Ok(row.into_wire()?))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(web::Json(history))
}
