//! The organization's custom fields of contacts and its labels. Each handler extracts the
//! request, calls one operation of `textdesk_app::custom_fields` and renders its answer.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use textdesk_app::custom_fields;
use textdesk_types::custom_fields::{CreateCustomField, CustomField};
use textdesk_types::{CustomFieldId, ProblemDetails};

use crate::extract::{CurrentAgent, CurrentCaller, JsonBody, client_address};
use crate::{ApiError, AppState};

/// The organization's custom fields of contacts, by name. A contact's value for a number or
/// date field is checked against its type; each field is also a merge field, `{{name}}`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses((status = 200, description = "The custom fields", body = Vec<CustomField>))
)]
#[get("/custom-fields")]
pub async fn list_custom_fields(
    state: web::Data<AppState>,
    me: CurrentCaller,
) -> Result<web::Json<Vec<CustomField>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| custom_fields::list(app, &caller)).await?,
    ))
}

/// Define a custom field (owners and admins): a name and a type, `text`, `number` or `date`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    request_body = CreateCustomField,
    responses(
        (status = 201, description = "The custom field", body = CustomField),
        (status = 403, description = "Only owners and admins define custom fields", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "An invalid or taken name, or too many fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/custom-fields")]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<CreateCustomField>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let field = state
        .run(move |app| custom_fields::create(app, &caller, body.0, &address))
        .await?;
    Ok(HttpResponse::Created().json(field))
}

/// Remove a custom field (owners and admins). Contacts keep their values for it, as text.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The custom field's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Only owners and admins remove custom fields", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such custom field in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/custom-fields/{id}")]
pub async fn delete_custom_field(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    id: web::Path<CustomFieldId>,
) -> Result<HttpResponse, ApiError> {
    let (caller, id, address) = (me.caller(), id.into_inner(), client_address(&request, &state));
    state
        .run(move |app| custom_fields::delete(app, &caller, id, &address))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The labels the organization's contacts carry or have carried, by name: what label pickers
/// offer. A label given to a contact joins the list.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    responses((status = 200, description = "The labels", body = Vec<String>))
)]
#[get("/labels")]
pub async fn list_labels(state: web::Data<AppState>, me: CurrentCaller) -> Result<web::Json<Vec<String>>, ApiError> {
    let caller = me.caller();
    Ok(web::Json(
        state.run(move |app| custom_fields::labels(app, &caller)).await?,
    ))
}
