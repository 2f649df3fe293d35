//! The compliance rules every send path and every inbound text goes through: opt-outs and
//! consent block sends, the consent message precedes a contact's first text, length follows
//! the organization's policy, automated and bulk texts wait for the contact's daytime, and
//! opt-out, opt-in and help keywords are acted on.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use textdesk_db::clock::Clock;
use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contacts::ContactRow;
use textdesk_db::messages::MessageRow;
use textdesk_db::organizations::OrganizationRow;
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, now};
use textdesk_domain::compliance::{KeywordAction, KeywordLists, match_keyword};
use textdesk_domain::organization::send_window;
use textdesk_domain::quiet_hours::{next_allowed, zone_for_phone};
use textdesk_types::contacts::Consent;
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose, SendLane};
use textdesk_types::sending;
use textdesk_types::sms::{LengthPolicy, check_length};
use textdesk_types::{NumberId, OrganizationId};

use crate::AppError;

pub use textdesk_types::media::{MMS_WARNING_BYTES, media_warning};

/// Refuses an agent's or API client's text to a contact who may not be texted (the one rule
/// in `textdesk_types::sending`).
pub fn ensure_sendable(organization: &OrganizationRow, contact: &ContactRow) -> Result<(), AppError> {
    match sending::refusal(
        contact.recipient(),
        organization.settings.double_opt_in,
        MessagePurpose::Normal,
    ) {
        Some(refusal) => Err(AppError::conflict(
            refusal.code(),
            refusal.explain(&contact.display_name()),
        )),
        None => Ok(()),
    }
}

/// Checks the text against the organization's length policy: one segment, three, or the
/// MMS text-only limit when media go with it.
pub fn check_body(organization: &OrganizationRow, body: &str, has_media: bool) -> Result<(), AppError> {
    if has_media && body.trim().is_empty() {
        return Ok(());
    }
    check_length(body, length_policy(organization, has_media))
        .map(|_| ())
        .map_err(|error| AppError::field("body", "too_long", error.to_string()))
}

/// The organization's length rule for a text, with or without media.
pub fn length_policy(organization: &OrganizationRow, has_media: bool) -> LengthPolicy {
    let settings = &organization.settings;
    LengthPolicy::for_message(settings.concatenation_allowed, settings.mms_text_only, has_media)
}

/// When a message on `lane` to `contact` through the business number `sender` may go out:
/// `None` for now, else the time quiet hours end in the contact's time zone. Agents'
/// conversational replies are never held.
pub fn hold_until(
    clock: &Clock,
    organization: &OrganizationRow,
    (contact, sender): (&ContactRow, &str),
    lane: SendLane,
) -> Result<Option<NaiveDateTime>, AppError> {
    if lane == SendLane::Conversational {
        return Ok(None);
    }
    let window = send_window(&organization.settings).map_err(|e| AppError::internal(&e.message))?;
    let now = clock.now();
    let allowed = next_allowed(now, contact_zone(contact, sender), &window);
    Ok((allowed > now).then(|| allowed.naive_utc()))
}

/// The contact's own time zone, else the one of their number's area code or country, else
/// the sending business number's (a toll-free or unplaceable contact number is most likely
/// a local customer), else UTC.
fn contact_zone(contact: &ContactRow, sender: &str) -> Tz {
    contact
        .time_zone
        .as_deref()
        .and_then(|name| name.parse::<Tz>().ok())
        .or_else(|| zone_for_phone(&contact.phone_number))
        .or_else(|| zone_for_phone(sender))
        .unwrap_or(Tz::UTC)
}

/// A text Textdesk sends by itself (a confirmation, a help reply, a consent request): kept
/// in the thread with its purpose, out of the normal thread view.
pub struct SystemText<'a> {
    pub organization: &'a OrganizationId,
    pub contact: &'a ContactRow,
    pub number: (&'a NumberId, &'a str),
    pub body: &'a str,
    pub purpose: MessagePurpose,
    pub lane: SendLane,
    pub scheduled_at: Option<NaiveDateTime>,
}

