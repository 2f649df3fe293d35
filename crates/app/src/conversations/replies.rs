use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::ConversationRow;
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, DbError, media, messages, organizations, unread};
use textdesk_domain::phone::PhoneNumber;
use textdesk_types::messages::{Direction, Message, MessagePurpose, SendLane, SendMessage, SendToPhone};
use textdesk_types::{ConversationId, MediaId, NumberId};

use super::{contact_of, find};
use crate::compliance;
use crate::messages::parse_body;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// Replies in an open conversation. Returns once the message is queued; its status then moves
/// on as the provider reports.
pub fn reply(app: &AppContext, caller: &Caller, id: ConversationId, request: SendMessage) -> AppResult<Message> {
    caller.permits(Permission::SendMessages)?;
    let body = parse_body(&request.body, !request.media_ids.is_empty())?;
    let (app, caller) = (app.clone(), caller.clone());
    app.db.clone().write(move |conn| {
        let conversation = find(conn, &caller, &id)?;
        if !conversation.is_open() {
            return Err(AppError::conflict(
                "conversation_closed",
                "This conversation is closed; start a new one to write to this contact again.",
            ));
        }
        let contact = contact_of(conn, &caller, &conversation)?;
        let number = choose_number(conn, &caller, request.from_number_id.as_ref(), &contact)?;
        let outgoing = Outgoing {
            body: &body,
            media_ids: &request.media_ids,
            lane: request.lane,
        };
        queue(conn, &app, &caller, (&contact, &number), outgoing)
    })
}

/// Sends a message to a phone number: the contact, thread and conversation are created as
/// needed; an open conversation with the contact is continued.
pub fn send_to_phone(app: &AppContext, caller: &Caller, request: SendToPhone) -> AppResult<Message> {
    caller.permits(Permission::SendMessages)?;
    let phone = PhoneNumber::parse(&request.to).map_err(|invalid| AppError::invalid("to", invalid))?;
    let body = parse_body(&request.body, !request.media_ids.is_empty())?;
    let (app, caller) = (app.clone(), caller.clone());
    app.db.clone().write(move |conn| {
        let (contact, _) = contacts::find_or_create(conn, &caller.organization_id, phone.as_str())?;
        let number = choose_number(conn, &caller, request.from_number_id.as_ref(), &contact)?;
        let outgoing = Outgoing {
            body: &body,
            media_ids: &request.media_ids,
            lane: request.lane,
        };
        queue(conn, &app, &caller, (&contact, &number), outgoing)
    })
}

/// Replies from away from the app (by email, from a phone by text relay): in the conversation
/// while it is open; after it was closed, to the contact through the same number, which
/// continues their open conversation or opens the thread's next one.
pub fn reply_from_afar(
    app: &AppContext,
    caller: &Caller,
    conversation: &ConversationRow,
    body: &str,
) -> AppResult<Message> {
    if conversation.is_open() {
        let request = SendMessage {
            body: body.to_owned(),
            from_number_id: conversation.number_id.clone(),
            media_ids: Vec::new(),
            lane: SendLane::Conversational,
        };
        return reply(app, caller, conversation.id.clone(), request);
    }
    let contact = app
        .db
        .read(|conn| Ok::<_, AppError>(contacts::find(conn, &caller.organization_id, &conversation.contact_id)?))?;
    let request = SendToPhone {
        to: contact.phone_number,
        body: body.to_owned(),
        from_number_id: conversation.number_id.clone(),
        media_ids: Vec::new(),
        lane: SendLane::Conversational,
    };
    send_to_phone(app, caller, request)
}

/// The number to send through: the one asked for, else the one last used with the contact,
/// else the organization's first enabled number. Relay numbers text agents only.
pub fn choose_number(
    conn: &mut DbConnection,
    caller: &Caller,
    asked: Option<&NumberId>,
    contact: &ContactRow,
) -> AppResult<NumberRow> {
    let organization = &caller.organization_id;
    let row = match asked {
        Some(id) => numbers::find(conn, organization, id).or_unknown(
            "from_number_id",
            "unknown_number",
            "is not a number of this organization",
        )?,
        None => match remembered_number(conn, caller, contact)? {
            Some(number) => number,
            None => numbers::list(conn, organization)?
                .into_iter()
                .find(|number| number.enabled && !number.relay)
                .ok_or_else(|| AppError::conflict("no_number", "Connect a business number before sending."))?,
        },
    };
    if row.relay {
        return Err(AppError::field(
            "from_number_id",
            "relay_number",
            "is set aside for text relay and texts no customer",
        ));
    }
    if !row.enabled {
        return Err(AppError::conflict(
            "number_disabled",
            "This business number is switched off.",
        ));
    }
    Ok(row)
}

/// The number last used with the contact, while it is still connected and switched on.
fn remembered_number(conn: &mut DbConnection, caller: &Caller, contact: &ContactRow) -> AppResult<Option<NumberRow>> {
    let Some(id) = contact.last_number_id.clone() else {
        return Ok(None);
    };
    match numbers::find(conn, &caller.organization_id, &id) {
        Ok(number) => Ok(Some(number).filter(|number| number.enabled && !number.relay)),
        Err(DbError::NotFound) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// What an agent or API client sends.
pub(super) struct Outgoing<'a> {
    pub body: &'a str,
    pub media_ids: &'a [MediaId],
    pub lane: SendLane,
}

/// Queues the caller's message after the compliance checks: the contact may be texted, the
/// text fits the organization's length policy, automated and bulk texts wait for quiet hours
/// to end, and the consent message goes first when it is due.
pub(super) fn queue(
    conn: &mut DbConnection,
    app: &AppContext,
    caller: &Caller,
    (contact, number): (&ContactRow, &NumberRow),
    outgoing: Outgoing<'_>,
) -> AppResult<Message> {
    let organization = organizations::find(conn, &caller.organization_id)?;
    compliance::ensure_sendable(&organization, contact)?;
    let body = crate::messages::merged_body(outgoing.body, &contact.clone().into_wire()?)?;
    compliance::check_body(&organization, &body, !outgoing.media_ids.is_empty())?;
    let held = compliance::hold_until(
        &app.clock,
        &organization,
        (contact, &number.phone_number),
        outgoing.lane,
    )?;
    let lane = outgoing.lane;
    let number_id = number.id.clone();
    let through = (&number_id, number.phone_number.as_str());
    compliance::precede_with_consent_message(conn, &organization, contact, through, (lane, held))?;
    let author = caller.author();
    let recorded = threads::record(
        conn,
        &caller.organization_id,
        NewThreadMessage {
            contact,
            conversation: None,
            number: Some(through),
            direction: Direction::Outbound,
            body: &body,
            author_kind: author.kind,
            author_id: author.id,
            author_label: author.label,
            source: None,
            lane,
            provider_ids: None,
            purpose: MessagePurpose::Normal,
            scheduled_at: held,
        },
    )?;
    let media_ids = outgoing.media_ids;
    if !media_ids.is_empty() && !media::attach(conn, &caller.organization_id, media_ids, &recorded.message.id)? {
        return Err(AppError::field(
            "media_ids",
            "unknown_media",
            "must be uploads of this organization not yet sent",
        ));
    }
    unread::mark_read(conn, &caller.agent_id, &recorded.conversation.id)?;
    let mut message = messages::into_wire_one(conn, recorded.message)?;
    let media_bytes = message.media.iter().map(|item| item.size_bytes).sum();
    message.warnings.extend(compliance::media_warning(media_bytes));
    Ok(message)
}
