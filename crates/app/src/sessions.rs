//! Sessions: signing in (throttled), trading a refresh token for the next one (each works once;
//! reuse ends the session), signing out, and choosing a new password with a reset token.
//!
//! Tokens reach these operations only as hashes: the front end makes them, keeps the secret
//! ones, and signs access tokens for the agent an operation returns.

use chrono::{NaiveDateTime, Utc};
use textdesk_db::agents::{self, AgentChanges, AgentRow};
use textdesk_db::audit::{self, AuditEvent};
use textdesk_db::refresh_tokens::{self, RefreshTokenRow};
use textdesk_db::{DbConnection, login_failures, now, password_resets};
use textdesk_domain::accounts::NewPassword;
use textdesk_domain::throttle::LoginThrottle;
use textdesk_types::agents::Role;
use textdesk_types::auth::LoginRequest;
use textdesk_types::{AgentId, OrganizationId};

use crate::{AppContext, AppError, AppResult, passwords};

/// The agent a session belongs to, for the access token the front end signs.
pub struct SignedIn {
    pub agent_id: AgentId,
    pub organization_id: OrganizationId,
    pub role: Role,
}

/// A new refresh token: its hash and when it expires.
pub type NewRefreshToken<'a> = (&'a str, NaiveDateTime);

/// Signs an agent in with email and password and stores the session's first refresh token.
/// After too many failures for the account or from the address the attempt is refused before
/// the password is looked at. Verifies a password hash, so call it on a blocking thread.
pub fn sign_in(
    app: &AppContext,
    request: LoginRequest,
    refresh_token: NewRefreshToken<'_>,
    client_address: &str,
) -> AppResult<SignedIn> {
    let LoginRequest { email, password } = request;
    let email = email.trim().to_lowercase();
    let agent = app.db.read(|conn| {
        refuse_if_throttled(conn, &email, client_address)?;
        Ok::<_, AppError>(agents::find_by_email(conn, &email)?)
    })?;
    let password_matches = match &agent {
        Some(agent) => passwords::verify(&password, &agent.password_hash),
        None => {
            passwords::verify_against_nothing(&password);
            false
        }
    };
    match agent {
        Some(agent) if password_matches && !agent.disabled => start_session(app, &agent, refresh_token, client_address),
        // Here a matching password means a disabled account.
        agent => Err(refuse_sign_in(
            app,
            (&email, agent.as_ref()),
            password_matches,
            client_address,
        )),
    }
}

fn refuse_if_throttled(conn: &mut DbConnection, email: &str, client_address: &str) -> AppResult<()> {
    let since = LoginThrottle::window_start(Utc::now()).naive_utc();
    let counts = login_failures::count_since(conn, email, client_address, since)?;
    if !LoginThrottle::is_throttled(counts.account, counts.address) {
        return Ok(());
    }
    let oldest = counts.oldest.map(|at| at.and_utc()).unwrap_or_else(Utc::now);
    Err(AppError::TooManyAttempts {
        retry_after_seconds: LoginThrottle::retry_after_seconds(oldest, Utc::now()),
        detail: "Too many failed sign-in attempts.".to_owned(),
    })
}

fn start_session(
    app: &AppContext,
    agent: &AgentRow,
    (token_hash, expires_at): NewRefreshToken<'_>,
    client_address: &str,
) -> AppResult<SignedIn> {
    let signed_in = SignedIn {
        agent_id: agent.id.clone(),
        organization_id: agent.organization_id.clone(),
        role: agent.role,
    };
    app.db.write(|conn| {
        let (organization, agent_id) = (&signed_in.organization_id, &signed_in.agent_id);
        login_failures::clear_account(conn, &agent.email)?;
        refresh_tokens::insert(conn, organization, agent_id, None, token_hash, expires_at)?;
        let event = own_account_event((organization, agent_id), "login.succeeded", client_address);
        Ok::<_, AppError>(audit::append(conn, event)?)
    })?;
    Ok(signed_in)
}

/// Records a refused sign-in and answers it. Only a wrong password counts towards throttling:
/// the right password of a disabled account is no guess.
fn refuse_sign_in(
    app: &AppContext,
    (email, agent): (&str, Option<&AgentRow>),
    disabled: bool,
    client_address: &str,
) -> AppError {
    let recorded = app.db.write(|conn| {
        if !disabled {
            login_failures::record(conn, email, client_address)?;
        }
        let Some(agent) = agent else { return Ok(()) };
        let reason = if disabled { "account_disabled" } else { "wrong_password" };
        let event = AuditEvent {
            organization: &agent.organization_id,
            actor: None,
            action: "login.failed",
            target_type: "agent",
            target_id: agent.id.as_str(),
            detail: serde_json::json!({ "reason": reason }),
            client_address: Some(client_address),
        };
        audit::append(conn, event)
    });
    match recorded {
        Err(error) => error.into(),
        Ok(()) if disabled => AppError::unauthorized("account_disabled", "This account has been disabled."),
        Ok(()) => AppError::unauthorized("invalid_credentials", "The email or password is wrong."),
    }
}

