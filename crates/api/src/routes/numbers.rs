//! Business numbers: everyone reads them (to pick one to send from); owners and admins add and
//! change them. Credentials are write-only.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use textdesk_db::DbError;
use textdesk_db::numbers::{self, NewNumber, NumberChanges};
use textdesk_domain::Invalid;
use textdesk_domain::permissions;
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::numbers::{CreateNumber, Number, UpdateNumber};
use textdesk_types::{NumberId, ProblemDetails};

use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};
use textdesk_app::validation::{Validator, checked};

/// Providers Textdesk can send through.
const PROVIDERS: [&str; 2] = ["twilio", "simulator"];

fn parse_provider(raw: &str) -> Result<String, Invalid> {
    PROVIDERS
        .iter()
        .find(|provider| **provider == raw)
        .map(|provider| (*provider).to_owned())
        .ok_or_else(|| Invalid::new("unknown_provider", format!("must be one of: {}", PROVIDERS.join(", "))))
}

fn parse_credential(raw: &str) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() || value.len() > 200 || value.chars().any(char::is_whitespace) {
        return Err(Invalid::new(
            "invalid_credential",
            "must be a non-empty value without spaces",
        ));
    }
    Ok(value.to_owned())
}

fn parse_send_rate(rate: u32) -> Result<u32, Invalid> {
    if (1..=1000).contains(&rate) {
        Ok(rate)
    } else {
        Err(Invalid::new(
            "out_of_range",
            "must be between 1 and 1000 messages a second",
        ))
    }
}

fn number_error(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::NotFound("number"),
        conflict if conflict.is_conflict_on("phone_number") => {
            ApiError::field("phone_number", "number_taken", "this number is already connected")
        }
        other => other.into(),
    }
}

/// The organization's business numbers.
#[utoipa::path(tag = "numbers", security(("bearer" = [])), responses((status = 200, description = "The numbers", body = Vec<Number>)))]
#[get("/numbers")]
pub async fn list_numbers(state: web::Data<AppState>, me: CurrentAgent) -> Result<web::Json<Vec<Number>>, ApiError> {
    let rows = state
        .read(move |conn| Ok(numbers::list(conn, &me.organization_id)?))
        .await?;
    Ok(web::Json(rows.into_iter().map(|row| row.into_wire()).collect()))
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
    permissions::require_admin(me.role)?;
    let new = body.0;
    let mut v = Validator::new();
    let phone = v.check("phone_number", PhoneNumber::parse(&new.phone_number));
    let label = v.check("label", Label::parse(&new.label, TITLE_MAX));
    let provider = v.check("provider", parse_provider(&new.provider));
    let account_sid = v.check_optional("account_sid", new.account_sid, |raw| parse_credential(&raw));
    let auth_token = v.check_optional("auth_token", new.auth_token, |raw| parse_credential(&raw));
    let send_rate = v.check_optional("send_rate_per_second", new.send_rate_per_second, parse_send_rate);
    if provider.as_deref() == Some("twilio") {
        if account_sid.is_none() {
            v.check::<()>(
                "account_sid",
                Err(Invalid::new("required", "is required for Twilio numbers")),
            );
        }
        if auth_token.is_none() {
            v.check::<()>(
                "auth_token",
                Err(Invalid::new("required", "is required for Twilio numbers")),
            );
        }
    }
    v.finish()?;
    let sealed = auth_token.map(|token| state.secrets.seal(&token)).transpose()?;
    let (phone, label, provider) = (checked(phone)?, checked(label)?, checked(provider)?);
    let number = state
        .write(move |conn| {
            let new = NewNumber {
                phone_number: phone.as_str(),
                label: label.as_ref(),
                provider: &provider,
                account_sid: account_sid.as_deref(),
                auth_token_sealed: sealed.as_deref(),
                send_rate_per_second: send_rate.unwrap_or(1),
            };
            numbers::insert(conn, &me.organization_id, new).map_err(number_error)
        })
        .await?
        .into_wire();
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
    let id = id.into_inner();
    let row = state
        .read(move |conn| numbers::find(conn, &me.organization_id, &id).map_err(number_error))
        .await?;
    Ok(web::Json(row.into_wire()))
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
    permissions::require_admin(me.role)?;
    let update = body.0;
    let mut v = Validator::new();
    let label = v.check_optional("label", update.label, |raw| Label::parse(&raw, TITLE_MAX));
    let account_sid = v.check_optional("account_sid", update.account_sid, |raw| parse_credential(&raw));
    let auth_token = v.check_optional("auth_token", update.auth_token, |raw| parse_credential(&raw));
    let send_rate = v.check_optional("send_rate_per_second", update.send_rate_per_second, parse_send_rate);
    v.finish()?;
    let sealed = auth_token.map(|token| state.secrets.seal(&token)).transpose()?;
    let changes = NumberChanges {
        label: label.map(Label::into_inner),
        enabled: update.enabled,
        account_sid: account_sid.map(Some),
        auth_token_sealed: sealed.map(Some),
        send_rate_per_second: send_rate.map(|rate| i32::try_from(rate).unwrap_or(1)),
    };
    let id = id.into_inner();
    let row = state
        .write(move |conn| numbers::update(conn, &me.organization_id, &id, &changes).map_err(number_error))
        .await?;
    Ok(web::Json(row.into_wire()))
}
