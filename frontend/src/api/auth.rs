//! Signing in and out, the first-run setup, and passwords.

use gloo_net::http::Method;
use textdesk_types::agents::ChangePassword;
use textdesk_types::auth::{ConfirmPasswordReset, LoginRequest, LogoutRequest, TokenResponse};
use textdesk_types::setup::{CreateWorkspace, SetupStatus};

use super::{ApiResult, Call, fetch, fetch_public, problem_of};
use crate::session;

pub async fn setup_status() -> ApiResult<SetupStatus> {
    fetch_public(Call::get("/setup")).await
}

/// Creates the first workspace and signs its owner in.
pub async fn create_workspace(request: CreateWorkspace) -> ApiResult<()> {
    let tokens: TokenResponse = fetch_public(Call::new(Method::POST, "/setup").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

pub async fn login(request: LoginRequest) -> ApiResult<()> {
    let tokens: TokenResponse = fetch_public(Call::new(Method::POST, "/auth/login").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

/// Ends the session on the server and here. Signing out must work even when the server cannot
/// be reached, so a failure there is only logged.
pub async fn logout() {
    if let Err(problem) = revoke_stored_session().await {
        leptos::logging::warn!("sign-out did not reach the server: {}", problem.message());
    }
    session::clear();
}

async fn revoke_stored_session() -> ApiResult<()> {
    let Some(session) = session::current() else {
        return Ok(());
    };
    let request = LogoutRequest {
        refresh_token: session.refresh_token,
    };
    let response = Call::new(Method::POST, "/auth/logout")
        .with_json(&request)?
        .send(None)
        .await?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

/// Changes the password; the server ends every other session and hands this one new tokens.
pub async fn change_password(request: ChangePassword) -> ApiResult<()> {
    let tokens: TokenResponse = fetch(Call::new(Method::PUT, "/me/password").with_json(&request)?).await?;
    session::save(&tokens);
    Ok(())
}

/// Sets a new password with the token of an admin's reset link. Every session of that agent
/// ends, this browser's included.
pub async fn confirm_password_reset(request: ConfirmPasswordReset) -> ApiResult<()> {
    let response = Call::new(Method::POST, "/auth/password-reset")
        .with_json(&request)?
        .send(None)
        .await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    session::clear();
    Ok(())
}
