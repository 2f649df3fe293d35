//! Messages of conversations.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::events::{Change, MessageStatusChange};
use textdesk_types::messages::{Author, AuthorKind, Direction, Message, MessagePurpose, MessageStatus};
use textdesk_types::sms::Encoding;
use textdesk_types::{ContactId, ConversationId, MessageId, NumberId, OrganizationId};

use crate::schema::messages;
use crate::{DbConnection, DbError, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: MessageId,
    pub organization_id: OrganizationId,
    pub conversation_id: ConversationId,
    pub contact_id: ContactId,
    pub number_id: Option<NumberId>,
    pub direction: Direction,
    pub body: String,
    pub from_number: String,
    pub to_number: String,
    pub author_kind: AuthorKind,
    pub author_id: Option<String>,
    pub provider_account: Option<String>,
    pub provider_message_id: Option<String>,
    pub status: MessageStatus,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub segments: i32,
    pub encoding: Encoding,
    pub lane: i32,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub purpose: MessagePurpose,
    pub scheduled_at: Option<NaiveDateTime>,
    /// When the message was last handed to its provider.
    pub attempted_at: Option<NaiveDateTime>,
    /// Where it came from, as an integration named it.
    pub source: Option<String>,
    /// The API key's label, for a message a key wrote.
    pub author_label: Option<String>,
}

impl MessageRow {
    pub fn into_wire(self) -> Message {
        Message {
            id: self.id,
            conversation_id: self.conversation_id,
            direction: self.direction,
            body: self.body,
            from: self.from_number,
            to: self.to_number,
            number_id: self.number_id,
            author: Author {
                kind: self.author_kind,
                id: self.author_id,
                label: self.author_label,
            },
            source: self.source,
            status: self.status,
            error_code: self.error_code,
            error_message: self.error_message,
            segments: u32::try_from(self.segments).unwrap_or(0),
            encoding: self.encoding,
            media: Vec::new(),
            created_at: utc(self.created_at),
            sent_at: self.sent_at.map(utc),
            delivered_at: self.delivered_at.map(utc),
            purpose: self.purpose,
            scheduled_at: self.scheduled_at.map(utc),
            warnings: Vec::new(),
        }
    }
}

/// Which of these (provider account, provider message id) pairs are stored already.
pub fn stored_provider_ids(conn: &mut DbConnection, ids: &[(&str, &str)]) -> Result<Vec<(String, String)>, DbError> {
    let accounts: Vec<&str> = ids.iter().map(|(account, _)| *account).collect();
    let message_ids: Vec<&str> = ids.iter().map(|(_, id)| *id).collect();
    let found: Vec<(Option<String>, Option<String>)> = messages::table
        .filter(messages::provider_account.eq_any(&accounts))
        .filter(messages::provider_message_id.eq_any(&message_ids))
        .select((messages::provider_account, messages::provider_message_id))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(account, id)| Some((account?, id?)))
        .filter(|(account, id)| ids.contains(&(account.as_str(), id.as_str())))
        .collect())
}

/// Which slice of a conversation to read.
#[derive(Clone, Debug)]
pub enum Window {
    Newest,
    Before(String),
    After(String),
    /// This message with its neighbours on both sides.
    Around(MessageId),
}

/// Up to `limit` messages of the window, oldest first; compliance texts only when
/// `include_hidden`. `Around` a message the conversation does not show is `NotFound`.
pub fn window(
    conn: &mut DbConnection,
    conversation: &ConversationId,
    window: Window,
    limit: i64,
    include_hidden: bool,
) -> Result<Vec<MessageRow>, DbError> {
    let base = || {
        let mut query = messages::table
            .filter(messages::conversation_id.eq(conversation))
            .select(MessageRow::as_select())
            .into_boxed();
        if !include_hidden {
            query = query.filter(messages::purpose.eq(MessagePurpose::Normal));
        }
        query
    };
    let mut rows: Vec<MessageRow> = match window {
        Window::Newest => base().order(messages::id.desc()).limit(limit).load(conn)?,
        Window::Before(id) => base()
            .filter(messages::id.lt(id))
            .order(messages::id.desc())
            .limit(limit)
            .load(conn)?,
        Window::After(id) => {
            return Ok(base()
                .filter(messages::id.gt(id))
                .order(messages::id.asc())
                .limit(limit)
                .load(conn)?);
        }
        Window::Around(id) => {
            // Near either end of the conversation the other side fills the window, so it is
            // as full as a plain page would be.
            let middle: MessageRow = base()
                .filter(messages::id.eq(id.clone()))
                .first(conn)
                .optional()?
                .ok_or(DbError::NotFound)?;
            let others = limit.saturating_sub(1);
            let mut older: Vec<MessageRow> = base()
                .filter(messages::id.lt(id.clone()))
                .order(messages::id.desc())
                .limit(others)
                .load(conn)?;
            let mut newer: Vec<MessageRow> = base()
                .filter(messages::id.gt(id))
                .order(messages::id.asc())
                .limit(others)
                .load(conn)?;
            let others = usize::try_from(others).unwrap_or(0);
            older.truncate((others / 2).max(others.saturating_sub(newer.len())));
            newer.truncate(others - older.len());
            newer.reverse();
            newer.push(middle);
            newer.extend(older);
            newer
        }
    };
    rows.reverse();
    Ok(rows)
}

