//! Recording a message in a contact's thread: the open conversation is found or a new one is
//! opened with the next number, the message is stored, the conversation shows it as its latest
//! activity, and the change feed says so, all in the caller's transaction.

use chrono::NaiveDateTime;
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose, MessageStatus};
use textdesk_types::sms;
use textdesk_types::{ContactId, NumberId, OrganizationId};

use crate::contacts::{self, ContactRow};
use crate::conversations::{self, ConversationRow};
use crate::jobs::{self, Lane};
use crate::messages::{self, MessageRow};
use crate::{DbConnection, DbError, events, ids, now};

/// A message to record; `number` is the business number it goes through (none for notes).
pub struct NewThreadMessage<'a> {
    pub organization: &'a OrganizationId,
    pub contact: &'a ContactRow,
    /// Where to record it; `None` means the thread's open conversation, or a new one.
    pub conversation: Option<&'a ConversationRow>,
    pub number: Option<(&'a NumberId, &'a str)>,
    pub direction: Direction,
    pub body: &'a str,
    pub author_kind: AuthorKind,
    pub author_id: Option<&'a str>,
    pub lane: Lane,
    /// The provider's account and message id, for inbound messages.
    pub provider_ids: Option<(&'a str, &'a str)>,
    pub purpose: MessagePurpose,
    /// Hold an outbound message until then (quiet hours); `None` sends it now.
    pub scheduled_at: Option<NaiveDateTime>,
}

pub struct Recorded {
    pub conversation: ConversationRow,
    pub message: MessageRow,
    pub opened_conversation: bool,
}

/// Stores the message. Outbound messages are queued and a send job is enqueued with them.
pub fn record(conn: &mut DbConnection, new: NewThreadMessage<'_>) -> Result<Recorded, DbError> {
    let at = now();
    let contact_id = ContactId::new(new.contact.id.clone());
    let open = match new.conversation {
        Some(given) => Some(given.clone()),
        None => conversations::find_open(conn, &contact_id)?,
    };
    let (conversation, opened_conversation) = match open {
        Some(open) => (open, false),
        None => (conversations::open(conn, new.organization, &contact_id, at)?, true),
    };
    let counted = sms::count(new.body);
    let (number_id, business_number) = match new.number {
        Some((id, phone)) => (Some(id.to_string()), phone.to_owned()),
        None => (None, String::new()),
    };
    let (from_number, to_number, status) = match new.direction {
        Direction::Inbound => (
            new.contact.phone_number.clone(),
            business_number,
            MessageStatus::Received,
        ),
        Direction::Outbound => (business_number, new.contact.phone_number.clone(), MessageStatus::Queued),
        Direction::Note | Direction::System => (String::new(), String::new(), MessageStatus::Delivered),
    };
    let message = MessageRow {
        id: ids::new_id(),
        organization_id: new.organization.to_string(),
        conversation_id: conversation.id.clone(),
        contact_id: new.contact.id.clone(),
        number_id,
        direction: new.direction.as_str().to_owned(),
        body: new.body.to_owned(),
        from_number,
        to_number,
        author_kind: new.author_kind.as_str().to_owned(),
        author_id: new.author_id.map(str::to_owned),
        provider_account: new.provider_ids.map(|(account, _)| account.to_owned()),
        provider_message_id: new.provider_ids.map(|(_, id)| id.to_owned()),
        status: status.as_str().to_owned(),
        error_code: None,
        error_message: None,
        segments: i32::try_from(counted.segments).unwrap_or(i32::MAX),
        encoding: counted.encoding.as_str().to_owned(),
        lane: new.lane as i32,
        purpose: new.purpose.as_str().to_owned(),
        scheduled_at: new.scheduled_at,
        created_at: at,
        sent_at: None,
        delivered_at: None,
    };
    messages::insert(conn, &message)?;
    // Compliance texts stay out of the thread view, so they do not become its latest activity.
    let hidden = new.purpose != MessagePurpose::Normal;
    let conversation = if hidden {
        conversation
    } else {
        let preview = conversations::touch(conn, &conversation.conversation_id(), at, new.body, new.direction)?;
        ConversationRow {
            last_message_at: at,
            last_message_preview: preview,
            last_direction: Some(new.direction.as_str().to_owned()),
            ..conversation
        }
    };
    if let Some((number, _)) = new.number
        && new.contact.last_number_id.as_deref() != Some(number.as_str())
    {
        contacts::set_last_number(conn, &contact_id, number)?;
    }
    if new.direction == Direction::Outbound {
        let payload = serde_json::json!({ "message_id": message.id });
        let run_at = new.scheduled_at.unwrap_or(at);
        jobs::enqueue_at(conn, Some(new.organization), "send_message", &payload, new.lane, run_at)?;
    }
    let changed = serde_json::json!({ "conversation_id": conversation.id, "number": conversation.number });
    let added = serde_json::json!({ "conversation_id": conversation.id, "message_id": message.id });
    events::append_all(
        conn,
        new.organization,
        &[("conversation.changed", changed), ("message.added", added)],
    )?;
    Ok(Recorded {
        conversation,
        message,
        opened_conversation,
    })
}
