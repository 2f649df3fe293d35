//! The signed-in agent's own profile, password and avatar.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, put, web};
use textdesk_domain::accounts::avatar;
use textdesk_types::ProblemDetails;
use textdesk_types::agents::{Agent, ChangePassword, UpdateProfile};
use textdesk_types::auth::TokenResponse;

use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{CurrentAgent, JsonBody, client_address, read_limited};
use crate::{ApiError, AppState};

/// The signed-in agent.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your profile", body = Agent),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, me: CurrentAgent) -> Result<web::Json<Agent>, ApiError> {
    let caller = me.caller();
    let agent = state.run(move |app| textdesk_app::me::get(app, &caller)).await?;
    Ok(web::Json(agent))
}

/// Edit your own profile: names, screenname, time zone, idle alert, email notifications, mobile number.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateProfile,
    responses(
        (status = 200, description = "The updated profile", body = Agent),
        (status = "4XX", description = "Invalid request", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<UpdateProfile>,
) -> Result<web::Json<Agent>, ApiError> {
    let caller = me.caller();
    let agent = state
        .run(move |app| textdesk_app::me::update(app, &caller, body.0))
        .await?;
    Ok(web::Json(agent))
}

/// Change your password. Every other session ends; this one continues with the returned tokens.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 200, description = "Password changed; fresh tokens for this session", body = TokenResponse),
        (status = 403, description = "The current password is wrong", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The new password does not meet the policy", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    body: JsonBody<ChangePassword>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let (caller, address) = (me.caller(), client_address(&request, &state));
    let refresh_token = new_secret_token();
    let (token_hash, expires_at) = (hash_token(&refresh_token), refresh_expiry());
    state
        .run(move |app| textdesk_app::me::change_password(app, &caller, body.0, (&token_hash, expires_at), &address))
        .await?;
    let tokens = state
        .tokens
        .response(&me.id, &me.organization_id, me.role, refresh_token)?;
    Ok(web::Json(tokens))
}

/// Upload your avatar: the raw image as the body (PNG, JPEG, GIF or WebP, at most 1 MiB).
///
/// The type is read from the image's own bytes, whatever the Content-Type says.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image file"),
    responses(
        (status = 200, description = "The profile with its new avatar_url", body = Agent),
        (status = 413, description = "Larger than 1 MiB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Not a PNG, JPEG, GIF or WebP image", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/me/avatar")]
pub async fn upload_avatar(
    state: web::Data<AppState>,
    request: HttpRequest,
    me: CurrentAgent,
    payload: web::Payload,
) -> Result<web::Json<Agent>, ApiError> {
    let bytes = read_limited(&request, payload.into_inner(), avatar::MAX_BYTES).await?;
    let caller = me.caller();
    let agent = state
        .run(move |app| textdesk_app::me::set_avatar(app, &caller, &bytes))
        .await?;
    Ok(web::Json(agent))
}

/// Remove your avatar.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 204, description = "Removed")))]
#[delete("/me/avatar")]
pub async fn delete_avatar(state: web::Data<AppState>, me: CurrentAgent) -> Result<HttpResponse, ApiError> {
    let caller = me.caller();
    state
        .run(move |app| textdesk_app::me::delete_avatar(app, &caller))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
