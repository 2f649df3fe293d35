//! Contacts: the organization's customers, one per phone number. Each handler extracts the
//! request, calls one operation of `textdesk_app::contacts` and renders its answer.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::Deserialize;
use textdesk_app::contacts;
use textdesk_types::contacts::{Contact, CreateContact, UpdateContact};
use textdesk_types::conversations::Conversation;
use textdesk_types::page::PageQuery;
use textdesk_types::{ContactId, Page, ProblemDetails};

use crate::extract::{CurrentCaller, JsonBody};
use crate::{ApiError, AppState};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContactQuery {
    /// Part of a name (first, last, or "first last"), company, email or number; a number in
    /// any common format, such as `(202) 555-0123`, finds the contact with it (at most 200
    /// characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only the contacts with this label, exactly.
    #[param(max_length = 50)]
    pub label: Option<String>,
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The organization's contacts, optionally searched.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(ContactQuery),
    responses(
        (status = 200, description = "A page of contacts", body = Page<Contact>),
        (status = 422, description = "A search or label too long", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    me: CurrentCaller,
    query: web::Query<ContactQuery>,
) -> Result<web::Json<Page<Contact>>, ApiError> {
    let ContactQuery {
        q,
        label,
        limit,
        cursor,
    } = query.into_inner();
    let caller = me.caller();
    let page = state
        .run(move |app| contacts::list(app, &caller, q, label, PageQuery { limit, cursor }))
        .await?;
    Ok(web::Json(page))
}

/// Add a contact. The number is checked and stored in E.164 form.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    request_body = CreateContact,
    responses(
        (status = 201, description = "The contact", body = Contact),
        (status = 422, description = "Invalid fields, or the number already has a contact", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    me: CurrentCaller,
    body: JsonBody<CreateContact>,
) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    let contact = state.run(move |app| contacts::create(app, &caller, body.0)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/contacts/{}", contact.id)))
        .json(contact))
}

/// One contact.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/{id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ContactId>,
) -> Result<web::Json<Contact>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let contact = state.run(move |app| contacts::get(app, &caller, id)).await?;
    Ok(web::Json(contact))
}

/// Edit a contact's name, company, email, custom fields or labels.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    request_body = UpdateContact,
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/contacts/{id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ContactId>,
    body: JsonBody<UpdateContact>,
) -> Result<web::Json<Contact>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let contact = state.run(move |app| contacts::update(app, &caller, id, body.0)).await?;
    Ok(web::Json(contact))
}

/// Create or update the contact with this phone number, in any common format (URL-encoded:
/// `%2B12025550143`): the fields given are set, the others kept. For integrations that know
/// their customers by number (a CRM, a shop): no need to look the contact up first. Answers
/// 201 when the contact was created, 200 when it was updated.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("phone_number" = String, Path, description = "The contact's phone number, in any common format")),
    request_body = UpdateContact,
    responses(
        (status = 200, description = "The contact, updated", body = Contact),
        (status = 201, description = "The contact, created", body = Contact),
        (status = 422, description = "An invalid number or field", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/contacts/by-phone/{phone_number}")]
pub async fn upsert_contact(
    state: web::Data<AppState>,
    me: CurrentCaller,
    phone_number: web::Path<String>,
    body: JsonBody<UpdateContact>,
) -> Result<HttpResponse, ApiError> {
    let (caller, phone_number) = (me.caller(), phone_number.into_inner());
    let (contact, created) = state
        .run(move |app| contacts::upsert_by_phone(app, &caller, &phone_number, body.0))
        .await?;
    Ok(if created {
        HttpResponse::Created().json(contact)
    } else {
        HttpResponse::Ok().json(contact)
    })
}

/// A contact's whole thread: every conversation with them, oldest first, whichever number was used.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The thread's conversations", body = Vec<Conversation>),
        (status = 404, description = "No such contact in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contacts/{id}/thread")]
pub async fn get_thread(
    state: web::Data<AppState>,
    me: CurrentCaller,
    id: web::Path<ContactId>,
) -> Result<web::Json<Vec<Conversation>>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let thread = state.run(move |app| contacts::thread(app, &caller, id)).await?;
    Ok(web::Json(thread))
}
