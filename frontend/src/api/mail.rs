//! Mail: asking for a reset link, the Mail outbox and answering a notification from it, and a
//! notification's unsubscribe link.

use gloo_net::http::Method;
use textdesk_types::mail::{InboundMailOutcome, Mail, MailAnswer, MailSummary, PasswordResetRequest, Unsubscribed};
use textdesk_types::{MailId, Page};

use super::{ApiResult, Call, fetch, fetch_public, problem_of};

/// "Forgot password?": the server answers alike whether or not the address has an account.
pub async fn request_password_reset(email: String) -> ApiResult<()> {
    let response = Call::new(Method::POST, "/auth/password-reset-requests")
        .with_json(&PasswordResetRequest { email })?
        .send(None)
        .await?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

/// A page of the outbox, newest first, after `cursor`.
pub async fn list(cursor: Option<String>) -> ApiResult<Page<MailSummary>> {
    let mut call = Call::get("/mails");
    if let Some(cursor) = cursor {
        call = call.with_query("cursor", cursor);
    }
    fetch(call).await
}

pub async fn get(id: MailId) -> ApiResult<Mail> {
    fetch(Call::get(&format!("/mails/{id}"))).await
}

pub async fn answer(id: MailId, text: String) -> ApiResult<InboundMailOutcome> {
    fetch(Call::new(Method::POST, &format!("/mails/{id}/answer")).with_json(&MailAnswer { text })?).await
}

pub async fn unsubscribe(token: String) -> ApiResult<Unsubscribed> {
    let call = Call::new(Method::POST, "/mail/unsubscribe").with_query("token", token);
    fetch_public(call).await
}
