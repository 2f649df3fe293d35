//! Business numbers: everyone reads them (to pick one to send from); owners and admins add and
//! change them. Credentials are write-only.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use textdesk_app::numbers;
use textdesk_types::numbers::{CreateNumber, Number, UpdateNumber};
use textdesk_types::{NumberId, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

/// The organization's business numbers.
#[utoipa::path(tag = "numbers", security(("bearer" = [])), responses((status = 200, description = "The numbers", body = Vec<Number>)))]
#[get("/numbers")]
pub async fn list_numbers(state: web::Data<AppState>, me: CurrentAgent) -> Result<web::Json<Vec<Number>>, ApiError> {
    let caller = me.caller();
    let numbers = state.run(move |app| numbers::list(app, &caller)).await?;
    Ok(web::Json(numbers))
}

/// Connect a business number (owners and admins). Twilio numbers need the account SID and auth token.
#[utoipa::path(
    tag = "numbers",
    security(("bearer" = [])),
    request_body = CreateNumber,
    responses(
        (status = 201, description = "The number", body = Number),
        (status = 403, description = "Not allowed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the number is already connected", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/numbers")]
pub async fn create_number(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<CreateNumber>,
) -> Result<HttpResponse, ApiError> {
    let (caller, secrets) = (me.caller(), state.secrets.clone());
    let number = state
        .run(move |app| numbers::create(app, &caller, body.0, &secrets))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/numbers/{}", number.id)))
        .json(number))
}

/// One business number.
#[utoipa::path(
    tag = "numbers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The number's id")),
    responses(
        (status = 200, description = "The number", body = Number),
        (status = 404, description = "No such number in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/numbers/{id}")]
pub async fn get_number(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<NumberId>,
) -> Result<web::Json<Number>, ApiError> {
    let (caller, id) = (me.caller(), id.into_inner());
    let number = state.run(move |app| numbers::get(app, &caller, id)).await?;
    Ok(web::Json(number))
}

/// Change a number's label, switch it on or off, or replace its credentials (owners and admins).
#[utoipa::path(
    tag = "numbers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The number's id")),
    request_body = UpdateNumber,
    responses(
        (status = 200, description = "The number", body = Number),
        (status = 404, description = "No such number in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/numbers/{id}")]
pub async fn update_number(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<NumberId>,
    body: JsonBody<UpdateNumber>,
) -> Result<web::Json<Number>, ApiError> {
    let (caller, id, secrets) = (me.caller(), id.into_inner(), state.secrets.clone());
    let number = state
        .run(move |app| numbers::update(app, &caller, id, body.0, &secrets))
        .await?;
    Ok(web::Json(number))
}
