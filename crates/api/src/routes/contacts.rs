//! Contacts: the organization's customers, one per phone number.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use textdesk_db::contacts::{self, ContactChanges, NewContact, to_json_text};
use textdesk_db::{DbError, conversations, events};
use textdesk_domain::Invalid;
use textdesk_domain::accounts::EmailAddress;
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::quiet_hours::parse_time_zone;
use textdesk_domain::text::{Label, NAME_MAX, TITLE_MAX};
use textdesk_types::contacts::{Contact, CreateContact, UpdateContact};
use textdesk_types::conversations::Conversation;
use textdesk_types::page::PageQuery;
use textdesk_types::{ContactId, Page, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};
use textdesk_app::pagination::PageRequest;
use textdesk_app::validation::{Validator, checked};

const CUSTOM_FIELDS_MAX: usize = 50;
const LABELS_MAX: usize = 50;

fn contact_error(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::NotFound("contact"),
        conflict if conflict.is_conflict_on("phone_number") => ApiError::field(
            "phone_number",
            "contact_exists",
            "a contact with this number already exists",
        ),
        other => other.into(),
    }
}

/// Names may be empty (a number nobody has named yet), but not overlong or multi-line.
fn optional_text(raw: &str, max: usize) -> Result<String, Invalid> {
    if raw.trim().is_empty() {
        Ok(String::new())
    } else {
        Label::parse(raw, max).map(Label::into_inner)
    }
}

fn parse_email(raw: &str) -> Result<Option<String>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        EmailAddress::parse(raw).map(|email| Some(email.into_inner()))
    }
}

fn parse_custom_fields(raw: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, Invalid> {
    if raw.len() > CUSTOM_FIELDS_MAX {
        return Err(Invalid::new("too_many", format!("at most {CUSTOM_FIELDS_MAX} fields")));
    }
    raw.into_iter()
        .map(|(name, value)| {
            let name =
                Label::parse(&name, 50).map_err(|e| Invalid::new(e.code, format!("field name: {}", e.message)))?;
            let value = optional_text(&value, 500)?;
            Ok((name.into_inner(), value))
        })
        .collect()
}

fn parse_labels(raw: Vec<String>) -> Result<Vec<String>, Invalid> {
    if raw.len() > LABELS_MAX {
        return Err(Invalid::new("too_many", format!("at most {LABELS_MAX} labels")));
    }
    let mut labels: Vec<String> = Vec::new();
    for label in raw {
        let label = Label::parse(&label, 50)?.into_inner();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    Ok(labels)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContactQuery {
    /// Part of a name, company or number.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The organization's contacts, optionally searched.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(ContactQuery),
    responses((status = 200, description = "A page of contacts", body = Page<Contact>))
)]
#[get("/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<ContactQuery>,
) -> Result<web::Json<Page<Contact>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(&PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    })?;
    let (after, fetch, search) = (page.after.clone(), page.fetch(), query.q);
    let rows = state
        .read(move |conn| {
            Ok(contacts::list(
                conn,
                &me.organization_id,
                search.as_deref(),
                after.as_deref(),
                fetch,
            )?)
        })
        .await?;
    let contacts = rows
        .into_iter()
        .map(|row| row.into_wire())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(page.page(contacts, |contact| contact.id.as_str())))
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
    me: CurrentAgent,
    body: JsonBody<CreateContact>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let mut v = Validator::new();
    let phone = v.check("phone_number", PhoneNumber::parse(&new.phone_number));
    let first = v.check_optional("first_name", new.first_name, |raw| optional_text(&raw, NAME_MAX));
    let last = v.check_optional("last_name", new.last_name, |raw| optional_text(&raw, NAME_MAX));
    let company = v.check_optional("company", new.company, |raw| optional_text(&raw, TITLE_MAX));
    let email = v.check_optional("email", new.email, |raw| parse_email(&raw));
    let custom_fields = v.check_optional("custom_fields", new.custom_fields, parse_custom_fields);
    let labels = v.check_optional("labels", new.labels, parse_labels);
    v.finish()?;
    let new = NewContact {
        phone_number: checked(phone)?.into_inner(),
        first_name: first.unwrap_or_default(),
        last_name: last.unwrap_or_default(),
        company: company.unwrap_or_default(),
        email: email.flatten(),
        custom_fields: custom_fields.unwrap_or_default(),
        labels: labels.unwrap_or_default(),
    };
    let contact = state
        .write(move |conn| {
            let row = contacts::insert(conn, &me.organization_id, new).map_err(contact_error)?;
            events::contact_changed(conn, &me.organization_id, &row.id)?;
            Ok(row.into_wire()?)
        })
        .await?;
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
    me: CurrentAgent,
    id: web::Path<ContactId>,
) -> Result<web::Json<Contact>, ApiError> {
    let id = id.into_inner();
    let contact = state
        .read(move |conn| {
            Ok(contacts::find(conn, &me.organization_id, &id)
                .map_err(contact_error)?
                .into_wire()?)
        })
        .await?;
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
    me: CurrentAgent,
    id: web::Path<ContactId>,
    body: JsonBody<UpdateContact>,
) -> Result<web::Json<Contact>, ApiError> {
    let update = body.0;
    let mut v = Validator::new();
    let first = v.check_optional("first_name", update.first_name, |raw| optional_text(&raw, NAME_MAX));
    let last = v.check_optional("last_name", update.last_name, |raw| optional_text(&raw, NAME_MAX));
    let company = v.check_optional("company", update.company, |raw| optional_text(&raw, TITLE_MAX));
    let email = v.check_optional("email", update.email, |raw| parse_email(&raw));
    let custom_fields = v.check_optional("custom_fields", update.custom_fields, parse_custom_fields);
    let labels = v.check_optional("labels", update.labels, parse_labels);
    let time_zone = v.check_optional("time_zone", update.time_zone, |raw| parse_time_zone(&raw));
    v.finish()?;
    let changes = ContactChanges {
        first_name: first,
        last_name: last,
        company,
        email,
        custom_fields: custom_fields.map(|fields| to_json_text(&fields)),
        labels: labels.map(|labels| to_json_text(&labels)),
        last_number_id: None,
        time_zone,
    };
    let id = id.into_inner();
    let contact = state
        .write(move |conn| {
            let row = contacts::update(conn, &me.organization_id, &id, &changes).map_err(contact_error)?;
            events::contact_changed(conn, &me.organization_id, &row.id)?;
            Ok(row.into_wire()?)
        })
        .await?;
    Ok(web::Json(contact))
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
    me: CurrentAgent,
    id: web::Path<ContactId>,
) -> Result<web::Json<Vec<Conversation>>, ApiError> {
    let id = id.into_inner();
    let thread = state
        .read(move |conn| {
            let contact = contacts::find(conn, &me.organization_id, &id).map_err(contact_error)?;
            let rows = conversations::thread(conn, &me.organization_id, &id)?;
            let unread = textdesk_db::read_states::unread_among(conn, &me.id, &rows.iter().collect::<Vec<_>>())?;
            rows.into_iter()
                .map(|row| {
                    let is_unread = unread.get(&row.id).copied().unwrap_or(false);
                    Ok(row.into_wire(&contact, is_unread)?)
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(web::Json(thread))
}
