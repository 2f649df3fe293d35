//! A contact's opt-out state and consent, changed by hand or recorded from elsewhere, and the
//! history of every change (seeds 000, 002, 003). Each handler extracts the request, calls one
//! operation of `textdesk_app::consent` and renders its answer.

use actix_web::{HttpRequest, get, post, web};
use textdesk_app::consent;
use textdesk_types::contacts::{ConsentAction, ConsentChange, Contact, RecordConsent};
use textdesk_types::{ContactId, ProblemDetails};

use crate::extract::{CurrentCaller, JsonBody, client_address};
use crate::{ApiError, AppState};

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
    me: CurrentCaller,
    id: web::Path<ContactId>,
    body: JsonBody<ConsentAction>,
) -> Result<web::Json<Contact>, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    let contact = state
        .run(move |app| consent::opt_out(app, &caller, id, body.0, address))
        .await?;
    Ok(web::Json(contact))
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
    me: CurrentCaller,
    id: web::Path<ContactId>,
    body: JsonBody<ConsentAction>,
) -> Result<web::Json<Contact>, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    let contact = state
        .run(move |app| consent::opt_in(app, &caller, id, body.0, address))
        .await?;
    Ok(web::Json(contact))
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
    me: CurrentCaller,
    id: web::Path<ContactId>,
    body: JsonBody<RecordConsent>,
) -> Result<web::Json<Contact>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let contact = state.run(move |app| consent::record(app, &caller, id, body.0)).await?;
    Ok(web::Json(contact))
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
    me: CurrentCaller,
    id: web::Path<ContactId>,
) -> Result<web::Json<Vec<ConsentChange>>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let history = state.run(move |app| consent::history(app, &caller, id)).await?;
    Ok(web::Json(history))
}
