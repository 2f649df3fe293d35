//! Replies by email: a raw RFC 5322 message, from the HTTP endpoint inbound-mail services post
//! to or from a mail server's pipe, becomes a text from the agent to the contact, through the
//! same operation as a reply in the app and with all its rules.

use textdesk_db::mails::{self, MailRow};
use textdesk_db::{agents, conversations};
use textdesk_domain::mail_reply::{reply_text, reply_token};
use textdesk_providers::mail::{ReceivedMail, read_received};
use textdesk_types::mail::{InboundMailOutcome, MailKind};

use super::{Envelope, MailSettings, compose, queue_plain};
use crate::conversations::reply_from_afar;
use crate::tokens::hash_token;
use crate::{AppContext, AppError, AppResult, Caller};

/// Reads the raw message and acts on it.
pub fn receive(app: &AppContext, settings: &MailSettings, raw: &[u8]) -> AppResult<InboundMailOutcome> {
    let Some(received) = read_received(raw) else {
        return Err(AppError::BadRequest {
            code: "not_a_mail",
            detail: "The body is not an RFC 5322 mail message.".to_owned(),
        });
    };
    if let Some(reason) = &received.automatic {
        tracing::info!(%reason, from = ?received.from, "an automatic mail was ignored");
        return Ok(InboundMailOutcome::Ignored { reason: reason.clone() });
    }
    let Some(notification) = answered_notification(app, settings, &received)? else {
        tracing::info!(from = ?received.from, "a mail that answers no notification was dropped");
        return Ok(InboundMailOutcome::Refused {
            reason: "It answers no notification Textdesk sent, or its reply address was revoked.".to_owned(),
        });
    };
    let now = app.clock.now_naive();
    if let Some(id) = &received.message_id
        && !app
            .db
            .write(|conn| Ok::<_, AppError>(mails::first_receipt(conn, id, now)?))?
    {
        return Ok(InboundMailOutcome::Ignored {
            reason: "This mail was handled before.".to_owned(),
        });
    }
    let written = reply_text(&received.text);
    match send(app, &notification, &received, &written) {
        Ok(outcome) => Ok(outcome),
        Err(Failed::Refused { reason, from_agent }) => {
            if let Some(from) = &received.from {
                // A stranger is told only that nothing was sent: never their words back, nor
                // whose notification it was, so a reply address relays none of their mail.
                let written = if from_agent { written.as_str() } else { "" };
                explain(
                    app,
                    settings,
                    &notification,
                    from,
                    (&received.subject, &reason, written),
                )?;
            }
            Ok(InboundMailOutcome::Refused { reason })
        }
        Err(Failed::Error(error)) => {
            // Not the reply's fault: the service or the pipe brings it again later.
            if let Some(id) = &received.message_id {
                app.db
                    .write(|conn| Ok::<_, AppError>(mails::forget_receipt(conn, id)?))?;
            }
            Err(error)
        }
    }
}

/// The notification the mail answers: by its reply address's token, else by the ids it says it
/// replies to.
fn answered_notification(
    app: &AppContext,
    settings: &MailSettings,
    received: &ReceivedMail,
) -> AppResult<Option<MailRow>> {
    let token = received
        .recipients
        .iter()
        .find_map(|address| reply_token(address, &settings.reply_domain));
    app.db.read(|conn| {
        if let Some(token) = token {
            return Ok(mails::by_reply_token(conn, &hash_token(token))?);
        }
        Ok(mails::answerable_by_message_ids(conn, &received.replying_to)?)
    })
}

/// Why a reply was not sent.
enum Failed {
    /// The reply breaks a rule: its writer is told why, in words for them.
    Refused { reason: String, from_agent: bool },
    /// Something passing (the database, a busy server): the reply may come again.
    Error(AppError),
}

impl Failed {
    fn refused(reason: impl Into<String>) -> Failed {
        Failed::Refused {
            reason: reason.into(),
            from_agent: true,
        }
    }
}

impl From<AppError> for Failed {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Validation(fields) => Failed::refused(
                fields
                    .iter()
                    .map(|field| format!("The text {}.", field.message))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::BadRequest { detail, .. }
            | AppError::Conflict { detail, .. }
            | AppError::Forbidden { detail, .. }
            | AppError::Gone { detail, .. }
            | AppError::RateLimited { detail, .. } => Failed::refused(detail),
            AppError::NotFound(what) => Failed::refused(format!("The {what} no longer exists.")),
            other => Failed::Error(other),
        }
    }
}

fn send(
    app: &AppContext,
    notification: &MailRow,
    received: &ReceivedMail,
    written: &str,
) -> Result<InboundMailOutcome, Failed> {
    let (Some(agent_id), Some(conversation_id)) = (&notification.agent_id, &notification.conversation_id) else {
        return Err(Failed::refused(
            "The conversation of that notification no longer exists.",
        ));
    };
    let organization = &notification.organization_id;
    let (agent, conversation) = app.db.read(|conn| {
        let agent = agents::find(conn, organization, agent_id)?;
        let conversation = conversations::find(conn, organization, conversation_id).ok();
        Ok::<_, AppError>((agent, conversation))
    })?;
    let from_agent = received
        .from
        .as_deref()
        .is_some_and(|from| from.eq_ignore_ascii_case(&agent.email));
    if !from_agent {
        return Err(Failed::Refused {
            reason: "Replies to this notification are taken only from the address it was sent to.".to_owned(),
            from_agent: false,
        });
    }
    if agent.disabled {
        return Err(Failed::refused("Your Textdesk account is disabled."));
    }
    let Some(conversation) = conversation else {
        return Err(Failed::refused("The conversation of that notification was deleted."));
    };
    if written.is_empty() {
        return Err(Failed::refused(
            "Nothing was written above the quoted mail, so there was nothing to send.",
        ));
    }
    let caller = Caller::agent(organization.clone(), agent.id.clone(), agent.role);
    let message = reply_from_afar(app, &caller, &conversation, written)?;
    Ok(InboundMailOutcome::Sent {
        conversation_id: message.conversation_id,
        message_id: message.id,
    })
}

/// Mails the writer why their reply was not sent.
fn explain(
    app: &AppContext,
    settings: &MailSettings,
    notification: &MailRow,
    to: &str,
    (subject, reason, written): (&str, &str, &str),
) -> AppResult<()> {
    let composed = compose::reply_refused(subject, reason, written);
    let now = app.clock.now_naive();
    app.db.write(|conn| {
        let envelope = Envelope {
            organization: &notification.organization_id,
            agent: notification.agent_id.as_ref(),
            kind: MailKind::ReplyRefused,
            to,
        };
        queue_plain(conn, settings, envelope, &composed, now)?;
        Ok(())
    })
}
