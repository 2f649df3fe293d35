//! The signed-in agent's own profile, password and avatar.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, put, web};
use textdesk_db::agents::{self, AgentChanges};
use textdesk_db::refresh_tokens;
use textdesk_domain::accounts::{E164, IdleAlertSeconds, NewPassword, TimeZoneName, avatar};
use textdesk_domain::text::{Label, NAME_MAX, SCREENNAME_MAX};
use textdesk_types::ProblemDetails;
use textdesk_types::agents::{Agent, ChangePassword, UpdateProfile};
use textdesk_types::auth::TokenResponse;

use super::Audit;
use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{CurrentAgent, JsonBody, client_address, read_limited};
use crate::state::run_blocking;
use crate::{ApiError, AppState};
use textdesk_app::passwords;
use textdesk_app::validation::Validator;

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
    let agent = state.read(move |conn| Ok(agents::into_wire_one(conn, me.row)?)).await?;
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
    let changes = profile_changes(body.0)?;
    let agent = state
        .write(move |conn| {
            let row = agents::update(conn, &me.organization_id, &me.id, &changes)?;
            Ok(agents::into_wire_one(conn, row)?)
        })
        .await?;
    Ok(web::Json(agent))
}

fn profile_changes(update: UpdateProfile) -> Result<AgentChanges, ApiError> {
    let mut v = Validator::new();
    let first_name = v.check_optional("first_name", update.first_name, |raw| Label::parse(&raw, NAME_MAX));
    let last_name = v.check_optional("last_name", update.last_name, |raw| Label::parse(&raw, NAME_MAX));
    let screenname = v.check_optional("screenname", update.screenname, |raw| {
        Label::parse(&raw, SCREENNAME_MAX)
    });
    let time_zone = v.check_optional("time_zone", update.time_zone, |raw| TimeZoneName::parse(&raw));
    let idle = v.check_optional("idle_alert_seconds", update.idle_alert_seconds, IdleAlertSeconds::parse);
    let mobile = v.check_optional("mobile_number", update.mobile_number, |raw| {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            E164::parse(&raw).map(|number| Some(number.into_inner()))
        }
    });
    v.finish()?;
    let notifications = update.notifications;
    Ok(AgentChanges {
        first_name: first_name.map(Label::into_inner),
        last_name: last_name.map(Label::into_inner),
        screenname: screenname.map(Label::into_inner),
        time_zone: time_zone.map(TimeZoneName::into_inner),
        idle_alert_seconds: idle.map(|seconds| i32::try_from(seconds).unwrap_or(i32::MAX)),
        notify_transfer_mine: notifications.map(|n| n.transfer_mine),
        notify_transfer_group: notifications.map(|n| n.transfer_group),
        notify_message_mine: notifications.map(|n| n.message_mine),
        notify_message_group: notifications.map(|n| n.message_group),
        mobile_number: mobile,
        ..Default::default()
    })
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
    let ChangePassword {
        current_password,
        new_password,
    } = body.0;
    let password = NewPassword::parse(&new_password)
        .map_err(|invalid| ApiError::field("new_password", invalid.code, invalid.message))?;
    let stored = me.row.password_hash.clone();
    let new_hash = run_blocking(move || {
        if !passwords::verify(&current_password, &stored) {
            return Err(ApiError::Forbidden {
                code: "wrong_password",
                detail: "The current password is wrong.".to_owned(),
            });
        }
        Ok(passwords::hash(&password)?)
    })
    .await?;
    let refresh_token = new_secret_token();
    let token_hash = hash_token(&refresh_token);
    let address = client_address(&request, &state);
    let (id, organization, role) = (me.id.clone(), me.organization_id.clone(), me.role);
    state
        .write(move |conn| {
            let changes = AgentChanges {
                password_hash: Some(new_hash),
                ..Default::default()
            };
            agents::update(conn, &me.organization_id, &me.id, &changes)?;
            refresh_tokens::revoke_all_for_agent(conn, &me.organization_id, &me.id)?;
            refresh_tokens::insert(conn, &me.organization_id, &me.id, None, &token_hash, refresh_expiry())?;
            let audit = Audit::by(&me, &address);
            audit.record(conn, "password.changed", "agent", me.id.as_str(), serde_json::json!({}))
        })
        .await?;
    Ok(web::Json(state.tokens.response(
        &id,
        &organization,
        role,
        refresh_token,
    )?))
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
    let content_type =
        avatar::sniff_image(&bytes).map_err(|invalid| ApiError::field("body", invalid.code, invalid.message))?;
    let agent = state
        .write(move |conn| {
            agents::set_avatar(conn, &me.organization_id, &me.id, content_type, &bytes)?;
            let row = agents::find(conn, &me.organization_id, &me.id)?;
            Ok(agents::into_wire_one(conn, row)?)
        })
        .await?;
    Ok(web::Json(agent))
}

/// Remove your avatar.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 204, description = "Removed")))]
#[delete("/me/avatar")]
pub async fn delete_avatar(state: web::Data<AppState>, me: CurrentAgent) -> Result<HttpResponse, ApiError> {
    state
        .write(move |conn| Ok(agents::delete_avatar(conn, &me.organization_id, &me.id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
