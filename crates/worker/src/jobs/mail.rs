//! Writing notifications once their burst is over, and handing mail to the SMTP server.

use textdesk_app::mail::notifications::{self, Step};
use textdesk_db::mails;
use textdesk_providers::mail::{MailError, OutgoingMail};
use textdesk_types::mail::{MailKind, MailStatus};
use textdesk_types::{AgentId, ConversationId, MailId};

use super::{MAX_ATTEMPTS, Next};
use crate::WorkerContext;

/// What a sent reset mail keeps of its bodies: the link must not outlive its sending.
const REDACTED_RESET: &str = "(The reset link was sent and is not kept.)";

pub(crate) fn notify(context: &WorkerContext, agent: &AgentId, conversation: &ConversationId) -> anyhow::Result<Next> {
    Ok(
        match notifications::write(&context.app(), &context.mail, agent, conversation)? {
            Step::Done => Next::Done,
            Step::WaitUntil(at) => Next::DeferUntil(at),
        },
    )
}

/// Sends the mail once: a mail the server accepted (or the outbox took) before is not sent
/// again, and its `Message-ID` is the same on every attempt, so if the worker dies between the
/// server's answer and the record of it, the reader's client shows the two as one.
pub(crate) fn send(context: &WorkerContext, id: &MailId, attempts: i32) -> anyhow::Result<Next> {
    let Some(mail) = context.db.read(|conn| mails::find(conn, id))? else {
        return Ok(Next::Done);
    };
    if mail.status != MailStatus::Queued {
        return Ok(Next::Done);
    }
    let now = context.clock.now_naive();
    let Some(mailer) = &context.mailer else {
        context.db.write(|conn| mails::mark_kept(conn, id, now))?;
        return Ok(Next::Done);
    };
    let outgoing = OutgoingMail {
        from: &context.mail_from,
        to: &mail.to_address,
        reply_to: mail.reply_to.as_deref(),
        subject: &mail.subject,
        text_body: &mail.text_body,
        html_body: &mail.html_body,
        message_id: &mail.message_id,
        thread_root: mail.thread_root.as_deref(),
        unsubscribe_url: mail.unsubscribe_url.as_deref(),
    };
    match mailer.send(&outgoing) {
        Ok(response) => {
            context.db.write(|conn| {
                mails::mark_sent(conn, id, &response, now)?;
                if mail.kind == MailKind::PasswordReset {
                    mails::redact(conn, id, REDACTED_RESET)?;
                }
                Ok::<_, textdesk_db::DbError>(())
            })?;
            tracing::info!(mail = %id, %response, "mail sent");
            Ok(Next::Done)
        }
        Err(MailError::Transient(error)) if attempts < MAX_ATTEMPTS => {
            context
                .db
                .write(|conn| mails::record_failure(conn, id, &error, false))?;
            tracing::warn!(mail = %id, %error, attempts, "mail not sent yet; trying again");
            Ok(Next::RetryLater(error))
        }
        Err(MailError::Transient(error) | MailError::Permanent(error)) => {
            context.db.write(|conn| mails::record_failure(conn, id, &error, true))?;
            tracing::error!(mail = %id, %error, "mail could not be sent");
            Ok(Next::Done)
        }
    }
}
