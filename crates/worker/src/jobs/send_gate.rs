//! The last compliance check before a text leaves, by the one sending rule
//! (`textdesk_types::sending`): the contact's state may have changed since the message was queued (a STOP while a bulk text waited for quiet hours to end), and the
//! consent text must reach the contact before their first message, whatever the queue order.

use chrono::{Duration, Utc};
use textdesk_db::contacts;
use textdesk_db::messages::{self, MessageRow};
use textdesk_db::{DbError, jobs, organizations};
use textdesk_types::messages::MessagePurpose;
use textdesk_types::sending::{self, SendRefusal};

use crate::WorkerContext;

/// How long a message waits for the consent text queued before it to go out.
pub(crate) const CONSENT_WAIT: Duration = Duration::seconds(1);

pub(crate) enum Gate {
    Send,
    /// Never to be sent: why, as an error code and a text for the agents.
    Refuse {
        code: &'static str,
        reason: String,
    },
    /// The contact's consent text has not gone out yet; it was made due now.
    WaitForConsentText,
}

pub(crate) fn check(context: &WorkerContext, message: &MessageRow) -> anyhow::Result<Gate> {
    let purpose = message.purpose;
    let (contact, double_opt_in) = context.db.read(|conn| -> Result<_, DbError> {
        let organization = &message.organization_id;
        let contact = contacts::find(conn, organization, &message.contact_id)?;
        Ok((contact, organizations::find(conn, organization)?.settings.double_opt_in))
    })?;
    if let Some(refusal) = sending::refusal(contact.recipient(), double_opt_in, purpose) {
        return Ok(Gate::Refuse {
            code: refusal.code(),
            reason: not_sent_because(refusal).to_owned(),
        });
    }
    if purpose == MessagePurpose::Normal
        && contact.consent_message_sent_at.is_some()
        && hurry_consent_text(context, message)?
    {
        return Ok(Gate::WaitForConsentText);
    }
    Ok(Gate::Send)
}

/// What the agents read on a message the rule stopped after it was queued.
fn not_sent_because(refusal: SendRefusal) -> &'static str {
    match refusal {
        SendRefusal::OptedOut { .. } => "The contact opted out before this message was sent; it was not sent.",
        SendRefusal::ConsentDeclined => "The contact declined consent before this message was sent; it was not sent.",
        SendRefusal::ConsentPending => "The contact has not confirmed their consent (double opt-in); it was not sent.",
    }
}

/// Makes the consent text still waiting in the message's conversation due at once, in the
/// message's lane or a faster one; returns whether there is one to wait for. Pulled forward
/// on both clocks, so it is taken before the message deferred after it.
fn hurry_consent_text(context: &WorkerContext, message: &MessageRow) -> anyhow::Result<bool> {
    let due = Utc::now().naive_utc().min(context.clock.now_naive());
    let waiting = context.db.write(|conn| -> Result<bool, DbError> {
        let Some(consent) = messages::unsent_consent_request(conn, &message.conversation_id)? else {
            return Ok(false);
        };
        if consent.id == message.id {
            return Ok(false);
        }
        jobs::hurry_send(conn, &consent.id, message.lane, due)
    })?;
    Ok(waiting)
}