/// Trades a refresh token (by its hash) for the next one of its session. A token that was
/// already used ends the whole session, since it means the token was copied.
pub fn refresh(
    app: &AppContext,
    presented_hash: &str,
    next_token: NewRefreshToken<'_>,
    client_address: &str,
) -> AppResult<SignedIn> {
    app.db
        .write(|conn| rotate(conn, presented_hash, next_token, client_address))?
}

/// A refusal is the inner error, so that ending a session commits before it is answered.
fn rotate(
    conn: &mut DbConnection,
    presented_hash: &str,
    (next_hash, expires_at): NewRefreshToken<'_>,
    client_address: &str,
) -> AppResult<AppResult<SignedIn>> {
    let refused = |code, detail: &str| Ok(Err(AppError::unauthorized(code, detail)));
    let Some(token) = refresh_tokens::find_by_hash(conn, presented_hash)? else {
        return refused("invalid_refresh_token", "The refresh token is not valid.");
    };
    if token.revoked_at.is_some() {
        return refused("session_revoked", "This session has ended; sign in again.");
    }
    let organization = token.organization_id.clone();
    let agent_id = token.agent_id.clone();
    if is_reused(conn, &token)? {
        refresh_tokens::revoke_family(conn, &token.family_id)?;
        let event = own_account_event((&organization, &agent_id), "session.token_reused", client_address);
        audit::append(conn, event)?;
        return refused(
            "refresh_token_reused",
            "This refresh token was already used, so the session was ended for safety; sign in again.",
        );
    }
    if token.expires_at <= now() {
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
        next_hash,
        expires_at,
    )?;
    Ok(Ok(SignedIn {
        role: agent.role,
        agent_id,
        organization_id: organization,
    }))
}

/// Whether the token was used before, or another request is using it at this moment.
fn is_reused(conn: &mut DbConnection, token: &RefreshTokenRow) -> AppResult<bool> {
    Ok(token.rotated_at.is_some() || !refresh_tokens::mark_rotated(conn, &token.id)?)
}

/// Ends the session a refresh token (by its hash) belongs to, and the agent is offline at
/// once; an unknown token changes nothing.
pub fn sign_out(app: &AppContext, token_hash: &str) -> AppResult<()> {
    app.db.write(|conn| {
        if let Some(token) = refresh_tokens::find_by_hash(conn, token_hash)? {
            refresh_tokens::revoke_family(conn, &token.family_id)?;
            textdesk_db::presence::leave(conn, &token.agent_id, None)?;
        }
        Ok(())
    })
}

/// Sets a new password with a one-time reset token (by its hash) and ends every session of the
/// agent. Hashes the password, so call it on a blocking thread.
pub fn confirm_password_reset(
    app: &AppContext,
    token_hash: &str,
    new_password: &str,
    client_address: &str,
) -> AppResult<()> {
    let password = NewPassword::parse(new_password).map_err(|invalid| AppError::invalid("new_password", invalid))?;
    let changes = AgentChanges {
        password_hash: Some(passwords::hash(&password)?),
        ..Default::default()
    };
    app.db.write(|conn| {
        let Some(reset) = password_resets::take(conn, token_hash)? else {
            return Err(AppError::BadRequest {
                code: "invalid_reset_token",
                detail: "This reset link is unknown, used or expired; ask an admin for a new one.".to_owned(),
            });
        };
        let (organization, agent) = (reset.organization_id, reset.agent_id);
        agents::update(conn, &organization, &agent, &changes)?;
        refresh_tokens::revoke_all_for_agent(conn, &organization, &agent)?;
        // A reset may follow a lost mailbox: its reply addresses stop working too.
        textdesk_db::mails::revoke_reply_addresses(conn, &agent)?;
        let event = own_account_event((&organization, &agent), "password.reset", client_address);
        Ok(audit::append(conn, event)?)
    })
}

/// An entry about what an agent did to their own account, before a [`Caller`](crate::Caller)
/// exists for them.
pub(crate) fn own_account_event<'a>(
    (organization, agent): (&'a OrganizationId, &'a AgentId),
    action: &'a str,
    client_address: &'a str,
) -> AuditEvent<'a> {
    AuditEvent {
        organization,
        actor: Some(agent),
        action,
        target_type: "agent",
        target_id: agent.as_str(),
        detail: serde_json::json!({}),
        client_address: Some(client_address),
    }
}
