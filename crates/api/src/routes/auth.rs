//! Sign-in, token refresh with rotation and reuse detection, sign-out, password reset.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use textdesk_db::{agents, login_failures, password_resets, refresh_tokens};
use textdesk_domain::accounts::NewPassword;
use textdesk_domain::throttle::LoginThrottle;
use textdesk_types::ProblemDetails;
use textdesk_types::auth::{ConfirmPasswordReset, LoginRequest, LogoutRequest, RefreshRequest, TokenResponse};
use textdesk_types::{AgentId, OrganizationId};

use super::Audit;
use crate::auth::tokens::{hash_token, new_secret_token, refresh_expiry};
use crate::extract::{JsonBody, client_address};
use crate::state::run_blocking;
use crate::{ApiError, AppState};
use textdesk_app::passwords;

const INVALID_CREDENTIALS: &str = "The email or password is wrong.";

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
    let LoginRequest { email, password } = body.0;
    let email = email.trim().to_lowercase();
    let address = client_address(&request, &state);

    let (counts, agent) = state
        .read({
            let (email, address) = (email.clone(), address.clone());
            move |conn| {
                let since = LoginThrottle::window_start(Utc::now()).naive_utc();
                let counts = login_failures::count_since(conn, &email, &address, since)?;
                Ok((counts, agents::find_by_email(conn, &email)?))
            }
        })
        .await?;
    if LoginThrottle::is_throttled(counts.account, counts.address) {
        let oldest = counts.oldest.map(|at| at.and_utc()).unwrap_or_else(Utc::now);
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: LoginThrottle::retry_after_seconds(oldest, Utc::now()),
            detail: "Too many failed sign-in attempts.".to_owned(),
        });
    }

    let password_matches = run_blocking({
        let stored = agent.as_ref().map(|agent| agent.password_hash.clone());
        move || {
            Ok::<_, ApiError>(match stored {
                Some(hash) => passwords::verify(&password, &hash),
                None => {
                    passwords::verify_against_nothing(&password);
                    false
                }
            })
        }
    })
    .await?;

    let signed_in = match agent {
        Some(agent) if password_matches && !agent.disabled => Some(agent),
        _ => None,
    };
    let Some(agent) = signed_in else {
        let disabled = password_matches;
        state
            .write(move |conn| {
                if !disabled {
                    login_failures::record(conn, &email, &address)?;
                }
                if let Some(agent) = agents::find_by_email(conn, &email)? {
                    let audit = Audit {
                        organization: &agent.organization_id(),
                        actor: None,
                        client_address: &address,
                    };
                    let reason = if disabled { "account_disabled" } else { "wrong_password" };
                    audit.record(
                        conn,
                        "login.failed",
                        "agent",
                        &agent.id,
                        serde_json::json!({ "reason": reason }),
                    )?;
                }
                Ok(())
            })
            .await?;
        return Err(if disabled {
            ApiError::unauthorized("account_disabled", "This account has been disabled.")
        } else {
            ApiError::unauthorized("invalid_credentials", INVALID_CREDENTIALS)
        });
    };

    let role = agent.role()?;
    let (agent_id, organization) = (agent.agent_id(), agent.organization_id());
    let refresh_token = new_secret_token();
    state
        .write({
            let (agent_id, organization, token_hash) =
                (agent_id.clone(), organization.clone(), hash_token(&refresh_token));
            move |conn| {
                login_failures::clear_account(conn, &agent.email)?;
                refresh_tokens::insert(conn, &organization, &agent_id, None, &token_hash, refresh_expiry())?;
                let audit = Audit {
                    organization: &organization,
                    actor: Some(&agent_id),
                    client_address: &address,
                };
                audit.record(
                    conn,
                    "login.succeeded",
                    "agent",
                    agent_id.as_str(),
                    serde_json::json!({}),
                )
            }
        })
        .await?;
    Ok(web::Json(state.tokens.response(
        &agent_id,
        &organization,
        role,
        refresh_token,
    )?))
}

enum RefreshOutcome {
    Rotated {
        agent: AgentId,
        organization: OrganizationId,
        role: textdesk_types::agents::Role,
    },
    Refused(ApiError),
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
    let outcome = state
        .write(move |conn| {
            let refused = |code, detail: &str| Ok(RefreshOutcome::Refused(ApiError::unauthorized(code, detail)));
            let Some(token) = refresh_tokens::find_by_hash(conn, &presented_hash)? else {
                return refused("invalid_refresh_token", "The refresh token is not valid.");
            };
            if token.revoked_at.is_some() {
                return refused("session_revoked", "This session has ended; sign in again.");
            }
            let organization = OrganizationId::new(token.organization_id.clone());
            let agent_id = AgentId::new(token.agent_id.clone());
            if token.rotated_at.is_some() || !refresh_tokens::mark_rotated(conn, &token.id)? {
                refresh_tokens::revoke_family(conn, &token.family_id)?;
                let audit = Audit {
                    organization: &organization,
                    actor: Some(&agent_id),
                    client_address: &address,
                };
                audit.record(
                    conn,
                    "session.token_reused",
                    "agent",
                    agent_id.as_str(),
                    serde_json::json!({}),
                )?;
                return refused(
                    "refresh_token_reused",
                    "This refresh token was already used, so the session was ended for safety; sign in again.",
                );
            }
            if token.expires_at <= textdesk_db::now() {
                return refused("session_expired", "This session has expired; sign in again.");
            }
            let agent = agents::find(conn, &organization, &agent_id)?;
            if agent.disabled {
                refresh_tokens::revoke_family(conn, &token.family_id)?;
                return refused("account_disabled", "This account has been disabled.");
            }
            refresh_tokens::insert(
                conn,
                &organization,
                &agent_id,
                Some(&token.family_id),
                &next_hash,
                refresh_expiry(),
            )?;
            Ok(RefreshOutcome::Rotated {
                role: agent.role()?,
                agent: agent_id,
                organization,
            })
        })
        .await?;
    match outcome {
        RefreshOutcome::Rotated {
            agent,
            organization,
            role,
        } => Ok(web::Json(state.tokens.response(
            &agent,
            &organization,
            role,
            next_token,
        )?)),
        RefreshOutcome::Refused(error) => Err(error),
    }
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
    state
        .write(move |conn| {
            if let Some(token) = refresh_tokens::find_by_hash(conn, &token_hash)? {
                refresh_tokens::revoke_family(conn, &token.family_id)?;
            }
            Ok(())
        })
        .await?;
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
    let password = NewPassword::parse(&new_password)
        .map_err(|invalid| ApiError::field("new_password", invalid.code, invalid.message))?;
    let password_hash = run_blocking(move || passwords::hash(&password)).await?;
    let token_hash = hash_token(&token);
    let address = client_address(&request, &state);
    state
        .write(move |conn| {
            let Some(reset) = password_resets::take(conn, &token_hash)? else {
                return Err(ApiError::BadRequest {
                    code: "invalid_reset_token",
                    detail: "This reset link is unknown, used or expired; ask an admin for a new one.".to_owned(),
                });
            };
            let organization = OrganizationId::new(reset.organization_id);
            let agent = AgentId::new(reset.agent_id);
            let changes = agents::AgentChanges {
                password_hash: Some(password_hash),
                ..Default::default()
            };
            agents::update(conn, &organization, &agent, &changes)?;
            refresh_tokens::revoke_all_for_agent(conn, &organization, &agent)?;
            let audit = Audit {
                organization: &organization,
                actor: Some(&agent),
                client_address: &address,
            };
            audit.record(conn, "password.reset", "agent", agent.as_str(), serde_json::json!({}))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