/// Whether the conversation has messages before or after the given id. `EXISTS` stops at the
/// first row; counting them all made opening a long thread slow.
pub fn exists_beyond(
    conn: &mut DbConnection,
    conversation: &ConversationId,
    id: &str,
    older: bool,
    include_hidden: bool,
) -> Result<bool, DbError> {
    // Not boxed: `EXISTS` takes no boxed query on the multi-backend connection.
    let in_conversation = messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(
            messages::purpose
                .eq(MessagePurpose::Normal)
                .or(include_hidden.into_sql::<diesel::sql_types::Bool>()),
        );
    let found = if older {
        diesel::select(diesel::dsl::exists(in_conversation.filter(messages::id.lt(id)))).get_result(conn)?
    } else {
        diesel::select(diesel::dsl::exists(in_conversation.filter(messages::id.gt(id)))).get_result(conn)?
    };
    Ok(found)
}

/// The contact's texts in the conversation from `since` on, oldest first, at most `limit`;
/// and how many there are in all.
pub fn inbound_since(
    conn: &mut DbConnection,
    conversation: &ConversationId,
    since: NaiveDateTime,
    limit: i64,
) -> Result<(Vec<MessageRow>, i64), DbError> {
    let texts = || {
        messages::table
            .filter(messages::conversation_id.eq(conversation))
            .filter(messages::direction.eq(Direction::Inbound))
            .filter(messages::created_at.ge(since))
    };
    let rows = texts()
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)?;
    let total: i64 = texts().count().get_result(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut DbConnection, id: &MessageId) -> Result<MessageRow, DbError> {
    Ok(messages::table.find(id).select(MessageRow::as_select()).first(conn)?)
}

/// The message a provider knows by this id, in the account it belongs to.
pub fn find_by_provider_id(
    conn: &mut DbConnection,
    provider_account: &str,
    provider_message_id: &str,
) -> Result<Option<MessageRow>, DbError> {
    Ok(messages::table
        .filter(messages::provider_account.eq(provider_account))
        .filter(messages::provider_message_id.eq(provider_message_id))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()?)
}

/// Delivery facts to store; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = messages)]
pub struct DeliveryChanges {
    pub status: Option<MessageStatus>,
    pub provider_account: Option<Option<String>>,
    pub provider_message_id: Option<Option<String>>,
    pub error_code: Option<Option<String>>,
    pub error_message: Option<Option<String>>,
    pub segments: Option<i32>,
    pub sent_at: Option<Option<NaiveDateTime>>,
    pub delivered_at: Option<Option<NaiveDateTime>>,
    pub scheduled_at: Option<Option<NaiveDateTime>>,
    pub attempted_at: Option<Option<NaiveDateTime>>,
}

pub fn update_delivery(
    conn: &mut DbConnection,
    id: &MessageId,
    changes: &DeliveryChanges,
) -> Result<MessageRow, DbError> {
    diesel::update(messages::table.find(id)).set(changes).execute(conn)?;
    find(conn, id)
}

/// Wire forms of messages with their media, in one query for all of them.
pub fn into_wire_list(conn: &mut DbConnection, rows: Vec<MessageRow>) -> Result<Vec<Message>, DbError> {
    let ids: Vec<&MessageId> = rows.iter().map(|row| &row.id).collect();
    let mut media = crate::media::for_messages(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let attached = media.remove(&row.id).unwrap_or_default();
            let mut message = row.into_wire();
            message.media = attached.into_iter().map(crate::media::MediaInfo::into_wire).collect();
            message
        })
        .collect())
}

pub fn into_wire_one(conn: &mut DbConnection, row: MessageRow) -> Result<Message, DbError> {
    into_wire_list(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// Messages a number handed to its provider since `since`, for its send rate.
pub fn sent_from_number_since(
    conn: &mut DbConnection,
    number: &NumberId,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(messages::table
        .filter(messages::number_id.eq(number))
        .filter(messages::sent_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// The conversation's consent request not yet handed to the provider (queued, or being sent
/// and not yet accepted), if any: the contact's first texts must wait for it.
pub fn unsent_consent_request(
    conn: &mut DbConnection,
    conversation: &ConversationId,
) -> Result<Option<MessageRow>, DbError> {
    Ok(messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(messages::purpose.eq(MessagePurpose::ConsentRequest))
        .filter(messages::status.eq_any([MessageStatus::Queued, MessageStatus::Sending]))
        .filter(messages::provider_message_id.is_null())
        .select(MessageRow::as_select())
        .first(conn)
        .optional()?)
}

/// Tells the change feed, and the webhook endpoints that take it, a message's status moved.
pub fn announce_status(conn: &mut DbConnection, message: &MessageRow) -> Result<(), DbError> {
    let change = Change::MessageStatusChanged(MessageStatusChange {
        conversation_id: message.conversation_id.clone(),
        message_id: message.id.clone(),
        status: message.status,
    });
    crate::events::append(conn, &message.organization_id, change)?;
    crate::webhook_outbox::message_status(conn, &message.organization_id, &message.conversation_id, &message.id)
}