pub fn queue_system_text(conn: &mut DbConnection, text: SystemText<'_>) -> Result<MessageRow, AppError> {
    let recorded = threads::record(
        conn,
        text.organization,
        NewThreadMessage {
            contact: text.contact,
            conversation: None,
            number: Some(text.number),
            direction: Direction::Outbound,
            body: text.body,
            author_kind: AuthorKind::System,
            author_id: None,
            author_label: None,
            source: None,
            lane: text.lane,
            provider_ids: None,
            purpose: text.purpose,
            scheduled_at: text.scheduled_at,
        },
    )?;
    Ok(recorded.message)
}

/// Queues the organization's consent text ahead of the contact's first message, once. The
/// contact is marked in the same transaction, so concurrent first sends queue it once; it
/// rides the same lane and hold as the message, and is queued first, so it goes out first.
pub fn precede_with_consent_message(
    conn: &mut DbConnection,
    organization: &OrganizationRow,
    contact: &ContactRow,
    number: (&NumberId, &str),
    (lane, scheduled_at): (SendLane, Option<NaiveDateTime>),
) -> Result<(), AppError> {
    if !organization.settings.consent_message_required || contact.consent_message_sent_at.is_some() {
        return Ok(());
    }
    if !consent::claim_consent_message(conn, &contact.id, now())? {
        return Ok(());
    }
    queue_system_text(
        conn,
        SystemText {
            organization: &organization.id,
            contact,
            number,
            body: &organization.settings.consent_message_text,
            purpose: MessagePurpose::ConsentRequest,
            lane,
            scheduled_at,
        },
    )?;
    Ok(())
}

/// Acts on an inbound text whose whole body is a keyword of the organization's lists. The
/// inbound message itself is stored by the caller, as any other.
pub fn handle_keyword(
    conn: &mut DbConnection,
    organization: &OrganizationRow,
    contact: &ContactRow,
    number: (&NumberId, &str),
    body: &str,
) -> Result<(), AppError> {
    let matched = match_keyword(body, &KeywordLists::from_settings(&organization.settings))
        .or_else(|| confirms_consent(contact, body).then_some((KeywordAction::OptIn, CONFIRMATION_KEYWORD)));
    let Some((action, keyword)) = matched else {
        return Ok(());
    };
    let by = ChangedBy::keyword(keyword);
    let at = now();
    let reply = match action {
        KeywordAction::OptOut => consent::opt_out(conn, contact, &by, at)?.then_some((
            &organization.settings.opt_out_confirmation_text,
            MessagePurpose::OptOutConfirmation,
        )),
        KeywordAction::OptIn => opt_in_by_keyword(conn, organization, contact, &by, at)?.then_some((
            &organization.settings.opt_in_confirmation_text,
            MessagePurpose::OptInConfirmation,
        )),
        // Carriers expect HELP answered even from an opted-out contact (CTIA).
        KeywordAction::Help => Some((&organization.settings.help_text, MessagePurpose::HelpReply)),
    };
    let Some((text, purpose)) = reply else {
        return Ok(());
    };
    queue_system_text(
        conn,
        SystemText {
            organization: &organization.id,
            contact,
            number,
            body: text,
            purpose,
            lane: SendLane::Conversational,
            scheduled_at: None,
        },
    )?;
    Ok(())
}

/// The answer the double opt-in request asks for.
const CONFIRMATION_KEYWORD: &str = "YES";

/// YES from a contact whose consent is pending confirms it, whatever the organization's opt-in
/// list says: it is the answer the double opt-in request asks for.
fn confirms_consent(contact: &ContactRow, body: &str) -> bool {
    !contact.opted_out && contact.consent == Consent::Pending && body.trim().eq_ignore_ascii_case(CONFIRMATION_KEYWORD)
}

/// An opt-in keyword: confirms a pending double opt-in, and opts an opted-out contact back in
/// when the organization lets keywords do that (else records the request for an agent).
/// Returns whether an opt-in confirmation is due.
fn opt_in_by_keyword(
    conn: &mut DbConnection,
    organization: &OrganizationRow,
    contact: &ContactRow,
    by: &ChangedBy<'_>,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    if !contact.opted_out {
        if contact.consent == Consent::Pending {
            // False when a concurrent YES confirmed it first: one confirmation is enough.
            return Ok(consent::set_consent(conn, contact, Consent::Yes, by, at)?);
        }
        return Ok(false);
    }
    if organization.settings.opt_in_by_keyword {
        Ok(consent::opt_in(conn, contact, by, at)?)
    } else {
        consent::request_opt_in(conn, contact, by, at)?;
        Ok(false)
    }
}
