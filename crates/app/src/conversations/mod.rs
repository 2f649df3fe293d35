//! Conversations: listing and reading them, starting one, replying, notes, each agent's read
//! state, ownership and flags, closing, deleting, and doing those to many at once. Each
//! operation opens its own transaction.

mod bulk;
mod close;
mod delete;
mod flags;
mod notes;
pub(crate) mod ownership;
mod read_state;
mod replies;
mod start;
pub(crate) mod system_notes;

use chrono::NaiveDateTime;
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::{self, ConversationFilter, ConversationRow, ListPosition, ListedConversation};
use textdesk_db::messages::{self, Window};
use textdesk_db::{DbConnection, events};
use textdesk_types::conversations::{Conversation, ConversationDetail, ConversationStatus, MessageWindow};
use textdesk_types::views::{BuiltInView, ViewRef};
use textdesk_types::{ConversationId, MessageId, NumberId, Page};

use crate::pagination::{cut_page, decode_cursor, decode_id_cursor, encode_cursor, parse_limit};
use crate::views::{self, waiting_cutoff};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

pub(crate) use bulk::ids_in_view;
pub use bulk::{BULK_IDS_MAX, bulk};
pub use close::close;
pub use delete::delete;
pub use flags::update;
pub use notes::{SOURCE_MAX as NOTE_SOURCE_MAX, add_note, push_note};
pub use ownership::{claim, transfer};
pub use read_state::{mark_all_read, set_read};
pub use replies::{choose_number, reply, reply_from_afar, send_to_phone};
pub use start::{Started, start};

/// What a list asks for: a view (all conversations when absent), narrowed by status, the
/// caller's unread state and a business number.
#[derive(Clone, Debug, Default)]
pub struct ListRequest {
    pub view: Option<ViewRef>,
    pub status: Option<ConversationStatus>,
    /// Only those unread (`true`) or read (`false`) for the caller.
    pub unread: Option<bool>,
    pub number: Option<NumberId>,
}

/// The conversation filter a list request means for the caller.
fn filter_of(
    app: &AppContext,
    conn: &mut DbConnection,
    caller: &Caller,
    request: &ListRequest,
) -> AppResult<(ConversationFilter, NaiveDateTime)> {
    let view = request.view.clone().unwrap_or(ViewRef::BuiltIn(BuiltInView::All));
    let criteria = views::resolve(conn, caller, &view)?;
    let cutoff = waiting_cutoff(app, conn, &caller.organization_id)?;
    let mut filter = views::to_conversation_filter(&caller.organization_id, &caller.agent_id, &criteria, cutoff);
    if request.status.is_some() {
        filter.status = request.status;
    }
    filter.unread = request.unread;
    if let Some(number) = &request.number {
        filter.numbers = vec![number.clone()];
    }
    Ok((filter, cutoff))
}

/// A page of a view's conversations in the view's order, each with the caller's unread state.
/// The first page also carries the change-feed position to follow it from.
pub fn list(
    app: &AppContext,
    caller: &Caller,
    request: ListRequest,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> AppResult<Page<Conversation>> {
    caller.permits(Permission::ReadInbox)?;
    let limit = parse_limit(limit)?;
    let after = cursor.map(decode_position).transpose()?;
    app.db.read(|conn| {
        // Taken before the list is read: a change after it is either in the list or comes
        // through the feed.
        let feed_cursor = match after {
            None => Some(events::current_position(conn)?.to_string()),
            Some(_) => None,
        };
        let (filter, cutoff) = filter_of(app, conn, caller, &request)?;
        let rows = conversations::list(conn, &filter, after.clone(), limit + 1)?;
        let (rows, next_cursor) = cut_page(rows, limit, |listed| {
            encode_position(&ListPosition::of(&listed.conversation, filter.sort))
        });
        Ok(Page {
            items: rows.into_iter().map(|listed| into_wire(listed, cutoff)).collect(),
            next_cursor,
            feed_cursor,
        })
    })
}

/// A row without a sort time (not waiting, in the longest-waiting sort) is written `none`.
const NO_TIME: &str = "none";

fn encode_position(position: &ListPosition) -> String {
    let time = position
        .at
        .map_or_else(|| NO_TIME.to_owned(), |at| at.and_utc().timestamp_micros().to_string());
    encode_cursor(&[&time, &position.id])
}

/// The list's sort position: the last row's sort time and id, so equal times still page.
fn decode_position(cursor: &str) -> AppResult<ListPosition> {
    let invalid = || AppError::field("cursor", "invalid_cursor", "is not a cursor this API returned");
    let mut parts = decode_cursor("cursor", cursor, 2)?.into_iter();
    let time = parts.next().ok_or_else(invalid)?;
    let at = if time == NO_TIME {
        None
    } else {
        let micros: i64 = time.parse().map_err(|_| invalid())?;
        Some(
            chrono::DateTime::from_timestamp_micros(micros)
                .ok_or_else(invalid)?
                .naive_utc(),
        )
    };
    Ok(ListPosition {
        at,
        id: parts.next().ok_or_else(invalid)?,
    })
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
            conversation: wire_conversation(app, conn, &caller, &id)?,
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

fn into_wire(listed: ListedConversation, waiting_cutoff: NaiveDateTime) -> Conversation {
    listed
        .conversation
        .into_wire(&listed.contact, listed.unread, waiting_cutoff)
}

/// One conversation as the caller's list shows it, read afresh.
pub(crate) fn wire_conversation(
    app: &AppContext,
    conn: &mut DbConnection,
    caller: &Caller,
    id: &ConversationId,
) -> AppResult<Conversation> {
    let filter = ConversationFilter {
        id: Some(id.clone()),
        ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
    };
    let cutoff = waiting_cutoff(app, conn, &caller.organization_id)?;
    let listed = conversations::list(conn, &filter, None, 1)?
        .pop()
        .ok_or_else(|| AppError::internal("a conversation vanished"))?;
    Ok(into_wire(listed, cutoff))
}
