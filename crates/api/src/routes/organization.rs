//! The signed-in agent's organization and its settings.

use actix_web::{HttpRequest, get, patch, web};
use textdesk_app::organization;
use textdesk_types::ProblemDetails;
use textdesk_types::organization::{Organization, UpdateOrganization};

use crate::extract::{CurrentAgent, JsonBody, client_address};
use crate::{ApiError, AppState};

/// Your organization and its settings.
#[utoipa::path(
    tag = "organization",
    security(("bearer" = [])),
    responses((status = 200, description = "The organization", body = Organization))
)]
#[get("/organization")]
pub async fn get_organization(
    state: web::Data<AppState>,
    me: CurrentAgent,
) -> Result<web::Json<Organization>, ApiError> {
    let caller = me.caller();
    let organization = state.run(move |app| organization::get(app, &caller)).await?;
    Ok(web::Json(organization))
}

/// Change the organization's name and settings (owners and admins). Absent fields stay as they
/// are. Only the owner changes `distribution_list_limit`.
#[utoipa::path(
    tag = "organization",
    security(("bearer" = [])),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "The updated organization", body = Organization),
        (status = 403, description = "Not an owner or admin (admins_only), or an admin changing distribution_list_limit (owners_only)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/organization")]
pub async fn update_organization(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<UpdateOrganization>,
) -> Result<web::Json<Organization>, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let organization = state
        .run(move |app| organization::update(app, &caller, body.0, &address))
        .await?;
    Ok(web::Json(organization))
}
