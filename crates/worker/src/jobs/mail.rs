//! Writing notifications once their burst is over, and handing mail to the SMTP server.

use chrono::Duration;
use textdesk_app::mail::notifications::{self, Step};
use textdesk_db::mails;
use textdesk_providers::mail::{MailError, OutgoingMail};
use textdesk_types::mail::{MailKind, MailStatus};
use textdesk_types::{AgentId, ConversationId, MailId};

use super::Next;
use crate::WorkerContext;

/// When a mail the server could not take is tried again, after each failed attempt: an SMTP
/// server down for days delays mail and loses none; one that refuses it for good fails it.
const RETRY_AFTER: [Duration; 12] = [
    Duration::seconds(30),
    Duration::minutes(2),
    Duration::minutes(5),
    Duration::minutes(15),
    Duration::minutes(30),
    Duration::hours(1),
    Duration::hours(2),
    Duration::hours(4),
    Duration::hours(8),
    Duration::hours(12),
    Duration::hours(24),
    Duration::hours(24),
];

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
        Err(MailError::Transient(error)) => match retry_after(attempts) {
            Some(wait) => {
                context
                    .db
                    .write(|conn| mails::record_failure(conn, id, &error, false))?;
                tracing::warn!(mail = %id, %error, attempts, "mail not sent yet; trying again");
                Ok(Next::RetryAt(now + wait, error))
            }
            None => fail(context, id, &error),
        },
        Err(MailError::Permanent(error)) => fail(context, id, &error),
    }
}

fn fail(context: &WorkerContext, id: &MailId, error: &str) -> anyhow::Result<Next> {
    context.db.write(|conn| mails::record_failure(conn, id, error, true))?;
    tracing::error!(mail = %id, %error, "mail could not be sent");
    Ok(Next::Done)
}

/// The wait after the `attempts`th failed attempt; none once the schedule is spent.
fn retry_after(attempts: i32) -> Option<Duration> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    RETRY_AFTER.get(index).copied()
}
