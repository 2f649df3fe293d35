//! Conversations: listing and reading them, starting one, replying, notes, each agent's read
//! state, and closing. Each operation opens its own transaction.

mod close;
mod notes;
mod read_state;
mod replies;
mod start;

use chrono::NaiveDateTime;
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::{self, ConversationFilter, ConversationRow, ListedConversation};
use textdesk_db::messages::{self, Window};
use textdesk_db::{DbConnection, events};
use textdesk_types::conversations::{Conversation, ConversationDetail, ConversationStatus, MessageWindow};
use textdesk_types::{ConversationId, MessageId, Page};

use crate::pagination::{cut_page, decode_cursor, decode_id_cursor, encode_cursor, parse_limit};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

pub use close::close;
pub use notes::add_note;
pub use read_state::{mark_all_read, set_read};
pub use replies::{choose_number, reply, send_to_phone};
pub use start::{Started, start};

/// What a list asks for; views add their criteria as fields here and in
/// `textdesk_db::conversations::ConversationFilter`.
#[derive(Clone, Debug, Default)]
pub struct ListRequest {
    pub status: Option<ConversationStatus>,
    /// Only those unread (`true`) or read (`false`) for the caller.
    pub unread: Option<bool>,
}

/// A page of conversations, newest activity first, each with the caller's unread state. The
/// first page also carries the change-feed position to follow it from.
pub fn list(
    app: &AppContext,
    caller: &Caller,
    request: ListRequest,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> AppResult<Page<Conversation>> {
    caller.permits(Permission::ReadInbox)?;
    let limit = parse_limit(limit)?;
    let before = cursor.map(decode_position).transpose()?;
    let caller = caller.clone();
    app.db.read(move |conn| {
        // Taken before the list is read: a change after it is either in the list or comes
        // through the feed.
        let feed_cursor = match before {
            None => Some(events::current_position(conn)?.to_string()),
            Some(_) => None,
        };
        let filter = ConversationFilter {
            status: request.status,
            unread: request.unread,
            ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
        };
        let rows = conversations::list(conn, &filter, before.clone(), limit + 1)?;
        let (rows, next_cursor) = cut_page(rows, limit, |listed| {
            let conversation = &listed.conversation;
            let micros = conversation.last_message_at.and_utc().timestamp_micros().to_string();
            encode_cursor(&[&micros, conversation.id.as_str()])
        });
        Ok(Page {
            items: rows.into_iter().map(into_wire).collect(),
            next_cursor,
            feed_cursor,
        })
    })
}

/// The list's sort position: the last row's activity time and id, so equal times still page.
fn decode_position(cursor: &str) -> AppResult<(NaiveDateTime, String)> {
    let invalid = || AppError::field("cursor", "invalid_cursor", "is not a cursor this API returned");
    let mut parts = decode_cursor("cursor", cursor, 2)?.into_iter();
    let micros: i64 = parts
        .next()
        .and_then(|micros| micros.parse().ok())
        .ok_or_else(invalid)?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(invalid)?
        .naive_utc();
    Ok((at, parts.next().ok_or_else(invalid)?))
}

/// One conversation with a window of its messages (the newest by default), oldest first.
pub fn get(
    app: &AppContext,
    caller: &Caller,
    id: ConversationId,
    query: MessageWindow,
) -> AppResult<ConversationDetail> {
    caller.permits(Permission::ReadInbox)?;
    let limit = parse_limit(query.limit)?;
    let window = if let Some(around) = query.around {
        if query.before.is_some() || query.after.is_some() {
            return Err(AppError::field(
                "around",
                "conflicting",
                "give one of around, before and after",
            ));
        }
        Window::Around(parse_message_id("around", &around)?)
    } else {
        match (query.before, query.after) {
            (Some(_), Some(_)) => {
                return Err(AppError::field(
                    "after",
                    "conflicting",
                    "give before or after, not both",
                ));
            }
            (Some(before), None) => Window::Before(decode_id_cursor("before", &before)?),
            (None, Some(after)) => Window::After(decode_id_cursor("after", &after)?),
            (None, None) => Window::Newest,
        }
    };
    let hidden = query.include_hidden;
    let caller = caller.clone();
    app.db.read(move |conn| {
        find(conn, &caller, &id)?;
        let rows = messages::window(conn, &id, window.clone(), limit, hidden).or_unknown(
            "around",
            "unknown_message",
            "is not a message this conversation shows",
        )?;
        let older = match rows.first() {
            Some(first) if messages::exists_beyond(conn, &id, first.id.as_str(), true, hidden)? => {
                Some(encode_cursor(&[first.id.as_str()]))
            }
            _ => None,
        };
        let newer = match rows.last() {
            Some(last) if messages::exists_beyond(conn, &id, last.id.as_str(), false, hidden)? => {
                Some(encode_cursor(&[last.id.as_str()]))
            }
            _ => None,
        };
        Ok(ConversationDetail {
            messages: messages::into_wire_list(conn, rows)?,
            conversation: wire_conversation(conn, &caller, &id)?,
            older_cursor: older,
            newer_cursor: newer,
        })
    })
}

/// A message id given in `field`: the shape of the ids this API returns.
fn parse_message_id(field: &str, raw: &str) -> AppResult<MessageId> {
    let looks_like_id = raw.len() == 36 && raw.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if looks_like_id {
        Ok(MessageId::new(raw))
    } else {
        Err(AppError::field(field, "invalid_id", "is not a message id"))
    }
}

/// The caller's organization's conversation, or 404.
pub(crate) fn find(conn: &mut DbConnection, caller: &Caller, id: &ConversationId) -> AppResult<ConversationRow> {
    conversations::find(conn, &caller.organization_id, id).or_missing("conversation")
}

pub(crate) fn contact_of(
    conn: &mut DbConnection,
    caller: &Caller,
    conversation: &ConversationRow,
) -> AppResult<ContactRow> {
    Ok(contacts::find(conn, &caller.organization_id, &conversation.contact_id)?)
}

fn into_wire(listed: ListedConversation) -> Conversation {
    listed.conversation.into_wire(&listed.contact, listed.unread)
}

/// One conversation as the caller's list shows it, read afresh.
pub(crate) fn wire_conversation(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &ConversationId,
) -> AppResult<Conversation> {
    let filter = ConversationFilter {
        id: Some(id.clone()),
        ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
    };
    let listed = conversations::list(conn, &filter, None, 1)?
        .pop()
        .ok_or_else(|| AppError::internal("a conversation vanished"))?;
    Ok(into_wire(listed))
}
