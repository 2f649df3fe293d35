//! "Forgot password?": a single-use, expiring reset link by mail. The answer is the same
//! whether or not the address has an account, and the page is throttled per address and per
//! client so it can flood no mailbox.

use chrono::Duration;
use textdesk_db::{agents, audit, password_reset_requests, password_resets};
use textdesk_domain::accounts::EmailAddress;
use textdesk_types::mail::{MailKind, PasswordResetRequest};

use super::{Envelope, MailSettings, compose, queue_plain};
use crate::sessions::own_account_event;
use crate::tokens::{RESET_TOKEN_HOURS, hash_token, new_secret_token};
use crate::{AppContext, AppError, AppResult};

/// Reset mails one address may be sent in [`WINDOW`].
pub const PER_ADDRESS: i64 = 3;
/// Requests one client may make in [`WINDOW`], for any addresses.
pub const PER_CLIENT: i64 = 10;
pub const WINDOW: Duration = Duration::hours(1);

/// Mails a reset link to the address if an enabled agent has it; does nothing visible
/// otherwise.
pub fn request(
    app: &AppContext,
    settings: &MailSettings,
    request: &PasswordResetRequest,
    client_address: &str,
) -> AppResult<()> {
    let email = EmailAddress::parse(&request.email).map_err(|invalid| AppError::invalid("email", invalid))?;
    let email: &str = email.as_ref();
    let now = app.clock.now_naive();
    app.db.write(|conn| {
        password_reset_requests::take_turns(conn, email, client_address)?;
        let (for_address, from_client, oldest) =
            password_reset_requests::count_since(conn, email, client_address, now - WINDOW)?;
        if for_address >= PER_ADDRESS || from_client >= PER_CLIENT {
            // Until the oldest counted request leaves the window.
            let free_at = oldest.unwrap_or(now) + WINDOW;
            return Err(AppError::RateLimited {
                retry_after_seconds: (free_at - now).num_seconds().max(1),
                detail: "Too many reset requests; try again later.".to_owned(),
            });
        }
        password_reset_requests::record(conn, email, client_address, now)?;
        let Some(agent) = agents::find_by_email(conn, email)?.filter(|agent| !agent.disabled) else {
            return Ok(());
        };
        let token = new_secret_token();
        let organization = &agent.organization_id;
        let expires_at = now + Duration::hours(RESET_TOKEN_HOURS);
        password_resets::insert(conn, organization, &agent.id, None, &hash_token(&token), expires_at)?;
        let url = settings.link(&format!("/reset-password?token={token}"));
        let composed = compose::password_reset(&agent.first_name, &url, RESET_TOKEN_HOURS);
        let envelope = Envelope {
            organization,
            agent: Some(&agent.id),
            kind: MailKind::PasswordReset,
            to: &agent.email,
        };
        queue_plain(conn, settings, envelope, &composed, now)?;
        let event = own_account_event((organization, &agent.id), "password.reset_mailed", client_address);
        Ok(audit::append(conn, event)?)
    })
}
