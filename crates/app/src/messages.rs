//! Messages on their own: the one rule for a message's text, counting a text's segments, and
//! sending a failed one again.

use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::jobs::{self, Job};
use textdesk_db::messages::{self, DeliveryChanges, MessageRow};
use textdesk_db::organizations::{self, OrganizationRow};
use textdesk_db::{DbConnection, DbError, now};
use textdesk_domain::text::check_multiline;
use textdesk_types::MessageId;
use textdesk_types::messages::{CountSegments, Direction, Message, MessageStatus, SegmentReport};
use textdesk_types::sms;

use crate::{AppContext, AppError, AppResult, Caller, Permission, compliance};

/// The longest text any length policy allows (the MMS text-only limit). Refused before a
/// transaction opens, so a huge body never holds a writer; the organization's own policy is
/// checked when the message is queued.
pub const BODY_MAX_CHARS: usize = 2000;

/// A message's or note's text: at most [`BODY_MAX_CHARS`], line breaks and tabs but no other
/// control characters, and not blank unless media go with it. Sending, notes and the segment
/// counter all read this one rule.
pub fn parse_body(raw: &str, has_media: bool) -> AppResult<String> {
    if raw.chars().nth(BODY_MAX_CHARS).is_some() {
        return Err(AppError::field(
            "body",
            "too_long",
            format!("must be at most {BODY_MAX_CHARS} characters long"),
        ));
    }
    check_multiline(raw).map_err(|invalid| AppError::invalid("body", invalid))?;
    match (raw.trim().is_empty(), has_media) {
        (true, true) => Ok(String::new()),
        (true, false) => Err(AppError::field("body", "required", "must not be empty")),
        (false, _) => Ok(raw.to_owned()),
    }
}

/// The longest text counted; longer ones could never be sent.
pub const COUNT_MAX_CHARACTERS: usize = 10_000;

/// Counts a text's SMS segments as the carrier will, and says whether the organization's length
/// rules and the rule every body meets would let it go.
pub fn count_segments(app: &AppContext, caller: &Caller, request: CountSegments) -> AppResult<SegmentReport> {
    caller.permits(Permission::SendMessages)?;
    let CountSegments { body, with_media } = request;
    if body.chars().count() > COUNT_MAX_CHARACTERS {
        return Err(AppError::field(
            "body",
            "too_long",
            format!("must be at most {COUNT_MAX_CHARACTERS} characters"),
        ));
    }
    let organization = app.db.read(|conn| organizations::find(conn, &caller.organization_id))?;
    let count = sms::count(&body);
    let refusal = refusal(&organization, &body, with_media);
    Ok(SegmentReport {
        encoding: count.encoding,
        segments: count.segments,
        units: count.units,
        remaining: count.remaining,
        allowed: refusal.is_none(),
        refusal,
    })
}

/// Why sending the text would be refused. The length policy's refusal reads best (it counts
/// segments); then the rule every message body must meet, so the counter never allows what
/// sending refuses.
fn refusal(organization: &OrganizationRow, body: &str, with_media: bool) -> Option<String> {
    let policy = if with_media && body.trim().is_empty() {
        None
    } else {
        sms::check_length(body, compliance::length_policy(organization, with_media))
            .err()
            .map(|error| error.to_string())
    };
    policy.or_else(|| match parse_body(body, with_media) {
        Err(AppError::Validation(errors)) => errors.first().map(|error| format!("The text {}.", error.message)),
        _ => None,
    })
}

/// Sends a failed outbound message again, in its own lane.
pub fn retry(app: &AppContext, caller: &Caller, id: MessageId) -> AppResult<Message> {
    caller.permits(Permission::SendMessages)?;
    let (app, caller) = (app.clone(), caller.clone());
    app.db.clone().write(move |conn| {
        let message = match messages::find(conn, &id) {
            Ok(message) if message.organization_id == caller.organization_id => message,
            Ok(_) | Err(DbError::NotFound) => return Err(AppError::NotFound("message")),
            Err(other) => return Err(other.into()),
        };
        if message.status != MessageStatus::Failed || message.direction != Direction::Outbound {
            return Err(AppError::conflict(
                "not_failed",
                "Only a failed outbound message can be sent again.",
            ));
        }
        let organization = organizations::find(conn, &caller.organization_id)?;
        let contact = contacts::find(conn, &caller.organization_id, &message.contact_id)?;
        compliance::ensure_sendable(&organization, &contact)?;
        let updated = requeue(conn, &app, &organization, &contact, &message)?;
        messages::announce_status(conn, &updated)?;
        Ok(messages::into_wire_one(conn, updated)?)
    })
}

/// Queues a failed message again in its own lane; an automated or bulk message waits for quiet
/// hours to end, as when it was first sent.
fn requeue(
    conn: &mut DbConnection,
    app: &AppContext,
    organization: &OrganizationRow,
    contact: &ContactRow,
    message: &MessageRow,
) -> AppResult<MessageRow> {
    let lane = jobs::stored_lane(message.lane);
    let held = compliance::hold_until(&app.clock, organization, (contact, &message.from_number), lane)?;
    let changes = DeliveryChanges {
        status: Some(MessageStatus::Queued),
        error_code: Some(None),
        error_message: Some(None),
        scheduled_at: Some(held),
        ..Default::default()
    };
    let updated = messages::update_delivery(conn, &message.id, &changes)?;
    jobs::enqueue_at(
        conn,
        Some(&message.organization_id),
        &Job::send_message(&message.id),
        lane,
        held.unwrap_or_else(now),
    )?;
    Ok(updated)
}

/// The text as it goes to the contact: every merge field replaced by the contact's value.
/// A field the contact has no value for is refused, naming it, rather than sent as a gap.
pub fn merged_body(body: &str, contact: &textdesk_types::contacts::Contact) -> AppResult<String> {
    let merged = textdesk_types::merge::merge(body, &contact.merge_values());
    if !merged.missing.is_empty() {
        let names = merged
            .missing
            .iter()
            .map(|name| format!("{{{{{name}}}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        let detail = if merged.missing.len() == 1 {
            format!("this contact has no value for {names}")
        } else {
            format!("this contact has no values for {names}")
        };
        return Err(AppError::field("body", "merge_field_missing", detail));
    }
    Ok(merged.text)
}
