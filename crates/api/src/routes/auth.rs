//! Sign-in, token refresh with rotation and reuse detection, sign-out, password reset.

use actix_web::{HttpRequest, HttpResponse, post, web};
use textdesk_app::sessions;
use textdesk_types::ProblemDetails;
use textdesk_types::auth::{ConfirmPasswordReset, LoginRequest, LogoutRequest, RefreshRequest, TokenResponse};

use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{JsonBody, client_address};
use crate::{ApiError, AppState};

/// Sign in with email and password.
///
/// After 5 failed attempts for one account, or 20 from one client address, within 15 minutes,
/// attempts are refused with 429 until the window moves on.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password, or a disabled account", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = ProblemDetails, content_type = "application/problem+json",
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = "4XX", description = "Invalid request", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let address = client_address(&request, &state);
    let refresh_token = new_secret_token();
    let token_hash = hash_token(&refresh_token);
    let signed_in = state
        .run(move |app| sessions::sign_in(app, body.0, (&token_hash, refresh_expiry()), &address))
        .await?;
    Ok(web::Json(state.tokens.session_response(&signed_in, refresh_token)?))
}

/// Trade a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used revokes every token of
/// that session, since it means the token was copied.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = "4XX", description = "Invalid request", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let presented_hash = hash_token(&body.0.refresh_token);
    let next_token = new_secret_token();
    let next_hash = hash_token(&next_token);
    let address = client_address(&request, &state);
    let signed_in = state
        .run(move |app| sessions::refresh(app, &presented_hash, (&next_hash, refresh_expiry()), &address))
        .await?;
    Ok(web::Json(state.tokens.session_response(&signed_in, next_token)?))
}

/// Sign out: ends the session the refresh token belongs to.
///
/// Answers 204 whether or not the token was known, so it reveals nothing.
#[utoipa::path(
    tag = "auth",
    request_body = LogoutRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = "4XX", description = "Invalid request", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: JsonBody<LogoutRequest>) -> Result<HttpResponse, ApiError> {
    let token_hash = hash_token(&body.0.refresh_token);
    state.run(move |app| sessions::sign_out(app, &token_hash)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Choose a new password with a reset token from an admin.
///
/// The token works once and for 24 hours. Every session of the agent ends.
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmPasswordReset,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Unknown, used or expired token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The new password does not meet the policy", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<ConfirmPasswordReset>,
) -> Result<HttpResponse, ApiError> {
    let ConfirmPasswordReset { token, new_password } = body.0;
    let token_hash = hash_token(&token);
    let address = client_address(&request, &state);
    state
        .run(move |app| sessions::confirm_password_reset(app, &token_hash, &new_password, &address))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
